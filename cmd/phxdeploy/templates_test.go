package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

func orgDir() string { return filepath.Join(testtools.RepoRoot(), "testdata", "org_templates") }

func goldenAt(t *testing.T) *goldie.Goldie {
	return goldie.New(t, goldie.WithFixtureDir(filepath.Join(testtools.RepoRoot(), "golden", "templates")), goldie.WithNameSuffix(".golden"))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOrganizationAndProjectLayers renders with an organization layer (a whole-file fly.toml,
// block-only Dockerfile and k8s label overrides, defaults.yaml) and a project layer that
// overrides one of the organization's blocks.
func TestOrganizationAndProjectLayers(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	writeFile(t, filepath.Join(dir, ".phxdeploy/templates/docker/Dockerfile.tmpl"),
		"{{ define \"labels\" }}\nLABEL org.opencontainers.image.vendor=\"Acme\" com.acme.team=\"shop\"{{ end }}\n")
	r := run(t, "", "init", "--dir", dir, "--target", "fly,k8s", "--host", "shop.acme.com", "--templates", orgDir(), "--yes")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	g := goldenAt(t)
	for _, f := range []string{"Dockerfile", "fly.toml", "deploy/k8s/deployment.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		g.Assert(t, "layers/"+f, b)
	}
	for _, want := range []string{"region  fra", "(organization (" + filepath.Join(orgDir(), "defaults.yaml") + "))",
		"image  registry.acme.internal/apps/{name}:1.0.0"} {
		if !strings.Contains(testtools.Spaced(r.stdout), want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestAnswerPrecedence(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	// Saved answers (an earlier run) rank above organization defaults, flags above both.
	writeFile(t, filepath.Join(dir, ".phxdeploy/answers.yaml"), "region: \"ams\"\nvm-memory: \"4gb\"\n")
	r := run(t, "", "init", "--dir", dir, "--target", "fly", "--vm-memory", "8gb", "--templates", orgDir(), "--json", "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var got struct {
		Answers []struct{ Key, Value, Source string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	src := map[string]string{}
	for _, a := range got.Answers {
		src[a.Key] = a.Value + " from " + a.Source
	}
	want := map[string]string{
		"vm-memory": "8gb from flag",
		"region":    "ams from saved",
		"vm-size":   "performance-1x from organization (" + filepath.Join(orgDir(), "defaults.yaml") + ")",
		"port":      "4000 from default",
	}
	for k, w := range want {
		if src[k] != w {
			t.Errorf("%s: %q, want %q", k, src[k], w)
		}
	}
}

func TestSavedAnswersAreReused(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	if r := run(t, "", "init", "--dir", dir, "--target", "fly", "--region", "syd", "--yes"); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ".phxdeploy/answers.yaml"))
	if !strings.Contains(string(b), "region: \"syd\"") || strings.Contains(string(b), "port:") {
		t.Errorf("answers.yaml should hold the given answers and no defaults:\n%s", b)
	}
	r := run(t, "", "init", "--dir", dir, "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "identical  fly.toml") || !strings.Contains(r.stdout, "syd") {
		t.Errorf("a run without flags should reuse the saved answers: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestTemplatesListExportDiff(t *testing.T) {
	r := run(t, "", "templates", "list", "--templates", orgDir(), "--dir", t.TempDir())
	for _, want := range []string{"fly/fly.toml.tmpl                    organization", "block labels (" + filepath.Join(orgDir(), "docker/Dockerfile.tmpl") + ")",
		"block extra_labels (" + filepath.Join(orgDir(), "k8s/_labels.tmpl") + ")", "k8s/workload.yaml.tmpl               embedded"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("templates list lacks %q (exit %d):\n%s%s", want, r.code, r.stdout, r.stderr)
		}
	}
	out := t.TempDir()
	r = run(t, "", "templates", "export", "fly", "docker/Dockerfile.tmpl", "--to", out)
	if r.code != 0 || !strings.Contains(r.stdout, filepath.Join(out, "fly/fly.toml.tmpl")) {
		t.Fatalf("export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "templates", "export", "fly", "--to", out); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("export over an existing override: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, "", "templates", "diff", "fly/fly.toml.tmpl", "--templates", out); r.code != 0 || !strings.Contains(r.stdout, "has not changed since it was exported") {
		t.Errorf("diff right after export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Pretend the override was exported from an older phxdeploy: its recorded version differs.
	base := filepath.Join(out, ".phxdeploy-base/fly/fly.toml.tmpl")
	old, _ := os.ReadFile(base)
	writeFile(t, base, strings.Replace(string(old), `kill_signal = "SIGTERM"`, `kill_signal = "SIGINT"`, 1))
	exported := filepath.Join(out, "fly/fly.toml.tmpl")
	b, _ := os.ReadFile(exported)
	writeFile(t, exported, regexp.MustCompile(`sha256:[0-9a-f]{16}`).ReplaceAllString(string(b), "sha256:0123456789abcdef"))
	r = run(t, "", "templates", "diff", "fly/fly.toml.tmpl", "--templates", out)
	if r.code != 0 || !strings.Contains(r.stdout, `-kill_signal = "SIGINT"`) || !strings.Contains(r.stdout, `+kill_signal = "SIGTERM"`) {
		t.Errorf("diff after an upstream change: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	dir := fixture(t, "phx18_postgres")
	r = run(t, "", "init", "--dir", dir, "--target", "fly", "--templates", out, "--yes", "--dry-run")
	if !strings.Contains(r.stderr, "warning: "+exported+": exported from an older fly/fly.toml.tmpl; `phxdeploy templates diff --templates "+out+" fly/fly.toml.tmpl`") {
		t.Errorf("init does not warn about the stale override:\n%s", r.stderr)
	}
	if r := run(t, "", "templates", "list", "--templates", out); !strings.Contains(r.stdout, "warning: exported from an older fly/fly.toml.tmpl") {
		t.Errorf("list does not flag the stale override:\n%s", r.stdout)
	}
}

func TestTemplatesVarsIsAContract(t *testing.T) {
	r := run(t, "", "templates", "vars")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	// Changing the data templates receive is a breaking change: it shows up here.
	goldenAt(t).Assert(t, "vars", []byte(r.stdout))
	r = run(t, "", "templates", "vars", "--json")
	var vars []VarDoc
	if err := json.Unmarshal([]byte(r.stdout), &vars); err != nil || len(vars) < 40 {
		t.Fatalf("vars --json: %v (%d fields)", err, len(vars))
	}
	for _, v := range vars {
		if v.Doc == "" {
			t.Errorf("%s has no documentation", v.Name)
		}
	}
}

var (
	lintOnce sync.Once
	lintPath string
	lintErr  error
)

// useLint builds phxdeploy-lint once and points `templates lint` at it.
func useLint(t *testing.T) {
	t.Helper()
	lintOnce.Do(func() {
		dir, err := os.MkdirTemp("", "phxdeploy-lint-")
		if err != nil {
			lintErr = err
			return
		}
		lintPath = filepath.Join(dir, "phxdeploy-lint")
		out, err := exec.Command("go", "build", "-o", lintPath, "../phxdeploy-lint").CombinedOutput()
		if err != nil {
			lintErr = fmt.Errorf("building phxdeploy-lint: %v\n%s", err, out)
		}
	})
	if lintErr != nil {
		t.Fatal(lintErr)
	}
	testEnv["PHXDEPLOY_LINT"] = lintPath
	t.Cleanup(func() { delete(testEnv, "PHXDEPLOY_LINT") })
}

func TestTemplatesLintWithoutTheCompanion(t *testing.T) {
	testEnv["PHXDEPLOY_LINT"] = ""
	if _, err := exec.LookPath("phxdeploy-lint"); err == nil {
		t.Skip("phxdeploy-lint is on PATH")
	}
	r := run(t, "", "templates", "lint")
	if r.code != 1 || !strings.Contains(r.stderr, "phxdeploy-lint was not found") || !strings.Contains(r.stderr, "go install github.com/phxdeploy/phxdeploy/cmd/phxdeploy-lint@latest") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestTemplatesLintCatchesBrokenOverrides(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: lint runs the external validators")
	}
	useLint(t)
	if r := run(t, "", "templates", "lint", orgDir(), "--dir", t.TempDir()); r.code != 0 {
		t.Fatalf("the organization example should lint clean: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	cases := []struct {
		file, body, want string
	}{
		{"fly/fly.toml.tmpl", "app = \"{{ .Name }}\"\nkill_timout = \"5s\"\n", "kill_timout = \"5s\""},
		{"docker/Dockerfile.tmpl", "{{ define \"runner_setup\" }}\nRUN apt-get update\nCMD /app/bin/server{{ end }}\n", "JSONArgsRecommended"},
		{"docker/Dockerfile.tmpl", "{{ define \"labels\" }}\nlabel vendor=acme{{ end }}\n", "ConsistentInstructionCasing"},
		// The build context: an ignore file that leaves out what phxdeploy's Dockerfile copies, and
		// an override that copies a file phxdeploy's ignore file leaves out.
		{"docker/dockerignore.tmpl", "_build\ndeps\nrel\n", "Dockerfile:50: COPY rel: .dockerignore excludes it (rel): the build would not find it"},
		{"docker/dockerignore.tmpl", "_build\npriv/\n", "COPY priv: .dockerignore excludes it (priv)"},
		{"docker/Dockerfile.tmpl", "{{ define \"runner_setup\" }}\nCOPY test/acme-ca.crt /usr/local/share/ca-certificates/acme-ca.crt{{ end }}\n",
			"COPY test/acme-ca.crt: .dockerignore excludes it (test)"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, c.file), c.body)
		r := run(t, "", "templates", "lint", dir, "--dir", t.TempDir())
		if r.code != 1 || !strings.Contains(r.stdout, c.want) {
			t.Errorf("lint of a broken %s: exit %d, want 1 and %q:\n%s%s", c.file, r.code, c.want, r.stdout, r.stderr)
		}
	}
}

func TestTemplateErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string // org layer
		args  []string
		code  int
		want  string
	}{
		{"missing layer", nil, []string{"--templates", "/nonexistent/acme"}, 2,
			"template layer /nonexistent/acme: no such file or directory"},
		{"unknown defaults key", map[string]string{"defaults.yaml": "regoin: fra\n"}, nil, 1,
			"defaults.yaml: unknown key \"regoin\""},
		{"invalid defaults value", map[string]string{"defaults.yaml": "replicas: many\n"}, nil, 1,
			"defaults.yaml: replicas: \"many\" is not a whole number"},
		{"block the template lacks", map[string]string{"docker/Dockerfile.tmpl": "{{ define \"runner_pkgs\" }} curl{{ end }}\n"}, nil, 1,
			"docker/Dockerfile.tmpl: defines block \"runner_pkgs\", which docker/Dockerfile.tmpl does not have"},
		{"syntax error", map[string]string{"fly/fly.toml.tmpl": "app = \"{{ .Name }\"\n"}, nil, 1,
			"fly/fly.toml.tmpl:1: unexpected \"}\" in operand"},
		{"missing value", map[string]string{"fly/fly.toml.tmpl": "app = \"{{ .Name }}\"\nregion = \"{{ .Regoin }}\"\n"}, nil, 1,
			"fly/fly.toml.tmpl:2:13: executing \"" + "LAYER/fly/fly.toml.tmpl\" at <.Regoin>: can't evaluate field Regoin"},
		{"no environment access", map[string]string{"fly/fly.toml.tmpl": "app = \"{{ env \"HOME\" }}\"\n"}, nil, 1,
			`function "env" not defined`},
		{"include loop", map[string]string{"k8s/_labels.tmpl": "{{ define \"extra_labels\" }}{{ include \"extra_labels\" . }}{{ end }}\n"}, []string{"--target", "k8s", "--image", "r.example.com/x:1", "--host", "x.example.com"}, 1,
			"nested more than 32 deep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := fixture(t, "phx18_postgres")
			before := snapshot(t, dir)
			layer := t.TempDir()
			for f, body := range c.files {
				writeFile(t, filepath.Join(layer, f), body)
			}
			args := []string{"init", "--dir", dir, "--yes"}
			if !slices.Contains(c.args, "--templates") {
				args = append(args, "--templates", layer)
			}
			if !slices.Contains(c.args, "--target") {
				args = append(args, "--target", "fly,docker")
			}
			args = append(args, c.args...)
			r := run(t, "", args...)
			want := strings.ReplaceAll(c.want, "LAYER", layer)
			if r.code != c.code || !strings.Contains(r.stderr, want) {
				t.Errorf("exit %d, want %d; stderr:\n%s\nwant it to contain:\n%s", r.code, c.code, r.stderr, want)
			}
			sameTree(t, before, snapshot(t, dir))
		})
	}
}
