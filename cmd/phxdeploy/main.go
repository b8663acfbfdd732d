// Command phxdeploy makes an existing Phoenix project deployable on Fly.io, Docker, systemd and
// Kubernetes.
package main

import (
	"os"

	"golang.org/x/term"
)

func main() {
	collectLate(os.Getenv)
	io := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY: term.IsTerminal(int(os.Stdin.Fd())),
		// The report goes to stdout and the prompts draw on stderr: both must be a terminal.
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())) && term.IsTerminal(int(os.Stderr.Fd())),
		Getenv: os.Getenv,
	}
	os.Exit(Execute(os.Args[1:], io))
}
