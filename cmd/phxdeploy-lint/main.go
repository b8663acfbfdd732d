// Command phxdeploy-lint checks template layers: it parses every template, renders them against
// bundled Phoenix project shapes for every target, and validates the output with the platforms'
// own parsers and linters. `phxdeploy templates lint` runs it; it is a separate program so that
// the validators' weight never slows `phxdeploy init`.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

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
	if len(dirs) == 0 && os.Getenv("PHXDEPLOY_TEMPLATES") == "" && looksLikeLayer(*dir) {
		// Run inside an organization's template directory: that is what is to be linted.
		fmt.Fprintf(stderr, "note: %s is a template layer (no mix.exs, template folders): linting it\n", *dir)
		dirs = []string{*dir}
	}
	asked := len(dirs) > 0
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
	var summary []string
	total := 0
	for _, l := range layers {
		if l.Dir == "" {
			summary = append(summary, "embedded")
			continue
		}
		n := overrides(l.FS)
		total += n
		summary = append(summary, fmt.Sprintf("%s %s (%d template file(s)%s)", l.Name, l.Dir, n, map[bool]string{true: ", defaults.yaml", false: ""}[hasFile(l.FS, "defaults.yaml")]))
		if n == 0 && !hasFile(l.FS, "defaults.yaml") && asked {
			fmt.Fprintf(stderr, "error: %s holds no templates and no defaults.yaml: nothing of it to lint (give the directory that has docker/, fly/, k8s/, systemd/ or common/)\n", l.Dir)
			return generator.ExitFailed
		}
	}
	fmt.Fprintf(stderr, "layers linted: %s; %d override(s)\n", strings.Join(summary, ", "), total)
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

// templateFolders are where a layer keeps templates.
var templateFolders = []string{"common", "docker", "fly", "k8s", "systemd"}

// looksLikeLayer reports whether dir is a template layer rather than a project: no mix.exs, and
// a template folder or defaults.yaml.
func looksLikeLayer(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "mix.exs")); err == nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(dir, "defaults.yaml")); err == nil {
		return true
	}
	for _, f := range templateFolders {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// overrides counts a layer's template files (not the bookkeeping of `templates export`).
func overrides(fsys iofs.FS) int {
	n := 0
	_ = iofs.WalkDir(fsys, ".", func(p string, d iofs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".phxdeploy") {
			return iofs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".tmpl") {
			n++
		}
		return nil
	})
	return n
}

func hasFile(fsys iofs.FS, name string) bool {
	_, err := iofs.Stat(fsys, name)
	return err == nil
}
