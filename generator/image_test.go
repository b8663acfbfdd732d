package generator_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"gopkg.in/yaml.v3"

	"github.com/phxdeploy/phxdeploy/generator"
)

// The image phxdeploy's Dockerfile builds (issue 12): a builder tag that exists, chosen from the
// table of known hexpm/elixir tags, and a runner of the same Debian image. Each is a golden
// scenario too (validated, applied, run twice).

// noWarning fails when a warning mentions part.
func noWarning(part string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		if hasWarning(res, part) {
			t.Errorf("a warning mentions %q: %q", part, res.Report.Warnings)
		}
	}
}

func wantNotInFile(path, part string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		if c := changed(res, path); c == nil || strings.Contains(string(c.Content), part) {
			t.Errorf("%s contains %q (or is not written)", path, part)
		}
	}
}

var tini = []string{"/usr/bin/tini", "-s", "--"}

// stageCommands reads, with BuildKit's parser, what each stage runs: its ENTRYPOINT and CMD
// (inherited from the stage it is built FROM), and the packages apt-get installs in it.
func stageCommands(t *testing.T, dockerfile []byte) map[string][3][]string {
	t.Helper()
	ast, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][3][]string{} // stage -> entrypoint, cmd, installed packages
	for _, st := range stages {
		cur := out[st.BaseName]
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.EntrypointCommand:
				cur[0], cur[1] = c.CmdLine, nil
			case *instructions.CmdCommand:
				cur[1] = c.CmdLine
			case *instructions.RunCommand:
				if line := strings.Join(c.CmdLine, " "); strings.Contains(line, "apt-get install") {
					cur[2] = append(slices.Clone(cur[2]), strings.Fields(line)...)
				}
			}
		}
		out[st.Name] = cur
	}
	return out
}

// wantInit checks that every command the image runs goes through tini: the server in the runner
// (and the Fly volume stage), and migrations in Compose, which give a command, not an
// entrypoint. Fly's release_command runs through the image's ENTRYPOINT too.
func wantInit(stages ...string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		df := changed(res, "Dockerfile")
		if df == nil {
			t.Fatal("no Dockerfile written")
		}
		cmds := stageCommands(t, df.Content)
		for _, st := range stages {
			c, ok := cmds[st]
			if !ok {
				t.Errorf("no stage %q", st)
				continue
			}
			if !slices.Equal(c[0], tini) || len(c[1]) == 0 {
				t.Errorf("stage %s runs ENTRYPOINT %q CMD %q; want %q before a command", st, c[0], c[1], tini)
			}
			if !slices.Contains(c[2], "tini") {
				t.Errorf("stage %s does not install tini: %q", st, c[2])
			}
		}
		compose := changed(res, "compose.yaml")
		if compose == nil || !res.Data.Ecto {
			return
		}
		var doc struct {
			Services map[string]struct {
				Entrypoint []string `yaml:"entrypoint"`
				Command    []string `yaml:"command"`
			} `yaml:"services"`
		}
		if err := yaml.Unmarshal(compose.Content, &doc); err != nil {
			t.Fatal(err)
		}
		m := doc.Services["migrate"]
		if len(m.Entrypoint) > 0 || !slices.Equal(m.Command, res.Data.MigrateCommand) {
			t.Errorf("compose's migrate service has entrypoint %q, command %q; want the command %q under the image's tini", m.Entrypoint, m.Command, res.Data.MigrateCommand)
		}
	}
}

var imageScenarios = []scenario{
	// .tool-versions pins Elixir 1.18.4 and OTP 28.0.2: the newest known tag is on trixie, and the
	// runner is the Debian image of the same date, both fully qualified for Podman.
	{name: "image_tag_from_the_table", fixture: "phx18_postgres", answers: map[string]string{"target": "docker"},
		facts: contractFacts(
			wantFile("Dockerfile", "ARG DEBIAN_VERSION=trixie-20260223-slim\n"),
			wantFile("Dockerfile", `ARG BUILDER_IMAGE="docker.io/hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}"`),
			wantFile("Dockerfile", `ARG RUNNER_IMAGE="docker.io/library/debian:${DEBIAN_VERSION}"`),
			wantFile("Dockerfile", "The builder tag is one phxdeploy knows exists"),
			wantFile("compose.yaml", "image: docker.io/library/postgres:17\n"),
			wantNotInFile("Dockerfile", "UNVERIFIED"),
			noWarning("hexpm/elixir"),
			wantInit("runner"),
			func(t *testing.T, res *generator.Result) {
				want(t, "builder tag known", res.Data.BuilderTagKnown, true)
			})},
	// SQLite on Fly: the stage that hands the volume to the app user runs under tini too.
	{name: "image_init_in_the_fly_volume_stage", fixture: "phx18_sqlite", answers: map[string]string{"target": "fly,docker"},
		facts: contractFacts(wantInit("fly", "runner"))},
	// Versions the table does not know: the built-in Debian image, a warning by name, and a
	// Dockerfile that says its tag is unverified.
	{name: "image_tag_unknown", fixture: "phx18_postgres", answers: map[string]string{"target": "docker"},
		mutate: withFile(".tool-versions", "elixir 1.16.3-otp-26\nerlang 26.2.5.6\n"),
		facts: contractFacts(
			wantWarning("no known hexpm/elixir tag for Elixir 1.16.3 with OTP 26.2.5.6: check https://hub.docker.com/r/hexpm/elixir/tags"),
			wantFile("Dockerfile", "UNVERIFIED: phxdeploy knows no such builder tag"),
			wantFile("Dockerfile", "ARG DEBIAN_VERSION=trixie-20260610-slim\n"),
			func(t *testing.T, res *generator.Result) {
				want(t, "builder tag known", res.Data.BuilderTagKnown, false)
			})},
	// A Debian image given for versions the table knows, but not with that image.
	{name: "image_debian_not_known", fixture: "phx18_postgres",
		answers: map[string]string{"target": "docker", "debian-version": "bookworm-20250101-slim"},
		facts: contractFacts(
			wantWarning("hexpm/elixir:1.18.4-erlang-28.0.2-debian-bookworm-20250101-slim is not a known tag"),
			wantWarning("--debian-version trixie-20260223-slim"),
			wantFile("Dockerfile", "UNVERIFIED"),
			wantFile("Dockerfile", "ARG DEBIAN_VERSION=bookworm-20250101-slim\n"))},
	// No assets/ to build, but static files in priv/static: they are digested, and the
	// .dockerignore keeps priv/static/assets (nothing in the image would rebuild it).
	{name: "image_static_files_without_assets", fixture: "phx18_noecto", answers: map[string]string{"target": "docker"},
		mutate: both(without("assets"), withFile("priv/static/assets/app.css", "body { margin: 0 }\n")),
		facts: contractFacts(
			wantFile("Dockerfile", "RUN mix compile\n\n# No assets/ to build: the files in priv/static are digested for cache_static_manifest.\nRUN mix phx.digest\n"),
			wantNotInFile(".dockerignore", "priv/static/assets"),
			wantFile(".dockerignore", "**/priv/static/cache_manifest.json"),
			func(t *testing.T, res *generator.Result) {
				want(t, "priv/static", res.Project.PrivStatic, true)
				want(t, "assets", res.Project.Assets, false)
			})},
	// Neither assets/ nor priv/static: nothing to digest.
	{name: "image_no_static_files", fixture: "phx18_noecto", answers: map[string]string{"target": "docker"},
		mutate: without("assets", "priv/static"),
		facts: contractFacts(
			wantNotInFile("Dockerfile", "phx.digest"),
			func(t *testing.T, res *generator.Result) {
				want(t, "priv/static", res.Project.PrivStatic, false)
			})},
}

