package main

import (
	"errors"
	"io"

	"github.com/charmbracelet/huh"
)

// Prompter asks questions. The command layer only talks to this interface, so tests and other
// front ends can answer without a terminal.
type Prompter interface {
	MultiSelect(title string, options, defaults []string) ([]string, error)
	Select(title string, options []string, def string) (string, error)
	Input(title, def string, validate func(string) error) (string, error)
	Confirm(title string, def bool) (bool, error)
}

// huhPrompter asks with charmbracelet/huh; accessible mode gives plain line-by-line prompts for
// screen readers and dumb terminals.
type huhPrompter struct {
	in         io.Reader
	out        io.Writer
	accessible bool
}

func (p *huhPrompter) run(field huh.Field) error {
	err := huh.NewForm(huh.NewGroup(field)).
		WithAccessible(p.accessible).
		WithInput(p.in).
		WithOutput(p.out).
		WithShowHelp(true).
		Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return errAborted
	}
	return err
}

var errAborted = errors.New("aborted: nothing was written")

func (p *huhPrompter) MultiSelect(title string, options, defaults []string) ([]string, error) {
	opts := make([]huh.Option[string], len(options))
	for i, o := range options {
		opts[i] = huh.NewOption(o, o).Selected(contains(defaults, o))
	}
	var out []string
	err := p.run(huh.NewMultiSelect[string]().Title(title).Options(opts...).Value(&out).
		Validate(func(v []string) error {
			if len(v) == 0 {
				return errors.New("choose at least one")
			}
			return nil
		}))
	return out, err
}

func (p *huhPrompter) Select(title string, options []string, def string) (string, error) {
	out := def
	err := p.run(huh.NewSelect[string]().Title(title).Options(huh.NewOptions(options...)...).Value(&out))
	return out, err
}

func (p *huhPrompter) Input(title, def string, validate func(string) error) (string, error) {
	out := def
	err := p.run(huh.NewInput().Title(title).Value(&out).Validate(validate))
	return out, err
}

func (p *huhPrompter) Confirm(title string, def bool) (bool, error) {
	out := def
	err := p.run(huh.NewConfirm().Title(title).Value(&out))
	return out, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
