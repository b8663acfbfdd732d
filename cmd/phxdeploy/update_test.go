package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// initialised is the 1.8 fixture after `init --target docker --yes`.
func initialised(t *testing.T) string {
	t.Helper()
	dir := fixture(t, "phx18_postgres")
	if r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes"); r.code != 0 {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return dir
}

// edit replaces one string in a file of the project (it must be there).
func edit(t *testing.T, dir, name, from, to string) {
	t.Helper()
	b := read(t, dir, name)
	if !strings.Contains(b, from) {
		t.Fatalf("%s has no %q", name, from)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Replace(b, from, to, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// acmeLabels is an organization layer that changes phxdeploy's Dockerfile near its end.
func acmeLabels(t *testing.T) string {
	org := t.TempDir()
	if err := os.MkdirAll(filepath.Join(org, "docker"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmpl := "{{ define \"labels\" }}\nLABEL org.opencontainers.image.vendor=\"Acme\"{{ end }}\n"
	if err := os.WriteFile(filepath.Join(org, "docker", "Dockerfile.tmpl"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	return org
}

func TestUpdateMergesYourEditsWithATemplateChange(t *testing.T) {
	dir := initialised(t)
	edit(t, dir, "Dockerfile", "RUN mix compile\n", "RUN mix compile --warnings-as-errors\n")
	org := acmeLabels(t)

	if r := run(t, "", "check", "--dir", dir); r.code != 0 {
		t.Fatalf("check after your own edit: exit %d, want 0 (an edit of yours is not drift)\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "check", "--dir", dir, "--templates", org); r.code != 1 || !strings.Contains(r.stdout, `+LABEL org.opencontainers.image.vendor="Acme"`) {
		t.Fatalf("check with a template change: exit %d, want 1 with the change as a diff\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := run(t, "", "update", "--dir", dir, "--templates", org)
	if r.code != 0 || !strings.Contains(r.stdout, "merge  Dockerfile") {
		t.Fatalf("update: exit %d, want 0 with Dockerfile merged\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := read(t, dir, "Dockerfile")
	for _, want := range []string{"RUN mix compile --warnings-as-errors\n", `LABEL org.opencontainers.image.vendor="Acme"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the merged Dockerfile lacks %q:\n%s", want, got)
		}
	}
	// Merged once, then nothing more to do.
	if r := run(t, "", "check", "--dir", dir, "--templates", org); r.code != 0 {
		t.Errorf("check after the update: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "update", "--dir", dir, "--templates", org); r.code != 0 || !strings.Contains(r.stdout, "yours  Dockerfile") || strings.Contains(r.stdout, "merge ") {
		t.Errorf("a second update is not a no-op: exit %d\n%s", r.code, r.stdout)
	}
	if read(t, dir, "Dockerfile") != got {
		t.Error("a second update changed the merged Dockerfile")
	}
}

func TestUpdateOverlappingEditsLeaveMarkersAndExit3(t *testing.T) {
	dir := initialised(t)
	edit(t, dir, "Dockerfile", "EXPOSE 4000\n", "EXPOSE 4001\n")
	before := read(t, dir, "Dockerfile")
	if r := run(t, "", "update", "--dir", dir, "--port", "4100", "--dry-run"); r.code != 3 || read(t, dir, "Dockerfile") != before {
		t.Fatalf("update --dry-run: exit %d (want 3) or it wrote\n%s", r.code, r.stdout)
	}
	r := run(t, "", "update", "--dir", dir, "--port", "4100")
	if r.code != 3 || !strings.Contains(r.stdout, "conflict  Dockerfile") {
		t.Fatalf("update: exit %d, want 3 with a conflict\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := read(t, dir, "Dockerfile")
	for _, want := range []string{"<<<<<<< yours", "EXPOSE 4001", "=======", "EXPOSE 4100", ">>>>>>> phxdeploy"} {
		if !strings.Contains(got, want) {
			t.Errorf("the Dockerfile lacks %q:\n%s", want, got)
		}
	}
	// The non-overlapping change of the same update is in, outside the markers.
	if !strings.Contains(got, "PORT=4100") {
		t.Error("the change that did not overlap (PORT=4100) is missing")
	}
	if r := run(t, "", "check", "--dir", dir); r.code != 1 || !strings.Contains(r.stderr, "conflict  Dockerfile") {
		t.Errorf("check with markers left: exit %d, want 1\n%s", r.code, r.stderr)
	}
	// Compose had no edit of the user's: updated to the new port.
	if c := read(t, dir, "compose.yaml"); !strings.Contains(c, "4100") {
		t.Error("compose.yaml, untouched by the user, was not updated to the new port")
	}
}

func TestUpdateConflictRejKeepsYourFile(t *testing.T) {
	dir := initialised(t)
	edit(t, dir, "Dockerfile", "EXPOSE 4000\n", "EXPOSE 4001\n")
	r := run(t, "", "update", "--dir", dir, "--port", "4100", "--conflict=rej")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := read(t, dir, "Dockerfile")
	if strings.Contains(got, "<<<<<<<") || !strings.Contains(got, "EXPOSE 4001") || !strings.Contains(got, "PORT=4100") {
		t.Errorf("--conflict=rej: the file must keep your line, take the change that did not overlap and have no markers:\n%s", got)
	}
	rej := read(t, dir, "Dockerfile.rej")
	if !strings.Contains(rej, "+EXPOSE 4100") || !strings.Contains(rej, "-EXPOSE 4000") {
		t.Errorf("Dockerfile.rej does not hold phxdeploy's hunk:\n%s", rej)
	}
	if r := run(t, "", "update", "--dir", dir, "--conflict=nonsense"); r.code != 2 {
		t.Errorf("--conflict=nonsense: exit %d, want 2", r.code)
	}
}

func TestUpdateLeavesADeletedFileDeleted(t *testing.T) {
	dir := initialised(t)
	if err := os.Remove(filepath.Join(dir, "compose.yaml")); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "check", "--dir", dir); r.code != 1 || !strings.Contains(r.stderr, "deleted  compose.yaml") {
		t.Errorf("check with a generated file missing: exit %d, want 1\n%s", r.code, r.stderr)
	}
	r := run(t, "", "update", "--dir", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "deleted: compose.yaml") {
		t.Fatalf("update: exit %d, want 0 and the file reported deleted\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "compose.yaml")); err == nil {
		t.Fatal("update wrote a file the user deleted")
	}
	if r := run(t, "", "update", "--dir", dir, "--force", "compose.yaml"); r.code != 0 || !strings.Contains(r.stdout, "create  compose.yaml") {
		t.Fatalf("update --force compose.yaml: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestUpdateChangesAnAnswerEverywhereWithoutDuplicates(t *testing.T) {
	dir := initialised(t)
	runtime := read(t, dir, "config/runtime.exs")
	r := run(t, "", "update", "--dir", dir, "--port", "4100", "--host", "shop.example.org")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"update  Dockerfile", "update  compose.yaml", "identical  config/runtime.exs"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(read(t, dir, "compose.yaml"), "shop.example.org") || !strings.Contains(read(t, dir, "Dockerfile"), "EXPOSE 4100") {
		t.Error("the new answers did not reach the files")
	}
	// runtime.exs reads PORT and PHX_HOST from the environment: the answers never land in it,
	// and a re-applied patch adds nothing.
	if got := read(t, dir, "config/runtime.exs"); got != runtime || strings.Count(got, `"PORT"`) != 1 {
		t.Errorf("runtime.exs changed or has PORT twice:\n%s", got)
	}
	saved := read(t, dir, ".phxdeploy/answers.yaml")
	if !strings.Contains(saved, `port: "4100"`) || !strings.Contains(saved, `host: "shop.example.org"`) {
		t.Errorf("answers.yaml does not keep the new answers:\n%s", saved)
	}
	if r := run(t, "", "check", "--dir", dir); r.code != 0 {
		t.Errorf("check after the update: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestCheckAndUpdateErrors(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	for _, cmd := range []string{"update", "check"} {
		if r := run(t, "", cmd, "--dir", dir); r.code != 2 || !strings.Contains(r.stderr, "run phxdeploy init first") {
			t.Errorf("%s without answers.yaml: exit %d, want 2\n%s", cmd, r.code, r.stderr)
		}
	}
	if r := run(t, "", "check", "--dir", t.TempDir()); r.code != 2 {
		t.Errorf("check on a directory that is no Phoenix project: exit %d, want 2", r.code)
	}
	if r := run(t, "", "init", "--dir", initialised(t), "--check"); r.code != 0 {
		t.Errorf("init --check on a fresh init: exit %d, want 0\n%s", r.code, r.stderr)
	}
}

// The dry run's stdout is a patch git applies, giving what init writes (the merge bases aside:
// init keeps them itself); the report goes to stderr.
func TestDryRunIsAPatchGitApplies(t *testing.T) {
	git := testtools.Require(t, "git", "git")
	args := []string{"--target", "fly,docker,systemd,k8s", "--image", "registry.example.com/shop:1.0.0", "--host", "shop.example.com", "--yes"}
	applied, written := fixture(t, "phx18_postgres"), fixture(t, "phx18_postgres")
	// A file without a final line break, which init edits.
	for _, dir := range []string{applied, written} {
		router := filepath.Join(dir, "lib", "shop_web", "router.ex")
		if err := os.WriteFile(router, []byte(strings.TrimRight(read(t, dir, "lib/shop_web/router.ex"), "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, "", append([]string{"init", "--dir", applied, "--dry-run"}, args...)...)
	if r.code != 0 || !strings.Contains(r.stderr, "would create  Dockerfile") || strings.Contains(r.stdout, "Next steps") {
		t.Fatalf("dry run: exit %d; the report must go to stderr\n%s", r.code, r.stderr)
	}
	patch := filepath.Join(t.TempDir(), "init.patch")
	if err := os.WriteFile(patch, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"init", "-q"}, {"apply", "--check", patch}, {"apply", patch}} {
		c := exec.Command(git, cmd...)
		c.Dir = applied
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(cmd, " "), err, out)
		}
	}
	if r := run(t, "", append([]string{"init", "--dir", written}, args...)...); r.code != 0 {
		t.Fatalf("init: exit %d\n%s", r.code, r.stderr)
	}
	err := filepath.WalkDir(written, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(written, p)
		if strings.HasPrefix(rel, filepath.Join(".phxdeploy", "base")) {
			return nil
		}
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(applied, rel))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: the applied patch gives %d bytes (%v), init writes %d", rel, len(got), err, len(want))
			return nil
		}
		ws, _ := os.Stat(p)
		gs, _ := os.Stat(filepath.Join(applied, rel))
		if ws.Mode().Perm()&0o111 != gs.Mode().Perm()&0o111 {
			t.Errorf("%s: mode %v after git apply, %v after init", rel, gs.Mode(), ws.Mode())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Fly app names are global: the next steps say so and how to rename; a rename through update
// keeps fly.toml in step with --name, merged with the user's edits, not a conflict.
func TestFlyRenameThroughUpdate(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	r := run(t, "", "init", "--dir", dir, "--target", "fly", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "Fly app names are global") || !strings.Contains(r.stdout, "phxdeploy update --name shop-$(openssl rand -hex 3)") {
		t.Fatalf("init: exit %d; the next steps do not say how to rename\n%s", r.code, r.stdout)
	}
	edit(t, dir, "fly.toml", "kill_signal = \"SIGTERM\"\n", "kill_signal = \"SIGTERM\"\n# deployed by the platform team\n")
	r = run(t, "", "update", "--dir", dir, "--name", "shop-a1b2c3", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "merge  fly.toml") {
		t.Fatalf("update --name: exit %d, want fly.toml merged\n%s%s", r.code, r.stdout, r.stderr)
	}
	toml := read(t, dir, "fly.toml")
	if !strings.Contains(toml, `app = "shop-a1b2c3"`) || !strings.Contains(toml, "# deployed by the platform team") {
		t.Errorf("fly.toml lost the rename or the user's line:\n%s", toml)
	}
	if !strings.Contains(read(t, dir, ".phxdeploy/answers.yaml"), `name: "shop-a1b2c3"`) {
		t.Error("the new name is not saved")
	}
}

// init again with another --name: the files phxdeploy wrote and nobody edited follow it
// (update), never a conflict; an edited one is a conflict that names update.
func TestInitAgainUpdatesUntouchedFiles(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	if r := run(t, "", "init", "--dir", dir, "--target", "fly,docker", "--yes"); r.code != 0 {
		t.Fatalf("init: exit %d\n%s", r.code, r.stderr)
	}
	edit(t, dir, "compose.yaml", "name: shop\n", "name: shop\n# mine\n")
	r := run(t, "", "init", "--dir", dir, "--target", "fly,docker", "--yes", "--name", "shop-x2", "--json")
	var rep struct {
		Changes []struct{ Path, Action, Reason string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range rep.Changes {
		got[c.Path] = c.Action + " " + c.Reason
	}
	if !strings.HasPrefix(got["fly.toml"], "update") || !strings.HasPrefix(got["compose.yaml"], "conflict") || !strings.Contains(got["compose.yaml"], "phxdeploy update merges") {
		t.Errorf("fly.toml %q (want update), compose.yaml %q (want a conflict naming update)", got["fly.toml"], got["compose.yaml"])
	}
	if !strings.Contains(read(t, dir, "fly.toml"), `app = "shop-x2"`) {
		t.Error("fly.toml is not in step with --name")
	}
}

// A diff phxdeploy can only show escaped (control characters from a user's file) is not part
// of the patch: applied, it would write the escapes instead of the bytes.
func TestDryRunPatchNeverCarriesEscapes(t *testing.T) {
	dir := fixture(t, "phx18_postgres")
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("mine\x1b[2J\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--dry-run", "--force")
	if strings.Contains(r.stdout, "diff --git a/.dockerignore") && !strings.Contains(r.stdout, "# diff --git a/.dockerignore") {
		t.Errorf("the escaped diff is part of the patch:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b") {
		t.Error("a control character reached the output")
	}
}
