package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

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

func (p *huhPrompter) run(field huh.Field) (err error) {
	in := p.in
	lr := &lineReader{r: p.in}
	defer func() {
		// huh's accessible select indexes its options with what it read: at the end of the
		// input it panics (huh 1.0.0, field_select.go); the end of the input is a cancel.
		if r := recover(); r != nil {
			if !lr.eof && !lr.sawEOF {
				panic(r)
			}
			err = errAborted
		}
	}()
	if p.accessible {
		// huh's accessible mode makes a new bufio.Scanner for every prompt; handing it one line
		// per read keeps one prompt from swallowing the answers to the next ones.
		in = lr
	}
	err = huh.NewForm(huh.NewGroup(field)).
		WithAccessible(p.accessible).
		WithInput(in).
		WithOutput(p.out).
		WithShowHelp(true).
		Run()
	if errors.Is(err, huh.ErrUserAborted) || lr.eof {
		// End of input (Ctrl-D, or a pipe with fewer answers than questions) is a cancel, not
		// the default for every question left.
		return errAborted
	}
	return err
}

var errAborted = errors.New("aborted: nothing was written")

func (p *huhPrompter) MultiSelect(title string, options, defaults []string) ([]string, error) {
	opts := make([]huh.Option[string], len(options))
	for i, o := range options {
		opts[i] = huh.NewOption(o, o).Selected(slices.Contains(defaults, o))
	}
	var out []string
	refusals := 0
	err := p.run(huh.NewMultiSelect[string]().Title(title).Options(opts...).Value(&out).
		Validate(func(v []string) error {
			// In accessible mode huh re-prompts until this accepts, and at the end of the input
			// it would re-prompt forever: after a few refusals the empty choice goes back to the
			// caller. (The full-screen form validates on every keystroke; it is never bounded.)
			if len(v) > 0 {
				return nil
			}
			if p.accessible && refusals >= maxRefusals {
				return nil
			}
			refusals++
			return errors.New("choose at least one")
		}))
	if err == nil && len(out) == 0 {
		return nil, errors.New("no choice made")
	}
	return out, err
}

const maxRefusals = 3

// lineReader returns at most one line per Read.
type lineReader struct {
	r      io.Reader
	eof    bool // the input ended before a prompt had its line
	sawEOF bool // the input ended (perhaps after a last line without its line break)
}

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := l.r.Read(p[n : n+1])
		n += m
		if err != nil {
			l.eof = l.eof || n == 0 && errors.Is(err, io.EOF)
			l.sawEOF = l.sawEOF || errors.Is(err, io.EOF)
			return n, err
		}
		if m == 1 && p[n-1] == '\n' {
			break
		}
	}
	return n, nil
}

func (p *huhPrompter) Select(title string, options []string, def string) (string, error) {
	title = p.withDefault(title, def)
	out := def
	err := p.run(huh.NewSelect[string]().Title(title).Options(huh.NewOptions(options...)...).Value(&out))
	return out, err
}

// withDefault shows the proposed value in an accessible prompt's title, where nothing else
// shows it (Enter takes it).
func (p *huhPrompter) withDefault(title, def string) string {
	if p.accessible && def != "" {
		return fmt.Sprintf("%s [%s]", title, def)
	}
	return title
}

func (p *huhPrompter) Input(title, def string, validate func(string) error) (string, error) {
	title = p.withDefault(title, def)
	out := def
	err := p.run(huh.NewInput().Title(title).Value(&out).Validate(func(s string) error {
		// An empty line keeps the pre-filled default (huh's accessible mode validates the raw
		// line before it falls back to the default).
		if strings.TrimSpace(s) == "" && def != "" {
			return nil
		}
		return validate(s)
	}))
	if strings.TrimSpace(out) == "" {
		out = def
	}
	return out, err
}

func (p *huhPrompter) Confirm(title string, def bool) (bool, error) {
	out := def
	err := p.run(huh.NewConfirm().Title(title).Value(&out))
	return out, err
}
