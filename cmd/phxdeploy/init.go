package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/phxdeploy/phxdeploy/generator"
)

// InitOptions are the inputs of `phxdeploy init`.
type InitOptions struct {
	IO *IOStreams

	Dir        string
	Release    string
	Templates  []string // organization template directories, first wins
	Yes        bool
	DryRun     bool
	Force      bool
	JSON       bool
	Accessible bool

	// Answers given as flags, by question key.
	Given map[string]string
}

// NewInitCmd wires the flags of `init`; runF replaces the run function in tests.
func NewInitCmd(ios *IOStreams, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Render the deployment files for the chosen targets into a Phoenix project",
		Long: `Detects the Phoenix project in --dir, asks for what it cannot detect (or takes it from
flags), and renders the deployment files for each target. Existing files are never changed
without --force; --dry-run shows every change as a unified diff and writes nothing.

Every question has a flag. Without a terminal, or with --yes, defaults answer the rest;
answers without a default must then be given as flags.`,
		Args: cobra.NoArgs,
		Example: `  phxdeploy init --target fly --yes
  phxdeploy init --target k8s,docker --image ghcr.io/acme/shop:1.4.2 --host shop.acme.com --yes
  phxdeploy init --target systemd --host shop.acme.com --dry-run`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Given = givenAnswers(cmd.Flags())
			if runF != nil {
				return runF(opts)
			}
			return runInit(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "dir", ".", "project directory")
	f.StringVar(&opts.Release, "release", "", "release to deploy when mix.exs defines several")
	f.BoolVarP(&opts.Yes, "yes", "y", false, "do not prompt: take defaults for every question not given as a flag")
	f.BoolVar(&opts.DryRun, "dry-run", false, "write nothing; print a unified diff of every change")
	f.BoolVar(&opts.Force, "force", false, "overwrite files that differ from what phxdeploy would write")
	f.BoolVar(&opts.JSON, "json", false, "print the result as one JSON object")
	f.BoolVar(&opts.Accessible, "accessible", false, "plain line-by-line prompts (also ACCESSIBLE=1 or TERM=dumb)")
	f.StringArrayVar(&opts.Templates, "templates", nil, "organization template directory (repeatable, first wins; default: the PHXDEPLOY_TEMPLATES path list)")
	for _, q := range generator.Questions {
		switch q.Kind {
		case generator.KindBool:
			f.Bool(q.Key, false, q.Help)
		case generator.KindList:
			f.StringSlice(q.Key, nil, q.Help)
		default:
			f.String(q.Key, "", q.Help)
		}
	}
	return cmd
}

// givenAnswers collects the question flags the user set.
func givenAnswers(fs *pflag.FlagSet) map[string]string {
	out := map[string]string{}
	for _, q := range generator.Questions {
		fl := fs.Lookup(q.Key)
		if fl == nil || !fl.Changed {
			continue
		}
		v := fl.Value.String()
		if q.Kind == generator.KindList {
			v = strings.Trim(v, "[]")
		}
		out[q.Key] = v
	}
	return out
}

