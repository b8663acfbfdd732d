package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"

	"github.com/phxdeploy/phxdeploy/generator"
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
	back       bool // the next prompt can go back to the previous question
	backHinted bool // accessible mode has said how to go back
	noColor    bool // NO_COLOR: the chosen button of a yes/no question is marked in text
	submitted  bool // Enter was pressed in the current full-screen question
}

// newHuhPrompter asks on in and out. Colours follow out, where the prompts draw (lipgloss
// would look at stdout): none when it is not a terminal or NO_COLOR is set.
func newHuhPrompter(in io.Reader, out io.Writer, accessible, noColor bool) *huhPrompter {
	lipgloss.SetDefaultRenderer(lipgloss.NewRenderer(out))
	return &huhPrompter{in: in, out: out, accessible: accessible, noColor: noColor}
}

// canGoBack says whether the next prompt offers going back (shift+tab on the full-screen form,
// a line with "<" in accessible mode).
func (p *huhPrompter) canGoBack(on bool) { p.back = on }

// transient reports whether a question vanishes from the screen once answered (the
// full-screen form does; accessible mode leaves a transcript).
func (p *huhPrompter) transient() bool { return !p.accessible }

// roomFor reports whether text can head a question without pushing the question's top off
// the screen: a full-screen form taller than the terminal loses its first lines (the inline
// renderer cannot reach them), so a long text is printed above the question instead.
func (p *huhPrompter) roomFor(text string) bool {
	if p.accessible {
		return false // printed above the question: the title style pads every line
	}
	fd, ok := p.terminal()
	if !ok {
		return false
	}
	width, height, err := term.GetSize(fd)
	if err != nil || width <= formIndent {
		return false
	}
	lines := formLines
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		// A line wider than the form wraps.
		lines += max(1, (utf8.RuneCountInString(line)+formIndent+width-1)/width)
	}
	return lines <= height
}

// terminal returns the descriptor of the terminal the prompts draw on, if they do.
func (p *huhPrompter) terminal() (int, bool) {
	f, ok := p.out.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	return int(f.Fd()), true
}

// formIndent is the form's left border and padding.
const formIndent = 2

// formLines is what a question takes besides its heading text, the longest being a yes/no
// confirmation or a two-option select: title, options, blank line, help line, a spare line.
const formLines = 6

// backKey goes back to the previous question; huh's own help calls shift+tab "back" between
// the fields of one form, and here every question is a form of its own.
var backKey = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back"))

// accessibleBack is the line that goes back in accessible mode.
const accessibleBack = "<"

func (p *huhPrompter) run(field huh.Field) (err error) {
	back := p.back
	p.back = false
	if !p.accessible {
		return p.runFullScreen(field, back)
	}
	lr := &lineReader{r: p.in, back: back}
	defer func() {
		// huh's accessible select indexes its options with what it read: at the end of the
		// input it panics (huh 1.0.0, field_select.go); the end of the input is a cancel, and
		// the "<" line that ends it early goes back.
		if r := recover(); r != nil {
			if !lr.eof && !lr.sawEOF {
				panic(r)
			}
			err = errAborted
			if lr.wentBack {
				err = generator.ErrBack
			}
		}
	}()
	if back && !p.backHinted {
		p.backHinted = true
		fmt.Fprintf(p.out, "(A line with %s goes back to the previous question.)\n", accessibleBack)
	}
	// huh's accessible mode makes a new bufio.Scanner for every prompt; handing it one line
	// per read keeps one prompt from swallowing the answers to the next ones.
	err = huh.NewForm(huh.NewGroup(field)).
		WithAccessible(true).
		WithInput(lr).
		WithOutput(p.out).
		Run()
	switch {
	case lr.wentBack:
		return generator.ErrBack
	case errors.Is(err, huh.ErrUserAborted) || lr.eof:
		// End of input (Ctrl-D, or a pipe with fewer answers than questions) is a cancel, not
		// the default for every question left.
		return errAborted
	}
	return err
}

