package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/answers"
)

// IOStreams carries the standard streams and whether each end is a terminal, so that commands
// run the same in tests as on a console.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	InTTY  bool
	OutTTY bool
	Getenv func(string) string
	// Prompter overrides the terminal prompter (tests).
	Prompter Prompter
}

// Interactive reports whether prompts can be shown.
func (s *IOStreams) Interactive() bool { return s.InTTY && s.OutTTY }

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
	// reported: the command has printed its result already (a --json report): no JSON error
	// object follows it.
	reported bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: generator.ExitUsage, err: fmt.Errorf(format, args...)}
}

// NewRootCmd builds the command tree.
func NewRootCmd(ios *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:           "phxdeploy",
		Short:         "Make a Phoenix project deployable on Fly.io, Docker, systemd and Kubernetes",
		SilenceUsage:  true,
		SilenceErrors: true,
		Example: `  # On a terminal: pick the targets, review what phxdeploy would use, confirm the changes
  phxdeploy init
  # In a script: every answer a flag or a default
  phxdeploy init --target fly --yes
  # Later: re-render with the saved answers, merging your edits
  phxdeploy update
  # In CI: exit 1 when an update would change something
  phxdeploy check`,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(flagError(nil))
	root.Version = generator.Version()
	root.SetVersionTemplate("phxdeploy {{ .Version }}\n")
	root.AddCommand(&cobra.Command{
		Use: "version", Short: "Print phxdeploy's version (and commit, when the build knows it)", Args: cobra.NoArgs,
		Example: `  phxdeploy version
  phxdeploy --version`,
		Run: func(*cobra.Command, []string) { fmt.Fprintln(ios.Out, "phxdeploy", generator.Version()) },
	})
	root.AddCommand(helpTopics()...)
	root.AddCommand(NewInitCmd(ios, nil), NewUpdateCmd(ios), NewCheckCmd(ios), NewTemplatesCmd(ios), NewDebugCmd(ios))
	// cobra adds these when it runs; added now, typedArgs covers them (`completion tcsh` fails).
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	strictHelp(root)
	cobraExamples(root)
	typedArgs(root)
	return root
}

// strictHelp makes `help <word>` for a word that names no command or topic a usage error with
// suggestions, instead of printing the root's help and succeeding.
func strictHelp(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.Name() != "help" {
			continue
		}
		show := c.Run
		c.Run = nil
		c.RunE = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				found, rest, err := root.Find(args)
				if err != nil || found == root || len(rest) > 0 {
					parent := root
					if found != nil && found != root {
						parent = found
					}
					return &exitError{code: generator.ExitUsage, err: unknownCommand(parent, args[len(args)-len(rest)])}
				}
			}
			show(c, args)
			return nil
		}
	}
}

// typedArgs makes every argument error of the command tree a usage error (exit 2): a command
// group given an unknown subcommand (`templates lnit`) fails instead of printing its help and
// succeeding, and cobra's own argument checks are wrapped instead of recognised by their text.
func typedArgs(cmd *cobra.Command) {
	check := cmd.Args
	if cmd.HasSubCommands() && check == nil {
		check = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(c, args[0])
			}
			return nil
		}
	}
	if cmd.HasSubCommands() && cmd.RunE == nil && cmd.Run == nil {
		// Runnable, so that cobra checks its arguments instead of printing its help.
		cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	}
	if check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				if slices.Contains(args, "true") || slices.Contains(args, "false") {
					err = fmt.Errorf("%w; a yes/no flag takes its value after =, as in --clustering=false", err)
				}
				return &exitError{code: generator.ExitUsage, err: err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		typedArgs(sub)
	}
}

// unknownCommand is the error for a word that names no subcommand of the group c, with the
// names it may be a typo of.
func unknownCommand(c *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, c.CommandPath())
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own error path
	}
	if s := c.SuggestionsFor(name); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return fmt.Errorf("%s (see %s --help)", msg, c.CommandPath())
}

// flagError makes a flag error a usage error. On a command group, a flag error comes from a
// mistyped subcommand (`phxdeploy initt --target fly` parses --target as the root's flag): that
// word is the error. An unknown flag gets the flag it may be a typo of.
func flagError(args []string) func(*cobra.Command, error) error {
	return func(c *cobra.Command, err error) error {
		if c.HasSubCommands() {
			path := strings.Fields(c.CommandPath())[1:]
			for _, a := range args {
				if a == "--" {
					break
				}
				if !strings.HasPrefix(a, "-") {
					if len(path) > 0 && a == path[0] {
						path = path[1:]
						continue
					}
					return &exitError{code: generator.ExitUsage, err: unknownCommand(c, a)}
				}
			}
		}
		if name, ok := strings.CutPrefix(err.Error(), "unknown flag: --"); ok {
			if near := nearestFlag(c, name); near != "" {
				err = fmt.Errorf("%w; did you mean --%s?", err, near)
			}
		}
		return &exitError{code: generator.ExitUsage, err: err}
	}
}

// nearestFlag returns the flag of c whose name is closest to name, within two edits, or "".
func nearestFlag(c *cobra.Command, name string) string {
	best, bestD := "", 3
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if d := editDistance(name, f.Name); d < bestD && !f.Hidden {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b (adjacent transpositions count as
// two edits).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Execute runs the command line and returns the process exit code.
func Execute(args []string, ios *IOStreams) int {
	root := NewRootCmd(ios)
	root.SetFlagErrorFunc(flagError(args))
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return generator.ExitOK
	}
	code, reported := generator.ExitFailed, false
	var ee *exitError
	if errors.As(err, &ee) {
		code, reported = ee.code, ee.reported
		if ee.err == nil || ee.err.Error() == "" {
			return code
		}
	}
	fmt.Fprintln(ios.ErrOut, "error:", printableMultiline(err.Error()))
	if wantsJSON(args) && !reported {
		_ = writeJSON(ios, jsonError(err, code))
	}
	return code
}

// JSONSchemaVersion versions the JSON phxdeploy prints (docs/report.schema.json).
const JSONSchemaVersion = generator.JSONSchemaVersion

// wantsJSON reports whether the command line asks for JSON (read from the arguments, since an
// error may come before the flags are parsed).
func wantsJSON(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}

// jsonError is the object a failed command prints under --json.
func jsonError(err error, code int) any {
	type detail struct {
		Message  string `json:"message"`
		ExitCode int    `json:"exit_code"`
		File     string `json:"file,omitempty"`
		Fix      string `json:"fix,omitempty"`
	}
	d := detail{Message: err.Error(), ExitCode: code}
	var fe *answers.FileError
	if errors.As(err, &fe) {
		d.Message, d.File, d.Fix = fe.Msg, fe.File, fe.Fix
	}
	return struct {
		SchemaVersion int    `json:"schema_version"`
		Error         detail `json:"error"`
	}{JSONSchemaVersion, d}
}

// printableMultiline escapes control characters in a message from the project (a file name with
// terminal escapes), keeping its own line breaks.
func printableMultiline(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = generator.Printable(l)
	}
	return strings.Join(lines, "\n")
}
