package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// fixture copies a testdata project into a temporary directory.
func fixture(t *testing.T, name string) string { return testtools.Fixture(t, name) }

type result struct {
	code   int
	stdout string
	stderr string
}

// run executes the real command tree with captured streams and no terminal.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, Getenv: func(k string) string { return testEnv[k] }}
	code := Execute(args, ios)
	return result{code, out.String(), errOut.String()}
}

// testEnv is the environment commands see in tests (nothing from the real one).
var testEnv = map[string]string{}

// snapshot returns every file under dir with its content, to prove that nothing changed.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		st, _ := os.Stat(p)
		out[rel] = st.Mode().String() + "\n" + string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s was created", k)
		}
	}
}

var k8sFlags = []string{"--target", "fly,docker,systemd,k8s", "--image", "registry.example.com/shop:1.0.0", "--host", "shop.example.com"}

func TestInitFlagsOnlyWritesEverythingThenIsIdentical(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	args := append([]string{"init", "--dir", dir}, k8sFlags...)
	first := run(t, "", args...)
	if first.code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", first.code, first.stdout, first.stderr)
	}
	for _, want := range []string{"create  Dockerfile", "create  fly.toml", "create  deploy/k8s/deployment.yaml",
		"create  deploy/systemd/shop.service", "patch  lib/shop_web/router.ex", "identical  config/runtime.exs", "create  .phxdeploy/answers.yaml",
		"Answers:", "image  registry.example.com/shop:1.0.0", "(flag)", "port  4000", "(default)", "Next steps:", "fly secrets set"} {
		if !strings.Contains(testtools.Spaced(first.stdout), want) {
			t.Errorf("output lacks %q:\n%s", want, first.stdout)
		}
	}
	st, err := os.Stat(filepath.Join(dir, "rel/overlays/bin/server"))
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("bin/server: %v, mode %v; want 0755", err, st.Mode())
	}
	before := snapshot(t, dir)
	second := run(t, "", args...)
	if second.code != 0 {
		t.Fatalf("second run: exit %d\n%s", second.code, second.stderr)
	}
	if strings.Contains(second.stdout, "create  ") || strings.Contains(second.stdout, "conflict  ") || strings.Contains(second.stdout, "patch  ") {
		t.Errorf("second run changed something:\n%s", second.stdout)
	}
	// Every file of the first run is identical on the second.
	files := 0
	for _, verb := range []string{"create  ", "patch  ", "identical  "} {
		files += strings.Count(first.stdout, verb)
	}
	if n := strings.Count(second.stdout, "identical  "); n != files {
		t.Errorf("second run: %d identical files, want the %d of the first run:\n%s", n, files, second.stdout)
	}
	sameTree(t, before, snapshot(t, dir))
}

