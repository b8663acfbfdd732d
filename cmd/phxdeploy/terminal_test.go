package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// These tests drive the real binary in a real pseudo-terminal: a tmux session of a given size,
// keys sent with send-keys, the screen read with capture-pane.

// tmux is one tmux server with one session running a command.
type tmux struct {
	t      *testing.T
	tmux   string
	socket string
}

// startTmux runs command (a shell line) in a detached session of width×height with the extra
// environment env; the server is killed when the test ends.
func startTmux(t *testing.T, width, height int, env []string, command string) *tmux {
	t.Helper()
	bin := testtools.Require(t, "tmux", "tmux")
	s := &tmux{t: t, tmux: bin, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"new-session", "-d", "-s", "t", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	// The exit code is printed when the command ends, and the pane stays open to be read.
	args = append(args, command+`; echo "EXIT=$?"; sleep 600`)
	s.run(args...)
	t.Cleanup(func() { _ = exec.Command(s.tmux, "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *tmux) run(args ...string) string {
	s.t.Helper()
	// -f /dev/null: no user configuration; -S: a server of the test's own.
	cmd := exec.Command(s.tmux, append([]string{"-S", s.socket, "-f", "/dev/null"}, args...)...)
	cmd.Env = terminalEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// terminalEnv is the test's environment without the variables that change how a program on a
// terminal draws: the tmux server started by the first command hands its environment to the
// program in the pane, and a CI runner's CI=true makes the colour library treat any output as
// not a terminal (no colour at all), as NO_COLOR, CLICOLOR or ACCESSIBLE would change it too.
// A test that wants one of them passes it to startTmux.
func terminalEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		name, _, _ := strings.Cut(e, "=")
		switch name {
		case "CI", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORTERM", "TERM_PROGRAM", "ACCESSIBLE", "TMUX":
			continue
		}
		env = append(env, e)
	}
	return env
}

// keys sends keys by tmux's names (Enter, BTab for shift+tab, C-c, Down) or as literal text.
func (s *tmux) keys(keys ...string) {
	s.t.Helper()
	s.run(append([]string{"send-keys", "-t", "t"}, keys...)...)
}

// screen is what the pane shows now; withEscapes keeps the colour and attribute sequences.
func (s *tmux) screen(withEscapes bool) string {
	args := []string{"capture-pane", "-p", "-t", "t"}
	if withEscapes {
		args = append(args, "-e")
	}
	return s.run(args...)
}

// history is everything the pane printed, scrolled-off lines included, wrapped lines joined.
func (s *tmux) history() string {
	return s.run("capture-pane", "-p", "-J", "-t", "t", "-S", "-", "-E", "-")
}

// waitFor waits (at most 15 s) until the screen shows want, and returns the screen.
func (s *tmux) waitFor(want string) string {
	s.t.Helper()
	var screen string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(40 * time.Millisecond) {
		if screen = s.screen(false); strings.Contains(screen, want) {
			return screen
		}
	}
	s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, screen)
	return ""
}

// next sends keys and waits (at most 15 s) until the screen changes from what it was and then
// settles, and returns it.
func (s *tmux) next(keys ...string) string {
	s.t.Helper()
	before := s.screen(false)
	s.keys(keys...)
	changed := false
	last := before
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		now := s.screen(false)
		if changed && now == last {
			return now // changed, then stayed the same for 100 ms: the frame is drawn
		}
		changed = changed || now != before
		last = now
	}
	s.t.Fatalf("the screen did not change after %v:\n%s", keys, before)
	return ""
}

// nextShowing sends keys and waits (at most 15 s) until the screen has changed, shows want, and
// has stayed the same for 100 ms; it returns the last screen either way (the caller's check
// reports one without want). Under load a program may clear one question and draw the next
// more than 100 ms later, which next alone would take for the new frame.
func (s *tmux) nextShowing(want string, keys ...string) string {
	s.t.Helper()
	before := s.screen(false)
	s.keys(keys...)
	changed, last := false, before
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		now := s.screen(false)
		if changed && now == last && strings.Contains(now, want) {
			return now
		}
		changed = changed || now != before
		last = now
	}
	return last
}

// formDebris are pieces of a question that must not stay on the screen once it is answered.
var formDebris = []string{"┃", "enter submit", "shift+tab back", "Write the files with these settings?", "Write these changes"}

