package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

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
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: generator.ExitUsage, err: err}
	})
	root.Version = generator.Version()
	root.SetVersionTemplate("phxdeploy {{ .Version }}\n")
	root.AddCommand(&cobra.Command{
		Use: "version", Short: "Print phxdeploy's version (and commit, when the build knows it)", Args: cobra.NoArgs,
		Run: func(*cobra.Command, []string) { fmt.Fprintln(ios.Out, "phxdeploy", generator.Version()) },
	})
	root.AddCommand(helpTopics()...)
	root.AddCommand(NewInitCmd(ios, nil), NewUpdateCmd(ios), NewCheckCmd(ios), NewTemplatesCmd(ios), NewDebugCmd(ios))
	typedArgs(root)
	return root
}

// typedArgs makes every argument error of the command tree a usage error (exit 2): a command
// group given an unknown subcommand (`templates lnit`) fails instead of printing its help and
// succeeding, and cobra's own argument checks are wrapped instead of recognised by their text.
func typedArgs(cmd *cobra.Command) {
	check := cmd.Args
	if cmd.HasSubCommands() && check == nil {
		check = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q for %q (see %s --help)", args[0], c.CommandPath(), c.CommandPath())
			}
			return nil
		}
		if cmd.RunE == nil && cmd.Run == nil {
			cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
	}
	if check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return &exitError{code: generator.ExitUsage, err: err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		typedArgs(sub)
	}
}

// Execute runs the command line and returns the process exit code.
func Execute(args []string, ios *IOStreams) int {
	root := NewRootCmd(ios)
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
