// Command phxdeploy-lint checks template layers: it parses every template, renders them against
// bundled Phoenix project shapes for every target, and validates the output with the platforms'
// own parsers and linters. `phxdeploy templates lint` runs it; it is a separate program so that
// the validators' weight never slows `phxdeploy init`.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/engine"
	"github.com/phxdeploy/phxdeploy/internal/lint"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("phxdeploy-lint", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "project directory (its .phxdeploy/templates is the first layer)")
	orgs := fs.StringArray("templates", nil, "organization template directory (repeatable, first wins)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return generator.ExitUsage
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "error: at most one DIR")
		return generator.ExitUsage
	}
	dirs := append(fs.Args(), *orgs...)
	if len(*orgs) == 0 {
		for _, d := range filepath.SplitList(os.Getenv("PHXDEPLOY_TEMPLATES")) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	layers, err := engine.Layers(*dir, dirs)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return generator.ExitUsage
	}
	e := engine.New(layers)
	defer e.Close()
	for _, w := range e.StaleOverrides() {
		fmt.Fprintln(stderr, "warning:", generator.Printable(w))
	}
	problems, skipped := lint.Run(e)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"problems": problems, "skipped_tools": skipped})
	} else {
		for _, p := range problems {
			where := p.File
			if p.Case != "" {
				where += " [" + p.Case + "]"
			}
			fmt.Fprintf(stdout, "%s: %s\n", where, p.Problem)
		}
		for _, s := range skipped {
			fmt.Fprintf(stderr, "note: %s is not installed; its checks were skipped\n", s)
		}
		if len(problems) == 0 {
			fmt.Fprintln(stdout, "templates lint: no problems")
		}
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "error: templates lint found %d problem(s)\n", len(problems))
		return generator.ExitFailed
	}
	return generator.ExitOK
}
