package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// scripted answers prompts from a map keyed by the prefix of the question (a title's last line)
// and records what was asked, with the pre-filled default, and the text shown above questions.
type scripted struct {
	answers  map[string]string
	asked    []string
	headings strings.Builder
}

func (s *scripted) answer(title, def string) string {
	cut := strings.LastIndex(title, "\n") + 1
	s.headings.WriteString(title[:cut])
	title = title[cut:]
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

// runAccessible runs the command tree as on a terminal in accessible mode, the answers read
// from lines (each one ended here).
func runAccessible(t *testing.T, lines []string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(strings.Join(lines, "\n") + "\n"), Out: &out, ErrOut: &errOut, InTTY: true, OutTTY: true,
		Getenv: func(string) string { return "" }}
	code := Execute(append(args, "--accessible"), ios)
	return result{code, out.String(), errOut.String()}
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
	p := &scripted{answers: map[string]string{"Deployment targets": "k8s", "Container image": "registry.example.com/shop:2.0.0", "Public host": "shop.example.org",
		"Write the files with these settings": reviewCustomize}}
	r := runTTY(t, p, "init", "--dir", dir, "--replicas", "3")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	asked := strings.Join(p.asked, "\n")
	for _, want := range []string{"Deployment targets []", "Deploy name (Fly app, Kubernetes and systemd name) [shop]",
		"Kubernetes namespace [shop]", "Erlang/OTP version of the builder image [28.0.2]"} {
		if !strings.Contains(asked, want) {
			t.Errorf("not asked %q; asked:\n%s", want, asked)
		}
	}
	// Not asked: other targets' questions, what a flag answered, and the adapter mix.exs names
	// (another answer would be refused).
	for _, unwanted := range []string{"Fly.io", "systemd)", "Kubernetes replicas", "Database adapter"} {
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

// screen records what the prompts print.
type screen struct {
	mu       sync.Mutex
	text     strings.Builder
	answered int // the length of text when the last answer was given
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text.Write(p)
}

// answerer is stdin for accessible prompts: each time a prompt waits for input, it looks at what
// the prompt printed since the last answer and answers the question it recognises, whatever the
// order the questions come in. An unknown question gets an empty line (keep the default).
type answerer struct {
	screen  *screen
	answer  func(prompt string) string
	pending []byte
	asked   int
}

func (a *answerer) Read(p []byte) (int, error) {
	if len(a.pending) == 0 {
		a.asked++
		if a.asked > 50 {
			return 0, io.EOF // a prompt that never accepts its answer: stop
		}
		a.screen.mu.Lock()
		all := a.screen.text.String()
		prompt := all[a.screen.answered:]
		a.screen.answered = len(all)
		a.screen.mu.Unlock()
		a.pending = []byte(a.answer(prompt) + "\n")
	}
	n := copy(p, a.pending)
	a.pending = a.pending[n:]
	return n, nil
}

var optionRe = regexp.MustCompile(`(?m)^(\d+)\.\s+(✓ )?(\S+)\s*$`)

// TestAccessiblePromptsReadLines drives huh's accessible mode through stdin, the way a screen
// reader user or a dumb terminal answers, recognising each question by its text.
func TestAccessiblePromptsReadLines(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	scr := &screen{}
	in := &answerer{screen: scr, answer: func(prompt string) string {
		switch {
		case strings.Contains(prompt, "Confirm selection"):
			for _, m := range optionRe.FindAllStringSubmatch(prompt, -1) {
				if m[3] == "docker" {
					if m[2] != "" {
						return "0" // docker is chosen: confirm
					}
					return m[1]
				}
			}
		case strings.Contains(prompt, "Public host name"):
			return "web.example.com"
		case strings.Contains(prompt, "HTTP port"):
			return "4001"
		case strings.Contains(prompt, "Cluster the nodes"):
			return "n"
		case strings.Contains(prompt, "Write the files with these settings"):
			for _, m := range regexp.MustCompile(`(\d+)\.\s+customize them`).FindAllStringSubmatch(prompt, -1) {
				return m[1]
			}
		}
		return ""
	}}
	var out bytes.Buffer
	ios := &IOStreams{In: in, Out: &out, ErrOut: scr, InTTY: true, OutTTY: true,
		Getenv: func(k string) string {
			if k == "TERM" {
				return "dumb"
			}
			return ""
		}}
	code := Execute([]string{"init", "--dir", dir}, ios)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nprompts:\n%s", code, out.String(), scr.text.String())
	}
	compose, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatalf("docker was not chosen: %v\n%s", err, scr.text.String())
	}
	if !strings.Contains(string(compose), `PHX_HOST: "web.example.com"`) || !strings.Contains(string(compose), `"4001:4001"`) {
		t.Errorf("compose.yaml does not reflect the answers:\n%s", compose)
	}
	if !regexp.MustCompile(`clustering\s+false\s+\(prompt\)`).MatchString(out.String()) {
		t.Errorf("clustering was answered no at its prompt:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "fly.toml")); err == nil {
		t.Error("fly.toml written although only docker was chosen")
	}
	// Each question shows the value Enter takes.
	for _, want := range []string{"Deploy name (Fly app, Kubernetes and systemd name) [shop]", "HTTP port inside the container or host (PORT) [4000]"} {
		if !strings.Contains(scr.text.String(), want) {
			t.Errorf("the prompts do not show %q:\n%s", want, scr.text.String())
		}
	}
}

// End of input (Ctrl-D, or a pipe with fewer answers than questions) cancels: exit 130, nothing
// written, whichever question it comes at; a pipe with every answer goes through.
func TestAccessibleEndOfInputCancels(t *testing.T) {
	for name, input := range map[string]string{
		"at the first question":   "",
		"at a later question":     "2\n0\n",    // docker, confirmed; then nothing for the name
		"in the middle of a line": "2\n0\nsho", // a last line without its line break is an answer, then EOF
	} {
		t.Run(name, func(t *testing.T) {
			dir := fixture(t, "phx18_noecto")
			var out, errOut bytes.Buffer
			ios := &IOStreams{In: strings.NewReader(input), Out: &out, ErrOut: &errOut, InTTY: true, OutTTY: true,
				Getenv: func(string) string { return "" }}
			code := Execute([]string{"init", "--dir", dir, "--accessible"}, ios)
			if code != 130 || !strings.Contains(errOut.String(), "aborted: nothing was written") {
				t.Fatalf("exit %d, want 130; stderr:\n%s", code, errOut.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err == nil {
				t.Fatal("files were written after the input ended")
			}
		})
	}
}

// Enter on a proposed value chooses nothing: answers.yaml keeps only what the person changed, so
// that a detected value follows the project later; a saved answer the project has moved away
// from is reported.
func TestSavedAnswersAreOnlyWhatAPersonChose(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	p := &scripted{answers: map[string]string{"Deployment targets": "docker", "Public host": "shop.example.org", "Write the files with these settings": reviewCustomize}}
	if r := runTTY(t, p, "init", "--dir", dir, "--port", "4100"); r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	saved, err := os.ReadFile(filepath.Join(dir, ".phxdeploy", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`target: "docker"`, `host: "shop.example.org"`, `port: "4100"`} {
		if !strings.Contains(string(saved), want) {
			t.Errorf("answers.yaml lacks %s:\n%s", want, saved)
		}
	}
	for _, unwanted := range []string{"elixir-version", "otp-version", "name:", "database"} {
		if strings.Contains(string(saved), unwanted) {
			t.Errorf("answers.yaml saved %s, which the person only confirmed:\n%s", unwanted, saved)
		}
	}
	// The project pins another Elixir than a saved (chosen) one: reported. (An older one, 1.17,
	// would not run on the project's OTP 28: refused, see TestIncompatibleVersions.)
	if err := os.WriteFile(filepath.Join(dir, ".phxdeploy", "answers.yaml"), append(saved, []byte("elixir-version: \"1.19.4\"\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "init", "--dir", dir, "--yes")
	if !strings.Contains(r.stderr, "keeps elixir-version: 1.19.4, but the project now says 1.18.4") {
		t.Errorf("a saved answer that differs from detection is not reported:\n%s", r.stderr)
	}
}

// As fly launch does: what phxdeploy would use is shown first; taking it asks only what has no
// proposal; customizing asks everything. Before writing, the changes are listed and confirmed.
func TestReviewThenConfirm(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	p := &scripted{answers: map[string]string{"Deployment targets": "k8s", "Container image": "registry.example.com/shop:2.0.0",
		"Public host": "shop.example.org", "Write these changes": "false"}}
	r := runTTY(t, p, "init", "--dir", dir)
	asked := strings.Join(p.asked, "\n")
	shown := p.headings.String()
	if !strings.Contains(shown, "phxdeploy would use:") || !regexp.MustCompile(`namespace\s+shop\s+\(default\)`).MatchString(shown) {
		t.Errorf("the proposals are not shown:\n%s", shown)
	}
	if strings.Contains(asked, "Kubernetes namespace") || strings.Contains(asked, "Deploy name") || !strings.Contains(asked, "Container image") {
		t.Errorf("taking the proposals must ask only what has none:\n%s", asked)
	}
	if !strings.Contains(asked, "Write these changes") || !strings.Contains(shown, "create  deploy/k8s/deployment.yaml") {
		t.Errorf("the changes were not listed and confirmed:\n%s\n%s", asked, shown)
	}
	if r.code != 130 {
		t.Errorf("declining: exit %d, want 130", r.code)
	}
	if _, err := os.Stat(filepath.Join(dir, "deploy/k8s/deployment.yaml")); err == nil {
		t.Error("files were written although the changes were declined")
	}
	p.answers["Write these changes"] = "true"
	if r := runTTY(t, p, "init", "--dir", dir); r.code != 0 {
		t.Fatalf("confirming: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "deploy/k8s/deployment.yaml")); err != nil {
		t.Error("confirmed changes were not written")
	}
}

// Going back: a line with "<" in accessible mode (shift+tab on the full-screen form, tested in
// terminal_test.go) goes back to the previous question or to the review, which starts from the
// answer given before; the first question has nothing to go back to and offers nothing.
func TestAccessibleGoingBack(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	input := []string{
		"2", "0", // docker
		"<", "0", // back from the review to the targets: docker stays chosen
		"2",      // customize
		"<", "2", // back from the name to the review, customize again
		"shop3", // the name
		"<", "", // back from the host to the name: Enter keeps shop3
		"example.org", // the host
		"<", "<", "<", // from the port back to the review: it shows the two answers
		"1", // and takes them
		"y", // write
	}
	r := runAccessible(t, input, "init", "--dir", dir)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stderr, r.stdout)
	}
	shown := r.stderr
	first := strings.Index(shown, "Deployment targets")
	if hint := strings.Index(shown, "goes back to the previous question"); hint < 0 || hint < first || strings.Count(shown, "Deployment targets") != 2 ||
		!strings.Contains(shown[strings.LastIndex(shown, "Deployment targets"):], "2. ✓ docker") {
		t.Errorf("going back to the targets, with docker still chosen, after a hint the first question does not give:\n%s", shown)
	}
	if strings.Count(shown, "Write the files with these settings?") != 4 || !strings.Contains(shown, "Deploy name (Fly app, Kubernetes and systemd name) [shop3]") ||
		!strings.Contains(shown, "Public host name (PHX_HOST) [example.org]") {
		t.Errorf("going back to the review and to the name (pre-filled with shop3):\n%s", shown)
	}
	lastReview := testtools.Spaced(shown[strings.LastIndex(shown, "phxdeploy would use:"):])
	for _, want := range []string{"name  shop3  (prompt)", "host  example.org  (prompt)", "[customize them]"} {
		if !strings.Contains(lastReview, want) {
			t.Errorf("back at the review, the answers given and the choice made are not shown (%q):\n%s", want, lastReview)
		}
	}
	saved, err := os.ReadFile(filepath.Join(dir, ".phxdeploy", "answers.yaml"))
	if err != nil || !strings.Contains(string(saved), `name: "shop3"`) || !strings.Contains(string(saved), `host: "example.org"`) {
		t.Errorf("answers.yaml does not keep the answers given around going back: %v\n%s", err, saved)
	}
}

// Going back from after the questions: from a file's keep / overwrite into the questions (the
// review), and from the list of changes to the last file asked about, offered with the choice
// made before.
func TestAccessibleGoingBackFromFilesAndTheConfirmation(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	input := []string{
		"2", "0", // docker
		"1", // take the settings
		"<", // back from .dockerignore's question to the review
		"1", // take them again
		"2", // overwrite .dockerignore
		"<", // back from the list of changes to .dockerignore
		"1", // keep it after all
		"y", // write
	}
	r := runAccessible(t, input, "init", "--dir", dir)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stderr, r.stdout)
	}
	shown := r.stderr
	for text, want := range map[string]int{
		"Write the files with these settings?":                                                  2,
		".dockerignore differs from what phxdeploy would write [keep the file as it is]":        2,
		".dockerignore differs from what phxdeploy would write [overwrite it with phxdeploy's]": 1,
		"Write these changes (9 file(s))?":                                                      1,
		"Write these changes (8 file(s))?":                                                      1,
	} {
		if got := strings.Count(shown, text); got != want {
			t.Errorf("%q shown %d times, want %d:\n%s", text, got, want, shown)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".dockerignore")); err != nil || string(b) != "mine\n" {
		t.Errorf(".dockerignore, kept after going back, is %q (%v)", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "compose.yaml")); err != nil {
		t.Errorf("the other files were not written: %v", err)
	}
}

// --accessible takes piped answers for every question, without a terminal; TERM=dumb alone (set
// by CI runners) does not start asking.
func TestAccessibleTakesPipedAnswers(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader("2\n0\n2\nshop5\n\n\n\n\n\n\n\n\ny\n"), Out: &out, ErrOut: &errOut,
		Getenv: func(string) string { return "" }}
	if code := Execute([]string{"init", "--dir", dir, "--accessible"}, ios); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, errOut.String(), out.String())
	}
	saved, err := os.ReadFile(filepath.Join(dir, ".phxdeploy", "answers.yaml"))
	if err != nil || !strings.Contains(string(saved), `name: "shop5"`) || !strings.Contains(string(saved), `target: "docker"`) {
		t.Errorf("the piped answers were not taken: %v\n%s\n%s", err, saved, errOut.String())
	}
	errOut.Reset()
	ios = &IOStreams{In: strings.NewReader("2\n0\n"), Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return map[string]string{"TERM": "dumb"}[k] }}
	if code := Execute([]string{"init", "--dir", fixture(t, "phx18_noecto")}, ios); code != 2 || !strings.Contains(errOut.String(), "--target is required") {
		t.Errorf("TERM=dumb without a terminal: exit %d, want 2 naming --target\n%s", code, errOut.String())
	}
}

