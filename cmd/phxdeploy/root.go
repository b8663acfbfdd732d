package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/phxdeploy/phxdeploy/generator"
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
	root.AddCommand(NewInitCmd(ios, nil), NewTemplatesCmd(ios))
	return root
}

// Execute runs the command line and returns the process exit code.
func Execute(args []string, ios *IOStreams) int {
	root := NewRootCmd(ios)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return generator.ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(ios.ErrOut, "error:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(ios.ErrOut, "error:", err)
	// cobra reports unknown commands and arguments as plain errors: those are usage errors.
	if isCobraUsage(err) {
		return generator.ExitUsage
	}
	return generator.ExitFailed
}

func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "invalid argument", "required flag"} {
		if len(msg) >= len(prefix) && msg[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}