// runFullScreen runs one question as a form of its own, with shift+tab going back when back
// is true.
func (p *huhPrompter) runFullScreen(field huh.Field, back bool) error {
	if back {
		field = &backField{Field: field}
	}
	p.submitted = false
	form := huh.NewForm(huh.NewGroup(field)).WithShowHelp(true).WithTheme(p.theme())
	// What huh's Run sets before it starts its program.
	form.SubmitCmd = tea.Quit
	form.CancelCmd = tea.Interrupt
	_, onTerminal := p.terminal()
	m := &backModel{form: form, back: back, submitted: &p.submitted, sized: !onTerminal}
	_, err := tea.NewProgram(m, tea.WithInput(p.in), tea.WithOutput(p.out)).Run()
	switch {
	case m.wentBack:
		return generator.ErrBack
	case m.aborted || errors.Is(err, tea.ErrInterrupted) || form.State == huh.StateAborted:
		return errAborted
	case err != nil:
		return fmt.Errorf("prompt: %w", err)
	}
	return nil
}

// backModel runs a form and ends it when backKey is pressed, clearing the form from the screen
// as huh does when a form is submitted. Ctrl-C clears it too: huh ends its program with an
// interrupt, which leaves the last frame of the form on the screen.
type backModel struct {
	form      *huh.Form
	back      bool
	wentBack  bool
	aborted   bool
	submitted *bool // set on Enter
	// sized: the terminal's size has arrived. Before it the form would draw at its default
	// width (80): a narrower terminal wraps those lines, and the renderer, counting lines it
	// did not draw, leaves pieces of them on the screen (seen at 60 columns on a busy machine).
	sized bool
}

func (m *backModel) Init() tea.Cmd { return m.form.Init() }

func (m *backModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		m.sized = true
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case m.back && key.Matches(k, backKey):
			m.wentBack = true
			return m, tea.Quit
		case k.String() == "ctrl+c":
			m.aborted = true
			return m, tea.Quit
		case k.String() == "enter":
			*m.submitted = true
		}
	}
	f, cmd := m.form.Update(msg)
	if f, ok := f.(*huh.Form); ok {
		m.form = f
	}
	return m, cmd
}

func (m *backModel) View() string {
	if m.wentBack || m.aborted || !m.sized {
		return ""
	}
	return m.form.View()
}

// theme is huh's, and with NO_COLOR the chosen button of a yes/no question is bracketed: its
// colours are all that marks it otherwise.
func (p *huhPrompter) theme() *huh.Theme {
	t := huh.ThemeCharm()
	if p.noColor {
		mark := lipgloss.Border{Left: "[", Right: "]"}
		space := lipgloss.Border{Left: " ", Right: " "}
		t.Focused.FocusedButton = t.Focused.FocusedButton.Border(mark, false, true)
		t.Focused.BlurredButton = t.Focused.BlurredButton.Border(space, false, true)
		t.Blurred.FocusedButton = t.Blurred.FocusedButton.Border(mark, false, true)
		t.Blurred.BlurredButton = t.Blurred.BlurredButton.Border(space, false, true)
	}
	return t
}

// backField adds backKey to a field's help line.
type backField struct{ huh.Field }

func (b *backField) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := b.Field.Update(msg)
	if f, ok := m.(huh.Field); ok {
		b.Field = f
	}
	return b, cmd
}

func (b *backField) KeyBinds() []key.Binding { return append(b.Field.KeyBinds(), backKey) }

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
			if !p.accessible && !p.submitted {
				// The full-screen form validates before any key: no error until Enter.
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

// lineReader returns at most one line per Read. With back, a line holding only "<" ends the
// input for the prompt that reads it and records that the person went back.
type lineReader struct {
	r        io.Reader
	back     bool
	wentBack bool
	eof      bool // the input ended before a prompt had its line
	sawEOF   bool // the input ended (perhaps after a last line without its line break)
}

func (l *lineReader) Read(p []byte) (int, error) {
	if l.wentBack {
		l.sawEOF = true
		return 0, io.EOF
	}
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
	if l.back && strings.TrimSpace(string(p[:n])) == accessibleBack {
		l.wentBack, l.sawEOF = true, true
		return 0, io.EOF
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
