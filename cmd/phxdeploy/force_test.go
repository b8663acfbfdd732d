package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ownImage is a project's own Dockerfile: its release in /srv, which the other files follow.
const ownImage = `FROM hexpm/elixir:1.18.4-erlang-27.3.4-debian-bookworm-20250520-slim AS build
WORKDIR /src
ENV MIX_ENV=prod
COPY . .
RUN mix deps.get --only prod && mix release

FROM debian:bookworm-20250520-slim
COPY --from=build /src/_build/prod/rel/shop /srv/shop
USER 1000
CMD ["/srv/shop/bin/server"]
`

const ownIgnores = "# my own ignores\n_build\n"

// keepingFiles is the 1.8 fixture with its own Dockerfile (kept: the others follow it) and its
// own .dockerignore (a conflict).
func keepingFiles(t *testing.T) string {
	dir := fixture(t, "phx18_postgres")
	for name, content := range map[string]string{"Dockerfile": ownImage, ".dockerignore": ownIgnores} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestForceAllKeepsTheFilesTheOthersFollow(t *testing.T) {
	dir := keepingFiles(t)
	r := run(t, "", "init", "--dir", dir, "--target", "docker", "--yes", "--force")
	if r.code != 0 || !strings.Contains(r.stdout, "overwrite  .dockerignore") || !strings.Contains(r.stdout, "kept  Dockerfile") {
		t.Fatalf("exit %d, want 0 with .dockerignore overwritten and the Dockerfile kept\n%s%s", r.code, r.stdout, r.stderr)
	}
	if read(t, dir, "Dockerfile") != ownImage {
		t.Error("--force without paths replaced the project's own Dockerfile")
	}
	if !strings.Contains(r.stdout, "kept: Dockerfile: ") || !strings.Contains(r.stdout, "the release is in /srv/shop") {
		t.Errorf("the report does not say what phxdeploy assumed from the Dockerfile:\n%s", r.stdout)
	}
	if c := read(t, dir, "compose.yaml"); !strings.Contains(c, `entrypoint: ["/srv/shop/bin/migrate"]`) {
		t.Errorf("compose does not migrate where the project's image has its release:\n%s", c)
	}
}

func TestForcePathsReplaceOnlyThoseNamed(t *testing.T) {
	for _, form := range [][]string{{"--force", "Dockerfile"}, {"--force=Dockerfile"}, {"--force", "Dockerfile,compose.yaml"}} {
		t.Run(strings.Join(form, " "), func(t *testing.T) {
			dir := keepingFiles(t)
			r := run(t, "", append([]string{"init", "--dir", dir, "--target", "docker", "--yes"}, form...)...)
			if r.code != 3 || !strings.Contains(r.stdout, "overwrite  Dockerfile") || !strings.Contains(r.stdout, "conflict  .dockerignore") {
				t.Fatalf("exit %d, want 3: the Dockerfile replaced, .dockerignore left in conflict\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.HasPrefix(read(t, dir, "Dockerfile"), "# syntax=docker/dockerfile:1\n# Written by phxdeploy.") && !strings.Contains(read(t, dir, "Dockerfile"), "# Written by phxdeploy.") {
				t.Error("the named Dockerfile was not replaced")
			}
			if read(t, dir, ".dockerignore") != ownIgnores {
				t.Error("a file --force did not name was replaced")
			}
			// With phxdeploy's Dockerfile, the others follow phxdeploy's image again.
			if c := read(t, dir, "compose.yaml"); !strings.Contains(c, `command: ["/app/bin/migrate"]`) {
				t.Errorf("compose does not follow the Dockerfile that replaced the project's:\n%s", c)
			}
		})
	}
}

func TestForceRefusesPathsItDoesNotWrite(t *testing.T) {
	dir := keepingFiles(t)
	for _, args := range [][]string{
		{"--force", "Dockerfil"},
		{"--force", "../Dockerfile"},
		{"--force", "/etc/passwd"},
		{"Dockerfile"}, // a path without --force
	} {
		r := run(t, "", append([]string{"init", "--dir", dir, "--target", "docker", "--yes"}, args...)...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		if args[0] == "--force" && args[1] == "Dockerfil" && !strings.Contains(r.stderr, "it writes") {
			t.Errorf("the error does not list the files phxdeploy writes:\n%s", r.stderr)
		}
	}
	if read(t, dir, "Dockerfile") != ownImage || read(t, dir, ".dockerignore") != ownIgnores {
		t.Error("a refused run changed a file")
	}
}

// sequence answers the prompts whose title starts with a prefix from a queue, in order; others
// from a scripted map.
type sequence struct {
	scripted
	queues map[string][]string
}

func (s *sequence) Select(title string, options []string, def string) (string, error) {
	for prefix, q := range s.queues {
		if strings.HasPrefix(title, prefix) && len(q) > 0 {
			s.queues[prefix] = q[1:]
			s.asked = append(s.asked, title)
			return q[0], nil
		}
	}
	return s.scripted.Select(title, options, def)
}

func TestEachDifferingFileAsksKeepOverwriteOrDiff(t *testing.T) {
	dir := keepingFiles(t)
	p := &sequence{scripted: scripted{answers: map[string]string{"Deployment targets": "docker"}},
		queues: map[string][]string{
			".dockerignore differs": {resolveDiff, resolveOverwrite},
			"Dockerfile: ":          {resolveKeep},
		}}
	r := runTTY(t, p, "init", "--dir", dir)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "\n-# my own ignores") || !strings.Contains(r.stderr, "\n+# Written by phxdeploy") || strings.Contains(r.stderr, "# conflict: .dockerignore") {
		t.Errorf("show the diff did not show it as a plain diff:\n%s", r.stderr)
	}
	if got := colourDiff("--- a/x\n-old\n+new\n same\n", true); got != "\x1b[1m--- a/x\x1b[0m\n\x1b[31m-old\x1b[0m\n\x1b[32m+new\x1b[0m\n same\n" {
		t.Errorf("colourDiff: %q", got)
	}
	if got := colourDiff("-old\n", false); got != "-old\n" {
		t.Errorf("colourDiff without colour: %q", got)
	}
	if read(t, dir, ".dockerignore") == ownIgnores || read(t, dir, "Dockerfile") != ownImage {
		t.Error("the answers were not followed: .dockerignore overwritten, Dockerfile kept")
	}
	for prefix, q := range p.queues {
		if len(q) > 0 {
			t.Errorf("not asked about %q (%d answers left); asked:\n%s", prefix, len(q), strings.Join(p.asked, "\n"))
		}
	}
	// A dry run asks nothing: it shows every diff.
	p = &sequence{scripted: scripted{answers: map[string]string{"Deployment targets": "docker"}}, queues: map[string][]string{}}
	if r := runTTY(t, p, "init", "--dir", dir, "--dry-run"); r.code != 0 || strings.Contains(strings.Join(p.asked, "\n"), "differs") {
		t.Errorf("dry run: exit %d, asked %q", r.code, p.asked)
	}
	// Keeping a file that differs is a decision, not a conflict left open: exit 0, reported.
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(ownIgnores), 0o644); err != nil {
		t.Fatal(err)
	}
	p = &sequence{scripted: scripted{answers: map[string]string{"Deployment targets": "docker"}},
		queues: map[string][]string{".dockerignore differs": {resolveKeep}, "Dockerfile: ": {resolveKeep}}}
	if r := runTTY(t, p, "init", "--dir", dir); r.code != 0 || !strings.Contains(r.stdout, "kept: .dockerignore: kept, as you chose") ||
		read(t, dir, ".dockerignore") != ownIgnores {
		t.Errorf("keeping a differing file: exit %d, want 0 with the choice reported\n%s", r.code, r.stdout)
	}
}