// Several endpoints: on a terminal a question, without one a usage error naming every
// endpoint to choose from.
func TestSeveralEndpointsAreAQuestion(t *testing.T) {
	dir := fixture(t, "phx18_noecto")
	if err := os.WriteFile(filepath.Join(dir, "lib/shop_web/admin_endpoint.ex"), []byte("defmodule ShopWeb.AdminEndpoint do\n  use Phoenix.Endpoint, otp_app: :shop\nend\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes")
	if r.code != 2 || !strings.Contains(r.stderr, "--endpoint (ShopWeb.AdminEndpoint or ShopWeb.Endpoint)") {
		t.Errorf("without a terminal: exit %d, want 2 naming both endpoints\n%s", r.code, r.stderr)
	}
	p := &scripted{answers: map[string]string{"the project has several endpoints": "ShopWeb.Endpoint", "Deployment targets": "docker"}}
	if r := runTTY(t, p, "init", "--dir", dir); r.code != 0 {
		t.Fatalf("on a terminal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.HasPrefix(p.asked[0], "the project has several endpoints") {
		t.Errorf("the endpoint was not asked first: %q", p.asked)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "lib/shop_web/router.ex")); err != nil || !strings.Contains(string(b), "/health") {
		t.Errorf("the run did not go on after the choice: %v", err)
	}
	// The choice is saved: update and check make it again without being told.
	if b, err := os.ReadFile(filepath.Join(dir, ".phxdeploy/answers.yaml")); err != nil || !strings.Contains(string(b), "endpoint: \"ShopWeb.Endpoint\"\n") {
		t.Errorf("the endpoint chosen is not saved: %v\n%s", err, b)
	}
	for _, cmd := range []string{"update", "check"} {
		if r := run(t, "", cmd, "--dir", dir); r.code != 0 {
			t.Errorf("%s after choosing the endpoint: exit %d\n%s", cmd, r.code, r.stderr)
		}
	}
	// A saved endpoint that is gone is an error naming the file; --endpoint replaces it.
	answers := filepath.Join(dir, ".phxdeploy/answers.yaml")
	b, _ := os.ReadFile(answers)
	if err := os.WriteFile(answers, []byte(strings.Replace(string(b), "ShopWeb.Endpoint", "ShopWeb.OldEndpoint", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "check", "--dir", dir); r.code == 0 || !strings.Contains(r.stderr, "endpoint ShopWeb.OldEndpoint (saved in .phxdeploy/answers.yaml)") ||
		!strings.Contains(r.stderr, "replaces the saved one") {
		t.Errorf("a saved endpoint that is gone: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, "", "update", "--dir", dir, "--endpoint", "ShopWeb.Endpoint"); r.code != 0 {
		t.Errorf("--endpoint over a saved one that is gone: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(answers); !strings.Contains(string(b), "endpoint: \"ShopWeb.Endpoint\"\n") {
		t.Errorf("--endpoint does not replace the saved endpoint:\n%s", b)
	}
	if err := os.WriteFile(answers, []byte("endpoint: \"not a module\"\nrelease: 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "check", "--dir", dir); r.code == 0 || !strings.Contains(r.stderr, "is not a") {
		t.Errorf("a saved endpoint that is no module name: exit %d\n%s", r.code, r.stderr)
	}
}

// Going back from the confirmation into the questions keeps --endpoint among the answers saved
// (the questions' state was restored to before it was recorded; found by a reviewing helper).
func TestGoingBackKeepsTheChosenEndpoint(t *testing.T) {
	for _, goBack := range []bool{false, true} {
		dir := fixture(t, "phx18_noecto")
		if err := os.WriteFile(filepath.Join(dir, "lib/shop_web/admin_endpoint.ex"), []byte("defmodule ShopWeb.AdminEndpoint do\n  use Phoenix.Endpoint, otp_app: :shop\nend\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		in := []string{"2", "0", "1"}
		if goBack {
			in = append(in, "<", "1")
		}
		in = append(in, "y")
		if r := runAccessible(t, in, "init", "--dir", dir, "--endpoint", "ShopWeb.Endpoint"); r.code != 0 {
			t.Fatalf("back=%v exit %d\n%s%s", goBack, r.code, r.stderr, r.stdout)
		}
		b, _ := os.ReadFile(filepath.Join(dir, ".phxdeploy/answers.yaml"))
		if !strings.Contains(string(b), "endpoint:") {
			t.Errorf("back=%v: the endpoint given is not saved:\n%s", goBack, b)
		}
		if r := run(t, "", "update", "--dir", dir); r.code != 0 {
			t.Errorf("back=%v update: exit %d\n%s", goBack, r.code, r.stderr)
		}
	}
}
