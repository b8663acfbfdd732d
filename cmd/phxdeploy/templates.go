package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing/fstest"

	"github.com/spf13/cobra"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/engine"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/target"
)

// TemplatesOptions are shared by the `templates` subcommands.
type TemplatesOptions struct {
	IO        *IOStreams
	Dir       string
	Templates []string
	JSON      bool
}

// engine builds the layered engine for the project in --dir and the organization directories.
func (o *TemplatesOptions) engine() (*engine.Engine, error) {
	dirs, err := orgDirs(o.IO, o.Templates)
	if err != nil {
		return nil, err
	}
	layers, err := engine.Layers(o.Dir, dirs)
	if err != nil {
		return nil, failed(err)
	}
	return engine.New(layers), nil
}

// NewTemplatesCmd groups the template tooling.
func NewTemplatesCmd(ios *IOStreams) *cobra.Command {
	o := &TemplatesOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "List, export, lint and inspect the templates and their overrides",
		Long: `Templates are looked up by their relative name (for example docker/Dockerfile.tmpl) in the
project's .phxdeploy/templates, then each --templates directory (or PHXDEPLOY_TEMPLATES), then
phxdeploy's embedded templates; the first layer that has a file wins. A layer file that only
defines blocks ({{define "runner_packages"}}...{{end}}) overrides those blocks and inherits the
rest of the template.`,
		Example: `  phxdeploy templates list --templates ~/acme-templates
  phxdeploy templates export docker/Dockerfile.tmpl --to .phxdeploy/templates
  phxdeploy templates lint`,
	}
	cmd.PersistentFlags().StringVar(&o.Dir, "dir", ".", "project directory (its .phxdeploy/templates is the first layer)")
	listVar(cmd.PersistentFlags(), &o.Templates, "templates", true, "organization template directory (repeatable, first wins; default: PHXDEPLOY_TEMPLATES)")
	cmd.PersistentFlags().BoolVar(&o.JSON, "json", false, "print JSON")
	cmd.AddCommand(newTemplatesListCmd(o), newTemplatesExportCmd(o), newTemplatesLintCmd(o), newTemplatesVarsCmd(o), newTemplatesDiffCmd(o))
	return cmd
}

func newTemplatesListCmd(o *TemplatesOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Every template, the layer it resolves from, and its overridden blocks",
		Example: `  phxdeploy templates list
  phxdeploy templates list --templates ~/acme-templates --json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			e, err := o.engine()
			if err != nil {
				return err
			}
			defer e.Close()
			names, err := e.TemplateNames()
			if err != nil {
				return failed(err)
			}
			var rows []engine.Resolution
			for _, n := range names {
				r, err := e.Resolve(n)
				if err != nil {
					return failed(err)
				}
				rows = append(rows, r)
			}
			if o.JSON {
				return writeJSON(o.IO, rows)
			}
			for _, r := range rows {
				fmt.Fprintf(o.IO.Out, "%-36s %-13s %s\n", generator.Printable(r.Name), r.Layer, generator.Printable(map[bool]string{true: r.File, false: ""}[r.Layer != "embedded"]))
				for _, ov := range r.Overrides {
					fmt.Fprintf(o.IO.Out, "%-36s   block %s\n", "", ov)
				}
				if r.Stale != "" {
					fmt.Fprintf(o.IO.Out, "%-36s   warning: %s\n", "", generator.Printable(r.Stale))
				}
			}
			return nil
		},
	}
}

func newTemplatesExportCmd(o *TemplatesOptions) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "export NAME... --to DIR",
		Short: "Copy embedded templates into DIR as a starting point for overrides",
		Long: `Copies embedded templates into DIR under the same relative names. NAME may be a template
name (docker/Dockerfile.tmpl) or a target directory (docker). Each copy records the embedded
version it came from, so that init, list and lint warn when phxdeploy's template changes, and
templates diff shows what changed.`,
		Example: `  # Override the project's Dockerfile template (its layer is .phxdeploy/templates)
  phxdeploy templates export docker/Dockerfile.tmpl --to .phxdeploy/templates
  # Start an organization layer with every Kubernetes and systemd template
  phxdeploy templates export k8s systemd --to ~/new-templates`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if to == "" {
				return usageError("--to DIR is required")
			}
			names, err := templateNames(args)
			if err != nil {
				return err
			}
			written, err := generator.Export(names, to)
			for _, w := range written {
				fmt.Fprintf(o.IO.Out, "%16s  %s\n", "export", w)
			}
			if err != nil {
				return failed(err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "directory to copy the templates into")
	return cmd
}

func newTemplatesLintCmd(o *TemplatesOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "lint [DIR]",
		Short: "Parse, render and validate every template in the layers",
		Long: `Parses every template in the layers (DIR first, when given), renders them against
phxdeploy's bundled project shapes for every target, and validates the output with the checks the
test suite uses: BuildKit's Dockerfile linter, strict fly.toml and Kubernetes decoding, YAML,
sh -n, and elixir, shellcheck and systemd-analyze where installed. Exits 1 when it finds a
problem.

The validators live in a companion program, phxdeploy-lint, so that their weight never slows
phxdeploy init. It is found through PHXDEPLOY_LINT, beside phxdeploy, or on PATH; install it
with: go install github.com/phxdeploy/phxdeploy/cmd/phxdeploy-lint@latest`,
		Example: `  # The project's layer (.phxdeploy/templates) over the embedded templates
  phxdeploy templates lint
  # An organization's layer
  phxdeploy templates lint ~/acme-templates --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			bin, err := findLint(o.IO)
			if err != nil {
				return failed(err)
			}
			lintArgs := []string{"--dir", o.Dir}
			dirs, err := orgDirs(o.IO, o.Templates)
			if err != nil {
				return err
			}
			for _, t := range dirs {
				lintArgs = append(lintArgs, "--templates", t)
			}
			if o.JSON {
				lintArgs = append(lintArgs, "--json")
			}
			cmd := exec.Command(bin, append(lintArgs, args...)...)
			cmd.Stdout, cmd.Stderr = o.IO.Out, o.IO.ErrOut
			err = cmd.Run()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return &exitError{code: ee.ExitCode(), err: errors.New("")}
			}
			if err != nil {
				return failed(err)
			}
			return nil
		},
	}
}

