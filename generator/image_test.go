package generator_test

import (
	"strings"
	"testing"

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
			func(t *testing.T, res *generator.Result) {
				want(t, "builder tag known", res.Data.BuilderTagKnown, true)
			})},
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
