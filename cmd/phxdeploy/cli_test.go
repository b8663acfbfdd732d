package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// init refuses to write over uncommitted changes of a git work tree without a terminal, names
// them and --allow-dirty; untracked files and committed ones do not stop it.
func TestInitRefusesToWriteOverUncommittedChanges(t *testing.T) {
	git := testtools.Require(t, "git", "git")
	dir := fixture(t, "phx18_postgres")
	gitIn := func(args ...string) {
		t.Helper()
		c := exec.Command(git, append([]string{"-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		c.Dir = dir
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitIn("init", "-q")
	gitIn("add", "-A")
	gitIn("commit", "-qm", "base")
	edit(t, dir, "lib/shop_web/router.ex", "defmodule ShopWeb.Router do", "defmodule ShopWeb.Router do\n  # work in progress")
	before := read(t, dir, "lib/shop_web/router.ex")
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes")
	if r.code != 2 || !strings.Contains(r.stderr, "lib/shop_web/router.ex") || !strings.Contains(r.stderr, "--allow-dirty") {
		t.Fatalf("exit %d, want 2 naming the file and --allow-dirty\n%s", r.code, r.stderr)
	}
	if read(t, dir, "lib/shop_web/router.ex") != before {
		t.Fatal("the dirty file was written")
	}
	if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err == nil {
		t.Fatal("a refused run wrote other files")
	}
	if r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--dry-run"); r.code != 0 {
		t.Errorf("a dry run refused: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--allow-dirty"); r.code != 0 {
		t.Errorf("--allow-dirty: exit %d\n%s", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := run(t, "", args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "phxdeploy ") || len(strings.TrimSpace(r.stdout)) <= len("phxdeploy ") {
			t.Errorf("%v: exit %d, %q", args, r.code, r.stdout)
		}
	}
}

// Under --json, a failure is one JSON object on stdout too, with the same exit code.
func TestJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		file string
	}{
		{[]string{"init", "--json", "--bogus"}, 2, ""},
		{[]string{"init", "--json", "--yes", "--target", "fly", "--dir", t.TempDir()}, 1, ""},
		{[]string{"check", "--json", "--dir", fixture(t, "phx18_postgres")}, 2, ""},
	} {
		r := run(t, "", tc.args...)
		var out struct {
			SchemaVersion int `json:"schema_version"`
			Error         struct {
				Message  string `json:"message"`
				ExitCode int    `json:"exit_code"`
			} `json:"error"`
		}
		dec := json.NewDecoder(strings.NewReader(r.stdout))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out); err != nil || r.code != tc.code || out.SchemaVersion != 1 || out.Error.ExitCode != tc.code || out.Error.Message == "" || dec.More() {
			t.Errorf("%v: exit %d (want %d), %v, stdout:\n%s", tc.args, r.code, tc.code, err, r.stdout)
		}
	}
	// A report and no error object after it, when the run printed its result.
	r := run(t, "", "init", "--json", "--yes", "--target", "docker", "--dir", fixture(t, "phx18_postgres"))
	var rep map[string]any
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(&rep); err != nil || rep["schema_version"] != float64(1) || dec.More() {
		t.Errorf("report: %v, schema_version %v, more objects %v", err, rep["schema_version"], dec.More())
	}
}

// A typo is a usage error that names the word and what it may be a typo of, also when flags
// follow a mistyped command (cobra would otherwise report the first flag as unknown).
func TestTyposInCommandsAreUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"initt"}, `unknown command "initt" for "phxdeploy"; did you mean init?`},
		{[]string{"initt", "--target", "fly"}, `unknown command "initt" for "phxdeploy"; did you mean init?`},
		{[]string{"templates", "lnit", "--templates", "x"}, `unknown command "lnit" for "phxdeploy templates"; did you mean lint or list?`},
		{[]string{"debug", "evn"}, "did you mean env?"},
		{[]string{"updat"}, "did you mean update?"},
		{[]string{"init", "--tagret", "fly"}, "unknown flag: --tagret; did you mean --target?"},
		{[]string{"check", "--dri", "."}, "unknown flag: --dri; did you mean --dir?"},
		{[]string{"init", "--zzzzzz"}, "unknown flag: --zzzzzz\n"},
	} {
		if r := run(t, "", tc.args...); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q\n%s", tc.args, r.code, tc.want, r.stderr)
		}
	}
}

func TestCompletionOffersTheAnswers(t *testing.T) {
	r := run(t, "", "__complete", "init", "--target", "fly,")
	for _, want := range []string{"fly,docker\n", "fly,systemd\n", "fly,k8s\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("completion of --target fly, lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "fly,fly") {
		t.Errorf("completion offers a target already given:\n%s", r.stdout)
	}
	if r := run(t, "", "__complete", "update", "--database", ""); !strings.Contains(r.stdout, "postgres\n") {
		t.Errorf("completion of --database:\n%s", r.stdout)
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := run(t, "", "completion", shell); r.code != 0 || !strings.Contains(r.stdout, "phxdeploy") {
			t.Errorf("completion %s: exit %d", shell, r.code)
		}
	}
}