func TestInitExitsThreeWhenAnEditIsLeftToTheUser(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	// A router written on one line cannot take a new scope safely.
	router := filepath.Join(dir, "lib/shop_web/router.ex")
	oneLine := "defmodule ShopWeb.Router do use ShopWeb, :router; scope \"/\", ShopWeb do get \"/\", PageController, :home end end\n"
	if err := os.WriteFile(router, []byte(oneLine), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes")
	if r.code != 3 || !strings.Contains(r.stdout, "manual  lib/shop_web/router.ex") || !strings.Contains(r.stdout, `forward "/health", ShopWeb.Health`) {
		t.Fatalf("exit %d, want 3 with a manual router edit and its snippet\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(router); string(b) != oneLine {
		t.Error("the router was changed although the edit was left to the user")
	}
}

func TestInitJSON(t *testing.T) {
	dir := fixture(t, "phx18_sqlite")
	r := run(t, "", "init", "--dir", dir, "--target", "fly", "--json", "--region", "fra")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var got struct {
		Project struct {
			App      string `json:"app"`
			Database string `json:"database"`
			Phoenix  string `json:"phoenix_minor"`
		} `json:"project"`
		Answers []struct{ Key, Value, Source string } `json:"answers"`
		Changes []struct {
			Path, Action, Snippet string
		} `json:"changes"`
		NextSteps []struct{ Target, Text, Command string } `json:"next_steps"`
		ExitCode  int                                      `json:"exit_code"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
	}
	if got.Project.App != "shop" || got.Project.Database != "sqlite" || got.Project.Phoenix != "1.8" {
		t.Errorf("project facts: %+v", got.Project)
	}
	actions := map[string]string{}
	for _, c := range got.Changes {
		actions[c.Path] = c.Action
	}
	if actions["fly.toml"] != "create" || actions["Dockerfile"] != "create" || actions["lib/shop_web/router.ex"] != "patch" || actions["config/runtime.exs"] != "identical" {
		t.Errorf("changes: %v", actions)
	}
	sources := map[string]string{}
	for _, a := range got.Answers {
		sources[a.Key] = a.Source + ":" + a.Value
	}
	if sources["region"] != "flag:fra" || sources["database"] != "detected:sqlite" || sources["port"] != "default:4000" {
		t.Errorf("answer sources: %v", sources)
	}
	var volume bool
	for _, s := range got.NextSteps {
		volume = volume || strings.HasPrefix(s.Command, "fly volumes create shop_data --app shop --region fra")
	}
	if !volume {
		t.Errorf("next steps lack the volume: %+v", got.NextSteps)
	}
}

func TestInitDryRunWritesNothingAndShowsDiffs(t *testing.T) {
	dir := fixture(t, "phx17_postgres")
	before := snapshot(t, dir)
	r := run(t, "", append([]string{"init", "--dir", dir, "--dry-run"}, k8sFlags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir))
	for _, want := range []string{"--- /dev/null\n+++ b/fly.toml\n", "+app = \"shop\"", "would create  Dockerfile",
		"--- a/lib/shop_web/router.ex\n+++ b/lib/shop_web/router.ex\n", "+  forward \"/health\", ShopWeb.Health\n", "would patch  lib/shop_web/router.ex"} {
		if !strings.Contains(r.stdout+r.stderr, want) { // the patch on stdout, the report on stderr
			t.Errorf("dry run output lacks %q", want)
		}
	}
}

func TestInitConflictLeavesFileAndForceOverwrites(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	mine := "# my own ignores\n_build\n"
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--dry-run")
	if !strings.Contains(r.stdout, "# conflict: .dockerignore") || !strings.Contains(r.stdout, "-# my own ignores") {
		t.Errorf("dry run does not show the conflict's diff:\n%s", r.stdout)
	}
	r = run(t, "", "init", "--dir", dir, "--target", "docker", "--yes")
	if r.code != 3 || !strings.Contains(r.stdout, "conflict  .dockerignore") {
		t.Fatalf("exit %d, want 3 with a conflict\n%s", r.code, r.stdout)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, ".dockerignore")); string(b) != mine {
		t.Fatal("a conflicting file was changed without --force")
	}
	r = run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--force")
	if !strings.Contains(r.stdout, "overwrite  .dockerignore") {
		t.Fatalf("--force did not overwrite:\n%s", r.stdout)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ".dockerignore"))
	st, _ := os.Stat(filepath.Join(dir, ".dockerignore"))
	if !strings.Contains(string(b), "Written by phxdeploy") || st.Mode().Perm() != 0o600 {
		t.Errorf("overwrite: mode %v (want the user's 0600 kept), content %.40q", st.Mode(), b)
	}
}

func TestInitMissingAnswersWithoutTerminal(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	before := snapshot(t, dir)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{}, "--target is required when not running interactively"},
		{[]string{"--target", "k8s", "--host", "a.example.com"}, "--image is required for --target k8s when not running interactively"},
		{[]string{"--target", "systemd"}, "--host is required for --target systemd when not running interactively"},
		{[]string{"--target", "k8s", "--image", "r.example.com/shop:latest", "--host", "a.example.com"}, "--image: \"r.example.com/shop:latest\" uses the latest tag"},
		{[]string{"--target", "nomad"}, "--target: unknown target \"nomad\""},
		{[]string{"--target", "fly", "--port", "80"}, "--port: \"80\" is not a whole number from 1024 to 65535"},
	}
	for _, c := range cases {
		r := run(t, "", append([]string{"init", "--dir", dir}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
	sameTree(t, before, snapshot(t, dir))
}

func TestInitUsageErrors(t *testing.T) {
	if r := run(t, "", "init", "--no-such-flag"); r.code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", r.code)
	}
	if r := run(t, "", "init", "extra-arg"); r.code != 2 {
		t.Errorf("positional argument: exit %d, want 2 (%s)", r.code, r.stderr)
	}
	if r := run(t, "", "frobnicate"); r.code != 2 {
		t.Errorf("unknown command: exit %d, want 2", r.code)
	}
	if r := run(t, "", "templates", "lnit"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "lnit"`) {
		t.Errorf("a typo in a subcommand: exit %d (%s), want 2", r.code, r.stderr)
	}
}

func TestInitNotAPhoenixProject(t *testing.T) {
	empty := t.TempDir()
	r := run(t, "", "init", "--dir", empty, "--target", "fly")
	if r.code != 1 || !strings.Contains(r.stderr, "mix.exs: not found: this is not a Mix project (looked for mix.exs with a :phoenix dependency)") {
		t.Errorf("empty dir: exit %d, stderr %q", r.code, r.stderr)
	}
	plain := t.TempDir()
	mix := "defmodule Lib.MixProject do\n  use Mix.Project\n\n  def project do\n    [app: :lib, version: \"0.1.0\", deps: deps()]\n  end\n\n  # {:phoenix, \"~> 1.7\"} is only mentioned in a comment\n  defp deps, do: [{:jason, \"~> 1.4\"}]\nend\n"
	if err := os.WriteFile(filepath.Join(plain, "mix.exs"), []byte(mix), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, "", "init", "--dir", plain, "--target", "fly")
	if r.code != 1 || !strings.Contains(r.stderr, "a Mix project without Phoenix (looked for a {:phoenix, ...} dependency)") {
		t.Errorf("mix project without phoenix: exit %d, stderr %q", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(plain); len(entries) != 1 {
		t.Errorf("files were written into a non-Phoenix project: %d entries", len(entries))
	}
}

// A .dockerignore that leaves out what the Dockerfile copies breaks the build ("not found"):
// the project's own, which phxdeploy keeps (a conflict), against phxdeploy's Dockerfile and a
// template override that copies a file; and phxdeploy's, beside the project's own Dockerfile.
func TestInitWarnsWhenDockerignoreExcludesACopy(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	writeFile(t, filepath.Join(dir, ".dockerignore"), "# mine\n_build\nrel\n/priv/\ndeploy\n")
	writeFile(t, filepath.Join(dir, "deploy/acme-ca.crt"), "not a real certificate\n")
	writeFile(t, filepath.Join(dir, ".phxdeploy/templates/docker/Dockerfile.tmpl"),
		"{{ define \"runner_setup\" }}\nCOPY --chmod=0644 deploy/acme-ca.crt /usr/local/share/ca-certificates/acme-ca.crt\nRUN update-ca-certificates{{ end }}\n")
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--dry-run")
	for _, want := range []string{
		"COPY priv: .dockerignore excludes it (priv): the project's .dockerignore, which phxdeploy leaves as it is, excludes what phxdeploy's Dockerfile copies",
		"COPY rel: .dockerignore excludes it (rel)",
		"COPY deploy/acme-ca.crt: .dockerignore excludes it (deploy)",
		"remove that line from .dockerignore or add !deploy/acme-ca.crt after it",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the report lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "COPY lib: .dockerignore") {
		t.Errorf("lib/ is not excluded, but reported:\n%s", r.stderr)
	}

	// The same ignores with --force: phxdeploy's .dockerignore replaces them, and nothing is
	// left out.
	r = run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--dry-run", "--force")
	if strings.Contains(r.stderr, ".dockerignore excludes it") {
		t.Errorf("phxdeploy's own .dockerignore excludes a COPY:\n%s", r.stderr)
	}

	// The project's own Dockerfile (kept) copies a file phxdeploy's .dockerignore leaves out.
	dir = fixture(t, "phx18_postgres")
	writeFile(t, filepath.Join(dir, "Dockerfile"), strings.Replace(ownImage, "COPY . .\n", "COPY . .\nCOPY tmp/seeds.sql /seeds.sql\n", 1))
	writeFile(t, filepath.Join(dir, "tmp/seeds.sql"), "select 1;\n")
	r = run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--dry-run")
	if want := "COPY tmp/seeds.sql: .dockerignore excludes it (tmp): phxdeploy's .dockerignore excludes what the project's Dockerfile copies"; !strings.Contains(r.stderr, want) {
		t.Errorf("the report lacks %q:\n%s%s", want, r.stdout, r.stderr)
	}
}
