package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scripted answers prompts from a map keyed by title prefix and records what was asked, with
// the pre-filled default.
type scripted struct {
	answers map[string]string
	asked   []string
}

func (s *scripted) answer(title, def string) string {
	s.asked = append(s.asked, fmt.Sprintf("%s [%s]", title, def))
	for prefix, a := range s.answers {
		if strings.HasPrefix(title, prefix) {
			return a
		}
	}
	return def
}

func (s *scripted) MultiSelect(title string, _, defaults []string) ([]string, error) {
	return strings.Split(s.answer(title, strings.Join(defaults, ",")), ","), nil
}
func (s *scripted) Select(title string, _ []string, def string) (string, error) {
	return s.answer(title, def), nil
}
func (s *scripted) Input(title, def string, validate func(string) error) (string, error) {
	a := s.answer(title, def)
	return a, validate(a)
}
func (s *scripted) Confirm(title string, def bool) (bool, error) {
	return s.answer(title, fmt.Sprint(def)) == "true", nil
}

func runTTY(t *testing.T, p Prompter, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, InTTY: true, OutTTY: true,
		Getenv: func(string) string { return "" }, Prompter: p}
	code := Execute(args, ios)
	return result{code, out.String(), errOut.String()}
}

func TestInteractiveAsksOnlyWhatTheTargetsNeed(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	p := &scripted{answers: map[string]string{"Deployment targets": "k8s", "Container image": "registry.example.com/shop:2.0.0", "Public host": "shop.example.org"}}
	r := runTTY(t, p, "init", "--dir", dir, "--replicas", "3")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	asked := strings.Join(p.asked, "\n")
	for _, want := range []string{"Deployment targets []", "Deploy name (Fly app, Kubernetes and systemd name) [shop]",
		"Database adapter [postgres]", "Kubernetes namespace [shop]", "Erlang/OTP version of the builder image [28.0.2]"} {
		if !strings.Contains(asked, want) {
			t.Errorf("not asked %q; asked:\n%s", want, asked)
		}
	}
	for _, unwanted := range []string{"Fly.io", "systemd)", "Kubernetes replicas"} {
		if strings.Contains(asked, unwanted) {
			t.Errorf("asked %q although no chosen target needs it (or a flag answered it):\n%s", unwanted, asked)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "deploy/k8s/deployment.yaml"))
	if err != nil || !strings.Contains(string(b), "replicas: 3") || !strings.Contains(string(b), "image: registry.example.com/shop:2.0.0") {
		t.Errorf("deployment does not reflect the answers: %v\n%s", err, b)
	}
}

func TestYesSkipsPromptsEvenOnATerminal(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	p := &scripted{}
	r := runTTY(t, p, "init", "--dir", dir, "--target", "fly", "--yes")
	if r.code != 0 || len(p.asked) != 0 {
		t.Fatalf("exit %d, asked %v", r.code, p.asked)
	}
}

// TestAccessiblePromptsReadLines drives huh's accessible mode through stdin, the way a screen
// reader user or a dumb terminal answers.
func TestAccessiblePromptsReadLines(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	// targets: toggle option 2 (docker), then 0 to finish; then the questions docker needs, in
	// order: name, host, port, database, clustering, elixir, otp, debian (empty keeps the default).
	input := "2\n0\n\nweb.example.com\n4001\n\nn\n\n\n\n"
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(input), Out: &out, ErrOut: &errOut, InTTY: true, OutTTY: true,
		Getenv: func(k string) string {
			if k == "TERM" {
				return "dumb"
			}
			return ""
		}}
	code := Execute([]string{"init", "--dir", dir}, ios)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	compose, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatalf("docker was not chosen: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(string(compose), `PHX_HOST: "web.example.com"`) || !strings.Contains(string(compose), `"4001:4001"`) {
		t.Errorf("compose.yaml does not reflect the answers:\n%s", compose)
	}
	if _, err := os.Stat(filepath.Join(dir, "fly.toml")); err == nil {
		t.Error("fly.toml written although only docker was chosen")
	}
	if !strings.Contains(errOut.String(), "Deployment targets") {
		t.Errorf("prompts did not go to stderr:\n%s", errOut.String())
	}
}

func TestAccessibleMultiSelectStopsAtEndOfInput(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, InTTY: true, OutTTY: true,
		Getenv: func(string) string { return "" }}
	code := Execute([]string{"init", "--dir", dir, "--accessible"}, ios)
	if code != 1 || !strings.Contains(errOut.String(), "no choice made") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
}