func TestHelpTopics(t *testing.T) {
	for topic, want := range map[string]string{"exit-codes": "130  stopped by SIGINT", "environment": "PHXDEPLOY_TEMPLATES"} {
		if r := run(t, "", "help", topic); r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("help %s: exit %d\n%s", topic, r.code, r.stdout)
		}
	}
}

func TestQuietAndVerbose(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	if r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--quiet"); r.code != 0 || r.stdout != "" {
		t.Errorf("--quiet: exit %d, stdout %q", r.code, r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil {
		t.Errorf("--quiet wrote nothing: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "-q"); r.code != 3 || r.stdout != "" || !strings.Contains(r.stderr, "without --quiet") {
		t.Errorf("--quiet with a conflict: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--verbose")
	for _, want := range []string{"router           lib/shop_web/router.ex:1", "endpoint         lib/shop_web/endpoint.ex:1"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--verbose does not say %q:\n%s", want, r.stderr)
		}
	}
}

// Each target's host default belongs to it: Kubernetes and systemd never get <name>.fly.dev
// because Fly was chosen too; Fly and Docker each get their own.
func TestHostDefaultsAreNotBorrowedAcrossTargets(t *testing.T) {
	for _, targets := range []string{"fly,k8s", "fly,systemd", "docker,systemd"} {
		r := run(t, "", "init", "--dir", fixture(t, "phx18_postgres"), "--target", targets, "--image", "registry.example.com/shop:1.0.0", "--yes")
		if r.code != 2 || !strings.Contains(r.stderr, "--host is required") {
			t.Errorf("--target %s without --host: exit %d, want 2 naming --host\n%s", targets, r.code, r.stderr)
		}
	}
	dir := fixture(t, "phx18_postgres")
	if r := run(t, "", "init", "--dir", dir, "--target", "fly,docker", "--yes"); r.code != 0 {
		t.Fatalf("fly,docker: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(read(t, dir, "fly.toml"), `PHX_HOST = "shop.fly.dev"`) || !strings.Contains(read(t, dir, "compose.yaml"), `PHX_HOST: "localhost"`) {
		t.Errorf("fly.toml and compose.yaml do not each have their own host:\n%s\n%s", read(t, dir, "fly.toml"), read(t, dir, "compose.yaml"))
	}
}

// Inside an umbrella's app, phxdeploy refuses and names the umbrella's root to run it in,
// instead of planning lib/<app>_web/... and a runtime.exs inside the app.
func TestInsideAnUmbrellaAppRefusesAndNamesTheRoot(t *testing.T) {
	root := fixture(t, "umbrella17")
	app := filepath.Join(root, "apps", "market_web")
	r := run(t, "", "init", "--dir", app, "--target", "docker", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "phxdeploy init --dir "+root) || !strings.Contains(r.stderr, "an app of the umbrella project") {
		t.Fatalf("exit %d, want 1 naming the umbrella's root\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(app, "Dockerfile")); err == nil {
		t.Error("files were written inside the umbrella's app")
	}
	if r := run(t, "", "init", "--dir", root, "--target", "docker", "--yes"); r.code != 0 {
		t.Errorf("the command the error names fails: exit %d\n%s", r.code, r.stderr)
	}
}

// The template commands accept the same names, export's bookkeeping stays hidden, and the
// stale-override warning's command runs as printed.
func TestTemplateCommandsAgreeAndRunAsPrinted(t *testing.T) {
	org := filepath.Join(t.TempDir(), "acme templates")
	if r := run(t, "", "templates", "export", "docker", "--to", org); r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, "", "templates", "list", "--templates", org); r.code != 0 || strings.Contains(r.stdout, ".phxdeploy-base") {
		t.Errorf("list shows export's bookkeeping: exit %d\n%s", r.code, r.stdout)
	}
	if r := run(t, "", "templates", "diff", "docker", "--templates", org); r.code != 0 || !strings.Contains(r.stdout, "docker/Dockerfile.tmpl has not changed") {
		t.Errorf("diff of the directory export took: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Make the override look exported from an older phxdeploy.
	file := filepath.Join(org, "docker", "Dockerfile.tmpl")
	b, _ := os.ReadFile(file)
	old := regexp.MustCompile(`sha256:[0-9a-f]{16}`).ReplaceAllString(string(b), "sha256:0000000000000000")
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(org, ".phxdeploy-base", "docker", "Dockerfile.tmpl")
	bb, _ := os.ReadFile(base)
	if err := os.WriteFile(base, []byte(strings.Replace(string(bb), "# syntax=docker/dockerfile:1", "# an older line", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "init", "--dir", fixture(t, "phx18_postgres"), "--target", "docker", "--yes", "--dry-run", "--templates", org)
	m := regexp.MustCompile("`(phxdeploy templates diff [^`]+)`").FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no stale-override warning with a command:\n%s", r.stderr)
	}
	out, err := exec.Command("sh", "-c", "set -- "+strings.TrimPrefix(m[1], "phxdeploy ")+`; for a; do printf '%s\n' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSpace(string(out)), "\n") // the words a shell makes of it
	if r := run(t, "", args...); r.code != 0 || !strings.Contains(r.stdout, "-# an older line") {
		t.Errorf("the printed command %q fails: exit %d\n%s%s", m[1], r.code, r.stdout, r.stderr)
	}
}
