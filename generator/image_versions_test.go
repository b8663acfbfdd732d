package generator_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/answers"
)

// Versions as real apps pin them (school_house, pinchflat): without a patch, in a Dockerfile
// beside .tool-versions, in a Dockerfile below the root. The builder's Elixir and Erlang/OTP
// always run together; each version says where it was read.

// schoolHouseImage is school_house's Dockerfile: its ARGs pin what .tool-versions pins without
// a patch (elixir 1.15, erlang 25.0), and the Debian image.
const schoolHouseImage = `ARG ELIXIR_VERSION=1.15.8
ARG OTP_VERSION=25.0.4
ARG DEBIAN_VERSION=bullseye-20240722-slim

ARG BUILDER_IMAGE="hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}"
ARG RUNNER_IMAGE="debian:${DEBIAN_VERSION}"

FROM ${BUILDER_IMAGE} AS builder
WORKDIR /app
ENV MIX_ENV=prod
COPY mix.exs mix.lock ./
RUN mix deps.get --only prod
COPY config config
COPY lib lib
COPY priv priv
COPY rel rel
RUN mix release

FROM ${RUNNER_IMAGE}
WORKDIR /app
COPY --from=builder --chown=nobody:root /app/_build/prod/rel/shop ./
USER nobody
CMD ["/app/bin/server"]
`

// selfhostedImage is pinchflat's docker/selfhosted.Dockerfile, by its version ARGs.
const selfhostedImage = `ARG ELIXIR_VERSION=1.18.4
ARG OTP_VERSION=27.2.4
ARG DEBIAN_VERSION=bookworm-20250428-slim

ARG BUILDER_IMAGE="hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}"
FROM ${BUILDER_IMAGE} AS builder
`

var versionScenarios = []scenario{
	// .tool-versions pins Elixir 1.15 and OTP 25.0; the project's own Dockerfile builds 1.15.8
	// on 25.0.4 and bullseye: those are the builder's versions, each with its line.
	{name: "versions_of_the_kept_dockerfile", fixture: "phx18_postgres", answers: map[string]string{"target": "fly"},
		mutate: both(withFile(".tool-versions", "elixir 1.15\nerlang 25.0\n"), withFile("Dockerfile", schoolHouseImage)),
		facts: contractFacts(
			wantAnswer("elixir-version", "1.15.8", "detected: Dockerfile:1"),
			wantAnswer("otp-version", "25.0.4", "detected: Dockerfile:2"),
			wantAnswer("debian-version", "bullseye-20240722-slim", "detected: Dockerfile:3"),
			wantKept("Dockerfile"),
			noWarning("pins Elixir"))},
	// Elixir without a patch and nothing to complete it: the newest 1.16 the table knows, with a
	// tag for OTP 26.2.5, and a warning that names the pin.
	{name: "versions_without_a_patch", fixture: "phx18_postgres", answers: map[string]string{"target": "docker"},
		mutate: withFile(".tool-versions", "elixir 1.16\nerlang 26.2.5\n"),
		facts: contractFacts(
			wantAnswer("elixir-version", "1.16.3", "detected: .tool-versions:1, the newest 1.16 release phxdeploy knows"),
			wantAnswer("otp-version", "26.2.5", "detected: .tool-versions:2"),
			wantWarning(".tool-versions:1 pins Elixir 1.16 without a patch: the builder uses 1.16.3"),
			wantFile("Dockerfile", "ARG ELIXIR_VERSION=1.16.3\n", "ARG OTP_VERSION=26.2.5\n", "ARG DEBIAN_VERSION=bookworm-20240612-slim\n"),
			wantNotInFile("Dockerfile", "UNVERIFIED"))},
	// A Dockerfile below the root (pinchflat's docker/selfhosted.Dockerfile) pins all three:
	// phxdeploy's Dockerfile builds on the same tag, which exists (the project builds on it)
	// though the table does not list it.
	{name: "versions_of_a_dockerfile_below_the_root", fixture: "phx18_postgres", answers: map[string]string{"target": "docker"},
		mutate: both(without(".tool-versions"), withFile("docker/selfhosted.Dockerfile", selfhostedImage)),
		facts: contractFacts(
			wantAnswer("elixir-version", "1.18.4", "detected: docker/selfhosted.Dockerfile:1"),
			wantAnswer("otp-version", "27.2.4", "detected: docker/selfhosted.Dockerfile:2"),
			wantAnswer("debian-version", "bookworm-20250428-slim", "detected: docker/selfhosted.Dockerfile:3"),
			wantNotInFile("Dockerfile", "UNVERIFIED"),
			noWarning("hexpm/elixir"),
			func(t *testing.T, res *generator.Result) {
				want(t, "builder tag known", res.Data.BuilderTagKnown, true)
			})},
}

func init() { scenarios = append(scenarios, versionScenarios...) }

// TestIncompatibleVersions: an Elixir is never proposed for an Erlang/OTP it does not run on,
// and a pair that does not run together (given, saved or pinned) is refused with both sources;
// a pin phxdeploy cannot complete is a required answer that says why.
func TestIncompatibleVersions(t *testing.T) {
	run := func(toolVersions string, given map[string]string) (*generator.Result, error) {
		dir := scenarioDir(t, scenario{fixture: "phx18_postgres", mutate: withFile(".tool-versions", toolVersions)})
		return generator.Run(context.Background(), generator.Request{Dir: dir, DryRun: true, Given: given}, nil)
	}
	docker := map[string]string{"target": "docker"}
	// OTP 25 alone: not the built-in Elixir (1.19 runs on 26 to 28), the newest that runs on 25.
	res, err := run("erlang 25.3.2\n", docker)
	if err != nil {
		t.Fatal(err)
	}
	want(t, "elixir", res.Values.String("elixir-version"), "1.18.4")
	// A whole Elixir alone: an OTP it runs on.
	res, err = run("elixir 1.16.3\n", docker)
	if err != nil {
		t.Fatal(err)
	}
	want(t, "otp", res.Values.String("otp-version"), "26.2.5")
	// A pair that does not run together.
	_, err = run("elixir 1.19.5\nerlang 25.0\n", docker)
	var usage *answers.UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "Elixir 1.19.5 (detected: .tool-versions:1) does not run on Erlang/OTP 25.0 (detected: .tool-versions:2): Elixir 1.19 supports OTP 26 to 28") {
		t.Errorf("want the pair refused with both sources, got %v", err)
	}
	_, err = run("elixir 1.18.4\nerlang 28.0.2\n", map[string]string{"target": "docker", "otp-version": "24.3"})
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "Erlang/OTP 24.3 (flag)") {
		t.Errorf("want --otp-version 24.3 refused, got %v", err)
	}
	// A pin without a patch that the table cannot complete.
	_, err = run("elixir 1.12\nerlang 24.3\n", docker)
	var missing *answers.MissingError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "--elixir-version is required") || !strings.Contains(err.Error(), ".tool-versions:1 pins Elixir 1.12 without a patch") {
		t.Errorf("want --elixir-version required with the reason, got %v", err)
	}
}