// findLint locates phxdeploy-lint: PHXDEPLOY_LINT, then beside this executable, then PATH.
func findLint(ios *IOStreams) (string, error) {
	get := ios.Getenv
	if get == nil {
		get = os.Getenv
	}
	if p := get("PHXDEPLOY_LINT"); p != "" {
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "phxdeploy-lint")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("phxdeploy-lint"); err == nil {
		return p, nil
	}
	return "", errors.New("phxdeploy-lint was not found (looked at PHXDEPLOY_LINT, beside phxdeploy, and on PATH)\n  fix: go install github.com/phxdeploy/phxdeploy/cmd/phxdeploy-lint@latest (or make build)")
}

// VarDoc documents one field of the data templates receive.
type VarDoc struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Doc     string `json:"doc"`
	Example string `json:"example"`
}

// TemplateVars documents the data every template receives, with an example from the bundled
// Phoenix 1.8 project shape. This is a contract with organization templates.
func TemplateVars() []VarDoc {
	reg := target.Default()
	_, d, err := generator.PlanFor(reg, project.Sample(), generator.SampleAnswers(reg), engine.New([]engine.Layer{engine.Embedded()}), fstest.MapFS{})
	if err != nil {
		panic("the sample project does not render: " + err.Error()) // the embedded templates are tested
	}
	rv := reflect.ValueOf(d).Elem()
	rt := rv.Type()
	var out []VarDoc
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		example, _ := json.Marshal(rv.Field(i).Interface())
		out = append(out, VarDoc{Name: "." + f.Name, Type: f.Type.String(), Doc: f.Tag.Get("doc"), Example: string(example)})
	}
	return out
}

func newTemplatesVarsCmd(o *TemplatesOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "vars",
		Short: "The data every template receives, with types and an example",
		Example: `  phxdeploy templates vars
  phxdeploy templates vars --json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			vars := TemplateVars()
			if o.JSON {
				return writeJSON(o.IO, vars)
			}
			fmt.Fprintln(o.IO.Out, "Every template receives these fields (a contract: renaming or removing one is a breaking change).")
			fmt.Fprintln(o.IO.Out, "Functions: sprig's hermetic ones (no env, clock, random or network), include, required, exCall, shq, yamlq, tomlq.")
			fmt.Fprintln(o.IO.Out)
			for _, v := range vars {
				fmt.Fprintf(o.IO.Out, "%-22s %-24s %s\n%-22s %-24s e.g. %s\n", v.Name, v.Type, v.Doc, "", "", v.Example)
			}
			return nil
		},
	}
}

func newTemplatesDiffCmd(o *TemplatesOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "diff NAME...",
		Short: "Show how embedded templates changed since overrides were exported from them (names or directories, as export takes)",
		Example: `  # After phxdeploy templates export docker --to .phxdeploy/templates and an upgrade of phxdeploy
  phxdeploy templates diff docker/Dockerfile.tmpl
  phxdeploy templates diff docker`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			names, err := templateNames(args)
			if err != nil {
				return err
			}
			e, err := o.engine()
			if err != nil {
				return err
			}
			defer e.Close()
			shown := 0
			for _, name := range names {
				diff, err := generator.UpstreamDiff(e, name)
				if err != nil {
					if len(names) > 1 {
						continue // a directory: only the templates exported from it
					}
					return failed(err)
				}
				shown++
				if diff == "" {
					fmt.Fprintf(o.IO.Out, "%s has not changed since it was exported\n", name)
					continue
				}
				fmt.Fprint(o.IO.Out, diff)
			}
			if shown == 0 {
				return failed(fmt.Errorf("%s: no override in the layers was exported from these templates", strings.Join(args, " ")))
			}
			return nil
		},
	}
}

func writeJSON(ios *IOStreams, v any) error {
	enc := json.NewEncoder(ios.Out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return failed(err)
	}
	return nil
}

// templateNames expands names of embedded templates and of their directories (docker,
// docker/) into template names, as export and diff take them.
func templateNames(args []string) ([]string, error) {
	all, err := engine.New([]engine.Layer{engine.Embedded()}).TemplateNames()
	if err != nil {
		return nil, failed(err)
	}
	var names []string
	for _, a := range args {
		a = filepath.ToSlash(a)
		n := len(names)
		for _, t := range all {
			if t == a || strings.HasPrefix(t, strings.TrimSuffix(a, "/")+"/") {
				names = append(names, t)
			}
		}
		if len(names) == n {
			return nil, usageError("%s: no such embedded template or directory (see `phxdeploy templates list`)", a)
		}
	}
	return names, nil
}