func checkNoDebris(t *testing.T, text string) {
	t.Helper()
	for _, d := range formDebris {
		if strings.Contains(text, d) {
			t.Errorf("%q stayed on the screen after the questions:\n%s", d, text)
		}
	}
}

// At 60 columns: going back from the review to the targets (their answer kept), customizing,
// going back from a question to the one before it (its answer kept), confirming the list of
// changes; no piece of any question stays on the screen, and the files hold the answers.
func TestTerminalBackReviewConfirmAt60Columns(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	s := startTmux(t, 60, 24, nil, shellQuote(binary(t))+" init --dir "+shellQuote(dir)+" --host shop.example.com")
	screen := s.waitFor("Deployment targets")
	if strings.Contains(screen, "choose at least one") || !strings.Contains(screen, "enter submit") {
		t.Errorf("the first question opens with an error, or without its keys:\n%s", screen)
	}
	if screen = s.nextShowing("choose at least one", "Enter"); !strings.Contains(screen, "choose at least one") {
		t.Errorf("Enter with no target chosen says nothing:\n%s", screen)
	}
	s.keys("x") // fly
	screen = s.nextShowing("Write the files with these settings?", "Enter")
	if !strings.Contains(screen, "Write the files with these settings?") || !strings.Contains(screen, "shift+tab back") {
		t.Fatalf("no review offering to go back:\n%s", screen)
	}
	screen = s.nextShowing("✓ fly", "BTab")
	if !strings.Contains(screen, "Deployment targets") || !strings.Contains(screen, "✓ fly") || strings.Contains(screen, "Deploy with these") {
		t.Fatalf("shift+tab did not go back to the targets with fly still chosen:\n%s", screen)
	}
	s.keys("Down", "x") // and docker
	s.nextShowing("Write the files with these settings?", "Enter")
	screen = s.nextShowing("Deploy name", "Down", "Enter") // customize
	if !strings.Contains(screen, "Deploy name") {
		t.Fatalf("customizing does not ask the name first:\n%s", screen)
	}
	s.keys("C-u", "shop2")
	screen = s.next("Enter")
	if strings.Contains(screen, "Deploy name") {
		t.Fatalf("the name was not taken:\n%s", screen)
	}
	screen = s.nextShowing("shop2", "BTab")
	if !strings.Contains(screen, "Deploy name") || !strings.Contains(screen, "shop2") {
		t.Fatalf("shift+tab did not go back to the name, with the name given:\n%s", screen)
	}
	for i := 0; i < 30 && !strings.Contains(screen, "Write these changes"); i++ {
		screen = s.next("Enter")
	}
	if !strings.Contains(screen, "create  fly.toml") || !strings.Contains(screen, "create  compose.yaml") || !strings.Contains(screen, "shift+tab back") {
		t.Fatalf("the confirmation does not list the changes, or offer going back:\n%s", screen)
	}
	// back from the confirmation to the last question, and forward again
	if screen = s.next("BTab"); strings.Contains(screen, "Write these changes") || !strings.Contains(screen, "enter submit") {
		t.Fatalf("shift+tab at the confirmation did not go back to a question:\n%s", screen)
	}
	if screen = s.nextShowing("Write these changes", "Enter"); !strings.Contains(screen, "Write these changes") {
		t.Fatalf("the last question, answered again, does not lead to the confirmation:\n%s", screen)
	}
	s.keys("Enter")
	s.waitFor("EXIT=0")
	all := s.history()
	checkNoDebris(t, all)
	if !strings.Contains(all, "Next steps:") {
		t.Errorf("no report:\n%s", all)
	}
	fly, err := os.ReadFile(filepath.Join(dir, "fly.toml"))
	if err != nil || !strings.Contains(string(fly), `app = "shop2"`) {
		t.Errorf("fly.toml does not carry the name given before going back: %v\n%s", err, fly)
	}
	if _, err := os.Stat(filepath.Join(dir, "compose.yaml")); err != nil {
		t.Errorf("docker, chosen after going back, was not rendered: %v", err)
	}
}