func init() { scenarios = append(scenarios, imageScenarios...) }

// TestKeptDockerfileKeepsItsEntrypoint: the project's own Dockerfile has its own ENTRYPOINT:
// Compose replaces it to migrate, and phxdeploy adds no init to an image it does not write. (Not
// a golden scenario: those require a second run to find only identical files, and the kept
// Dockerfile is reported as kept.)
func TestKeptDockerfileKeepsItsEntrypoint(t *testing.T) {
	dir := scenarioDir(t, scenario{fixture: "phx18_postgres", mutate: withFile("Dockerfile", `FROM docker.io/hexpm/elixir:1.18.4-erlang-28.0.2-debian-bookworm-20250630-slim AS build
WORKDIR /app
ENV MIX_ENV=prod
COPY . .
RUN mix local.hex --force && mix local.rebar --force && mix deps.get --only prod && mix release

FROM docker.io/library/debian:bookworm-20250630-slim
WORKDIR /srv
COPY --from=build /app/_build/prod/rel/shop ./
USER 10001
ENTRYPOINT ["/srv/bin/shop"]
CMD ["start"]
`)})
	res := dryRun(t, dir, map[string]string{"target": "docker"})
	if len(res.Data.ImageInit) != 0 || !res.Data.KeptImage {
		t.Errorf("kept image %v, init %q; want no init for an image phxdeploy does not write", res.Data.KeptImage, res.Data.ImageInit)
	}
	var doc struct {
		Services map[string]map[string]any `yaml:"services"`
	}
	compose := changed(res, "compose.yaml")
	if compose == nil {
		t.Fatal("no compose.yaml")
	}
	if err := yaml.Unmarshal(compose.Content, &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Services["migrate"]
	if _, ok := m["command"]; ok || m["entrypoint"] == nil || !strings.HasPrefix(res.Data.MigrateCommand[0], "/srv/bin/") {
		t.Errorf("migrate: %v; want the entrypoint replaced with %q", m, res.Data.MigrateCommand)
	}
}

// A kept Dockerfile in forms BuildKit reads that phxdeploy's first reader did not: a quoted ARG
// default (the quotes are not part of the path), the release built in a RUN here-document after
// COPY . ., and a "# check=" comment before an instruction (BuildKit's instruction parser, given
// no linter, crashed phxdeploy there).
func TestKeptDockerfileReadAsBuildKitReadsIt(t *testing.T) {
	dir := scenarioDir(t, scenario{fixture: "phx18_postgres", mutate: withFile("Dockerfile", `# syntax=docker/dockerfile:1
ARG APP_DIR="/srv/app"
FROM docker.io/hexpm/elixir:1.18.4-erlang-28.0.2-debian-bookworm-20250630-slim AS build
WORKDIR /app
ENV MIX_ENV=prod
COPY . .
RUN <<EOF
mix local.hex --force && mix local.rebar --force
mix deps.get --only prod
mix release
EOF

FROM docker.io/library/debian:bookworm-20250630-slim
ARG APP_DIR
WORKDIR ${APP_DIR}
COPY --from=build /app/_build/prod/rel/shop ./
USER 10001
# check=skip=JSONArgsRecommended
CMD ["/srv/app/bin/server"]
`)})
	res := dryRun(t, dir, map[string]string{"target": "docker"})
	img := res.Report.Deployment.Image
	if img == nil || img.ReleaseDir != "/srv/app" || strings.Join(img.Migrate, " ") != "/srv/app/bin/migrate" {
		t.Errorf("deployment contract: image %+v; want the release in /srv/app, migrating with its bin/migrate", img)
	}
	if hasWarning(res, "Dockerfile") {
		t.Errorf("warnings: %q", res.Report.Warnings)
	}
}