// orgDirs returns the organization template directories: --templates, else PHXDEPLOY_TEMPLATES.
func orgDirs(ios *IOStreams, given []string) []string {
	if len(given) > 0 {
		return given
	}
	get := ios.Getenv
	if get == nil {
		get = os.Getenv
	}
	var out []string
	for _, d := range filepath.SplitList(get("PHXDEPLOY_TEMPLATES")) {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}

func failed(err error) error { return &exitError{code: generator.ExitFailed, err: err} }

func runInit(opts *InitOptions) error {
	ios := opts.IO
	project, err := generator.Detect(opts.Dir, opts.Release)
	if err != nil {
		return failed(err)
	}
	dirs := orgDirs(ios, opts.Templates)
	layers, err := generator.Layers(project.Dir, dirs)
	if err != nil {
		return &exitError{code: generator.ExitUsage, err: err}
	}
	values := generator.NewValues()
	for k, v := range opts.Given {
		values.Set(k, v, generator.SourceFlag)
	}
	if err := generator.LoadSaved(project.Dir, values); err != nil {
		return failed(err)
	}
	if err := generator.LoadOrganizationDefaults(dirs, values); err != nil {
		return failed(err)
	}
	if ios.Interactive() && !opts.Yes {
		if err := promptAnswers(opts, project, values); err != nil {
			return failed(err)
		}
	}
	if err := generator.Complete(project, values); err != nil {
		return &exitError{code: generator.ExitUsage, err: err}
	}
	settings := generator.Resolve(values)
	engine := generator.NewLayeredEngine(layers)
	for _, w := range engine.StaleOverrides() {
		fmt.Fprintln(ios.ErrOut, "warning:", w)
	}
	root := os.DirFS(project.Dir)
	changes, err := generator.Plan(project, settings, engine, root, generator.PlanOptions{Force: opts.Force})
	if err != nil {
		return failed(err)
	}
	if c, ok := generator.AnswersChange(root, values); ok {
		changes = append(changes, c)
	}
	if opts.DryRun {
		if !opts.JSON {
			if err := generator.WriteDiff(ios.Out, changes); err != nil {
				return failed(err)
			}
		}
	} else if err := generator.Apply(project.Dir, changes); err != nil {
		return failed(err)
	}
	report := generator.NewReport(project, values, settings, changes, opts.DryRun)
	if opts.JSON {
		if err := report.WriteJSON(ios.Out); err != nil {
			return failed(err)
		}
	} else {
		if opts.DryRun {
			fmt.Fprintln(ios.Out)
		}
		report.WriteText(ios.Out)
	}
	if report.ExitCode != generator.ExitOK {
		return &exitError{code: report.ExitCode, err: errors.New("")}
	}
	return nil
}

func accessible(opts *InitOptions) bool {
	get := opts.IO.Getenv
	if get == nil {
		get = os.Getenv
	}
	return opts.Accessible || get("ACCESSIBLE") != "" || get("TERM") == "dumb"
}

// promptAnswers asks the questions the chosen targets need that no flag answered, each
// pre-filled with its detected or default value.
func promptAnswers(opts *InitOptions, p *generator.Project, v *generator.Values) error {
	pr := opts.IO.Prompter
	if pr == nil {
		pr = &huhPrompter{in: opts.IO.In, out: opts.IO.ErrOut, accessible: accessible(opts)}
	}
	for _, q := range generator.Questions {
		if _, given := v.Get(q.Key); given || (q.Key != "target" && !q.Needed(p, v)) {
			continue
		}
		def, _, _ := v.DefaultFor(q, p)
		var answer string
		switch q.Kind {
		case generator.KindList:
			if len(q.Options) == 0 {
				s, err := pr.Input(q.Title, def, q.Validate)
				if err != nil {
					return err
				}
				answer = strings.TrimSpace(s)
				break
			}
			sel, err := pr.MultiSelect(q.Title, q.Options, strings.Split(def, ","))
			if err != nil {
				return err
			}
			answer = strings.Join(sel, ",")
		case generator.KindBool:
			yes, err := pr.Confirm(q.Title, def == "true")
			if err != nil {
				return err
			}
			answer = fmt.Sprint(yes)
		default:
			if len(q.Options) > 0 {
				s, err := pr.Select(q.Title, q.Options, def)
				if err != nil {
					return err
				}
				answer = s
				break
			}
			s, err := pr.Input(q.Title, def, q.Validate)
			if err != nil {
				return err
			}
			answer = strings.TrimSpace(s)
		}
		if err := q.Validate(answer); err != nil {
			return fmt.Errorf("--%s: %w", q.Key, err)
		}
		v.Set(q.Key, answer, generator.SourcePrompt)
	}
	return nil
}