// Ctrl-C at a question writes nothing, exits 130, says so, and leaves no piece of the question.
func TestTerminalCtrlCWritesNothing(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	s := startTmux(t, 60, 24, nil, shellQuote(binary(t))+" init --dir "+shellQuote(dir)+" --host shop.example.com")
	s.waitFor("Deployment targets")
	s.keys("x")
	s.next("Enter")
	s.waitFor("Write the files with these settings?")
	s.keys("C-c")
	screen := s.waitFor("EXIT=130")
	if !strings.Contains(screen, "aborted: nothing was written") {
		t.Errorf("no message on Ctrl-C:\n%s", screen)
	}
	checkNoDebris(t, s.history())
	if _, err := os.Stat(filepath.Join(dir, "fly.toml")); err == nil {
		t.Error("fly.toml was written after Ctrl-C")
	}
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourIn returns the first SGR sequence in s that sets a foreground or background colour.
func colourIn(s string) string {
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			var n int
			if _, err := fmt.Sscan(p, &n); err != nil {
				continue
			}
			if n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107 {
				return m[0]
			}
		}
	}
	return ""
}

// The prompts are coloured on a terminal, and never with NO_COLOR set; then the chosen button of
// a yes/no question is marked in text.
func TestTerminalNoColor(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	for _, tc := range []struct {
		env        []string
		wantColour bool
	}{
		{[]string{"TERM=xterm-256color"}, true},
		{[]string{"TERM=xterm-256color", "NO_COLOR=1"}, false},
	} {
		t.Run(strings.Join(tc.env, " "), func(t *testing.T) {
			s := startTmux(t, 60, 24, tc.env, shellQuote(binary(t))+" init --dir "+shellQuote(dir)+" --host shop.example.com")
			s.waitFor("Deployment targets")
			screen := s.screen(true)
			if got := colourIn(screen); (got != "") != tc.wantColour {
				t.Errorf("colour sequence %q; want colour: %v\n%q", got, tc.wantColour, screen)
			}
			if !tc.wantColour {
				s.keys("x")
				s.next("Enter")
				s.waitFor("Write the files with these settings?")
				s.keys("Enter")
				if screen := s.waitFor("Write these changes"); !strings.Contains(screen, "[  Yes  ]") {
					t.Errorf("with NO_COLOR the chosen button is not marked:\n%s", screen)
				}
				if screen := s.nextShowing("[  No  ]", "Left"); !strings.Contains(screen, "[  No  ]") {
					t.Errorf("with NO_COLOR the chosen button is not marked:\n%s", screen)
				}
			}
			s.keys("C-c")
			s.waitFor("EXIT=130")
		})
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// A run that finds another one working on the project (here a person at its first question)
// says at once that it waits, and Ctrl-C stops the wait.
func TestWaitingForAnotherRunSaysSo(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	s := startTmux(t, 60, 24, nil, shellQuote(binary(t))+" init --dir "+shellQuote(dir)+" --host shop.example.com")
	s.waitFor("Deployment targets")
	var stderr lockedBuffer
	cmd := exec.Command(binary(t), "init", "--dir", dir, "--target", "docker", "--yes", "--dry-run")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	said := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !said; time.Sleep(50 * time.Millisecond) {
		said = strings.Contains(stderr.String(), "waiting for it to finish")
	}
	if !said {
		t.Errorf("the second run does not say that it waits:\n%s", stderr.String())
	}
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("Ctrl-C while waiting: exit %d, want 130\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Errorf("Ctrl-C did not stop the wait\n%s", stderr.String())
	}
	s.keys("C-c")
	s.waitFor("EXIT=130")
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Colour follows where the prompts go: with stdout on a terminal and stderr (the prompts) in a
// file, the file gets no escape sequences.
func TestNoColourInPromptsWrittenToAFile(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	log := filepath.Join(t.TempDir(), "prompts.log")
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color"}, "printf '2\\n0\\n1\\ny\\n' | "+shellQuote(binary(t))+" init --accessible --dir "+shellQuote(dir)+" 2>"+shellQuote(log))
	s.waitFor("EXIT=0")
	b, err := os.ReadFile(log)
	if err != nil || !strings.Contains(string(b), "Deployment targets") {
		t.Fatalf("no prompts in the file: %v\n%s", err, b)
	}
	if strings.Contains(string(b), "\x1b") {
		t.Errorf("escape sequences in prompts written to a file:\n%q", b)
	}
}
