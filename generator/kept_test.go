package generator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
)

// Projects that keep their own deployment files: each kept file is reported as kept with what
// phxdeploy assumed, and every target either agrees with it or has a manual step on the file
// that names the target and the disagreement.

// flyLaunchEnvSh is the shape of the rel/env.sh.eex `fly launch` writes: everything
// unconditional, Fly's variables assumed.
const flyLaunchEnvSh = `#!/bin/sh
# configure node for distributed erlang with IPV6 support
export ERL_AFLAGS="-proto_dist inet6_tcp"
export ECTO_IPV6="true"
export DNS_CLUSTER_QUERY="${FLY_APP_NAME}.internal"
export RELEASE_DISTRIBUTION="name"
export RELEASE_NODE="${FLY_APP_NAME}-${FLY_IMAGE_REF##*-}@${FLY_PRIVATE_IP}"
`

// hostnameEnvSh names nodes after the host name, on a random distribution port.
const hostnameEnvSh = `#!/bin/sh
if [ -n "${FLY_APP_NAME:-}" ]; then
  export ERL_AFLAGS="-proto_dist inet6_tcp"
  export ECTO_IPV6=true
  export DNS_CLUSTER_QUERY="${FLY_APP_NAME}.internal"
  export RELEASE_NODE="${FLY_APP_NAME}@${FLY_PRIVATE_IP}"
else
  export RELEASE_DISTRIBUTION=name
  export RELEASE_NODE="<%= @release.name %>@$(hostname -f)"
fi
export ELIXIR_ERL_OPTIONS="-kernel inet_dist_listen_min 9100 inet_dist_listen_max 9100"
`

// rootImage runs the release as root from /app, and migrates in its own command (Claper's
// shape).
const rootImage = `FROM hexpm/elixir:1.18.4-erlang-27.3.4-debian-bookworm-20250520-slim AS builder
WORKDIR /app
ENV MIX_ENV=prod
COPY mix.exs mix.lock ./
RUN mix deps.get --only prod
COPY config config
COPY lib lib
COPY priv priv
RUN mix release

FROM debian:bookworm-20250520-slim
COPY --from=builder /app/_build/prod/rel/shop /app
EXPOSE 4000
WORKDIR "/app"
USER root
CMD ["sh", "-c", "/app/bin/shop eval Shop.Release.migrate && /app/bin/shop start"]
`

// optImage puts the release in /opt/app, copies rel/ before `mix release` (so phxdeploy's
// overlays are in it), runs as nobody and needs a build argument in FROM (logflare's shape).
const optImage = `ARG ELIXIR_IMAGE
FROM ${ELIXIR_IMAGE} AS builder
WORKDIR /build
ENV MIX_ENV=prod
COPY . .
RUN mix do deps.get, release

FROM debian:bookworm-slim
ARG APP_DIR=/opt/app
WORKDIR ${APP_DIR}
COPY --from=builder /build/_build/prod/rel/shop ./
USER nobody
EXPOSE 8080
ENTRYPOINT ["/opt/app/bin/shop"]
CMD ["start"]
`

// serverImage builds no release: it runs mix phx.server (glific's shape).
const serverImage = `FROM elixir:1.18
WORKDIR /app
COPY . .
RUN mix deps.get && mix compile
CMD mix phx.server
`

// suServer is a bin/server that drops privileges itself.
const suServer = `#!/bin/sh
cd -P -- "$(dirname -- "$0")"
chown -R app /data
exec su app -c "PHX_SERVER=true ./shop start"
`

func init() {
	scenarios = append(scenarios,
		scenario{name: "kept_env_sh_of_fly_launch", fixture: "phx18_postgres", answers: allTargets,
			mutate: withFile("rel/env.sh.eex", flyLaunchEnvSh),
			facts: keptFacts(
				wantKept("rel/env.sh.eex", "${FLY_APP_NAME}-${FLY_IMAGE_REF##*-}@${FLY_PRIVATE_IP}", "fixes no distribution port"),
				wantManual("rel/env.sh.eex", "docker", "ECTO_IPV6=true", "FLY_PRIVATE_IP", "inet6_tcp", "DNS_CLUSTER_QUERY"),
				wantManual("rel/env.sh.eex", "systemd", "ECTO_IPV6=true", "FLY_PRIVATE_IP", "random one"),
				wantManual("rel/env.sh.eex", "k8s", "ECTO_IPV6=true", "FLY_PRIVATE_IP", "NetworkPolicy admits only 9000"),
				wantNoManual("rel/env.sh.eex", "fly"),
			)},
		scenario{name: "kept_env_sh_by_host_name", fixture: "phx18_postgres", answers: allTargets,
			mutate: withFile("rel/env.sh.eex", hostnameEnvSh),
			facts: keptFacts(
				wantKept("rel/env.sh.eex", "port 9100"),
				func(t *testing.T, res *generator.Result) {
					if d := res.Report.Deployment.Distribution; d == nil || d.From != "the project's rel/env.sh.eex" || d.Port != 9100 {
						t.Errorf("deployment contract: distribution %+v, want the project's env.sh on port 9100", d)
					}
				},
				wantManual("rel/env.sh.eex", "k8s", "$(hostname -f)", "dns_cluster connects to <basename>@<pod IP>"),
				wantNoManual("rel/env.sh.eex", "fly"), wantNoManual("rel/env.sh.eex", "docker"), wantNoManual("rel/env.sh.eex", "systemd"),
				wantFile("deploy/k8s/networkpolicy.yaml", "port: 9100"),
			)},
		scenario{name: "kept_dockerfile_running_as_root", fixture: "phx18_postgres",
			answers: with(allTargets, "target", "fly,docker,k8s"),
			mutate:  withFile("Dockerfile", rootImage),
			facts: keptFacts(
				wantKept("Dockerfile", "the release is in /app", "runs as root", "migrations also run at every start"),
				wantFile("fly.toml", `release_command = "/app/bin/shop eval Shop.Release.migrate"`),
				wantFile("compose.yaml", `entrypoint: ["/app/bin/shop","eval","Shop.Release.migrate"]`),
				wantFile("deploy/k8s/deployment.yaml", `command: ["/app/bin/shop","eval","Shop.Release.migrate"]`),
				wantNoManual("Dockerfile", "fly"), wantNoManual("Dockerfile", "docker"), wantNoManual("Dockerfile", "k8s"),
			)},
		scenario{name: "kept_dockerfile_in_opt_app", fixture: "phx18_postgres",
			answers: with(allTargets, "target", "fly,docker,k8s"),
			mutate:  withFile("Dockerfile", optImage),
			facts: keptFacts(
				wantKept("Dockerfile", "the release is in /opt/app", "uid 65534", "ELIXIR_IMAGE"),
				func(t *testing.T, res *generator.Result) {
					img := res.Report.Deployment.Image
					if img == nil || img.From != "the project's Dockerfile" || img.ReleaseDir != "/opt/app" || img.UID != 65534 ||
						strings.Join(img.Migrate, " ") != "/opt/app/bin/migrate" || strings.Join(img.FlyReleaseCommand, " ") != "eval Shop.Release.migrate" ||
						strings.Join(img.Entrypoint, " ") != "/opt/app/bin/shop" || strings.Join(img.BuildArgs, " ") != "ELIXIR_IMAGE" {
						t.Errorf("deployment contract: image %+v", img)
					}
				},
				// its ENTRYPOINT is the release's script: Fly's release_command gives it arguments
				wantFile("fly.toml", `release_command = "eval Shop.Release.migrate"`),
				wantFile("compose.yaml", `entrypoint: ["/opt/app/bin/migrate"]`, `ELIXIR_IMAGE: "${ELIXIR_IMAGE:?`),
				wantFile("deploy/k8s/deployment.yaml", `command: ["/opt/app/bin/migrate"]`, "runAsUser: 65534"),
				wantStep("fly", `fly deploy --build-arg ELIXIR_IMAGE="${ELIXIR_IMAGE:?`),
				wantStep("k8s", `docker build --build-arg ELIXIR_IMAGE=`),
				wantNoManual("Dockerfile", "fly"), wantNoManual("Dockerfile", "docker"), wantNoManual("Dockerfile", "k8s"),
			)},
		scenario{name: "kept_dockerfile_without_release", fixture: "phx18_postgres",
			answers: with(allTargets, "target", "fly,docker,k8s"),
			mutate:  withFile("Dockerfile", serverImage),
			facts: keptFacts(
				wantKept("Dockerfile", "runs as root"),
				wantWarning("shell form"),
				wantManual("Dockerfile", "fly", "builds no Mix release"),
				wantManual("Dockerfile", "docker", "builds no Mix release"),
				wantManual("Dockerfile", "k8s", "builds no Mix release"),
			)},
		scenario{name: "kept_dockerfile_with_an_entrypoint_script", fixture: "phx18_postgres",
			answers: with(allTargets, "target", "fly,docker,k8s"),
			mutate:  withFile("Dockerfile", strings.Replace(rootImage, `CMD ["sh", "-c", "/app/bin/shop eval Shop.Release.migrate && /app/bin/shop start"]`, `ENTRYPOINT ["/app/entrypoint.sh"]`, 1)),
			facts: keptFacts(
				wantManual("Dockerfile", "fly", "ENTRYPOINT (/app/entrypoint.sh)"),
				wantNoManual("Dockerfile", "docker"), wantNoManual("Dockerfile", "k8s"),
				wantFile("compose.yaml", `entrypoint: ["/app/bin/shop","eval","Shop.Release.migrate"]`),
			)},
		// logflare's shape: the whole _build/prod is copied; the release directory is named after
		// the release, which is known only once mix.exs has been read.
		scenario{name: "kept_dockerfile_copying_build_prod", fixture: "phx18_postgres",
			answers: with(allTargets, "target", "docker"),
			mutate:  withFile("Dockerfile", strings.Replace(rootImage, "COPY --from=builder /app/_build/prod/rel/shop /app", "COPY --from=builder app/_build/prod /opt/app", 1)),
			facts: keptFacts(
				wantKept("Dockerfile", "the release is in /opt/app/rel/shop"),
				wantFile("compose.yaml", `entrypoint: ["/opt/app/rel/shop/bin/shop","eval","Shop.Release.migrate"]`),
			)},
		// Plausible Community Edition's shape: the release is built with MIX_ENV=ce, so
		// config_env() is :ce when it runs. The systemd build uses the same MIX_ENV and the
		// settings phxdeploy adds go in a block for :ce (a :prod block would never run). The
		// image declares a VOLUME it writes to: Kubernetes' read-only root gets an emptyDir there.
		scenario{name: "kept_dockerfile_building_another_env", fixture: "phx18_postgres", answers: with(allTargets, "target", "docker,systemd,k8s"),
			mutate: both(
				withFile("Dockerfile", strings.NewReplacer("ENV MIX_ENV=prod\n", "ARG MIX_ENV=ce\nENV MIX_ENV=$MIX_ENV\n", "RUN mix deps.get --only prod", "RUN mix deps.get --only $MIX_ENV",
					"COPY --from=builder /app/_build/prod/rel/shop /app", "ARG MIX_ENV=ce\nCOPY --from=builder /app/_build/${MIX_ENV}/rel/shop /app\nENV DATA_DIR=/var/lib/shop\nVOLUME $DATA_DIR /tmp/cache").Replace(rootImage)),
				edited("config/runtime.exs", `  config :shop, :dns_cluster_query, System.get_env("DNS_CLUSTER_QUERY")`+"\n", ""),
				edited("config/runtime.exs", "if config_env() == :prod do", "if config_env() in [:ce, :ce_test] do")),
			facts: keptFacts(
				wantKept("Dockerfile", "the release is in /app"),
				wantStep("systemd", "MIX_ENV=ce mix release"),
				wantFile("deploy/k8s/deployment.yaml", "- name: image-volume-1\n              mountPath: /var/lib/shop\n", "- name: image-volume-1\n          emptyDir: {}\n"),
				wantFile("config/runtime.exs", "\n  config :shop, :dns_cluster_query, System.get_env(\"DNS_CLUSTER_QUERY\")\nend\n"),
			)},
		// tv's shape: Fly's IPv6 settings in the image's ENV, the node name in env.sh.
		scenario{name: "kept_dockerfile_with_fly_settings_in_env", fixture: "phx18_postgres", answers: allTargets,
			mutate: both(
				withFile("Dockerfile", strings.Replace(rootImage, "EXPOSE 4000\n", "EXPOSE 4000\nENV ECTO_IPV6=\"true\"\nENV ERL_AFLAGS=\"-proto_dist inet6_tcp\"\n", 1)),
				withFile("rel/env.sh.eex", "#!/bin/sh\nexport RELEASE_DISTRIBUTION=name\nexport DNS_CLUSTER_QUERY=\"${FLY_APP_NAME}.internal\"\nexport RELEASE_NODE=$FLY_APP_NAME@$FLY_PRIVATE_IP\n")),
			facts: keptFacts(
				wantNoManual("rel/env.sh.eex", "fly"), // the image's ENV sets what Fly needs
				wantManual("Dockerfile", "docker", "ENV ECTO_IPV6=true", "inet6_tcp"),
				wantManual("Dockerfile", "k8s", "ENV ECTO_IPV6=true"),
				wantNoManual("Dockerfile", "fly"),
			)},
		// pinchflat's shape: SQLite without a POOL_SIZE read. phxdeploy adds one; the env
		// examples must name the default it wrote (5 for SQLite), or the second run differs.
		scenario{name: "sqlite_pool_size_added", fixture: "phx18_sqlite", answers: with(allTargets, "target", "docker,systemd"),
			mutate: edited("config/runtime.exs", ",\n    pool_size: String.to_integer(System.get_env(\"POOL_SIZE\") || \"5\")", ""),
			facts:  keptFacts(wantFile(".env.prod.example", "# POOL_SIZE=5\n"))},
		scenario{name: "kept_server_script_that_changes_user", fixture: "phx18_postgres", answers: allTargets,
			mutate: withFile("rel/overlays/bin/server", suServer),
			facts: keptFacts(
				wantKept("rel/overlays/bin/server", "every target runs"),
				wantManual("rel/overlays/bin/server", "systemd", "rel/overlays/bin/server:4 runs `su`"),
				wantManual("rel/overlays/bin/server", "k8s", "runs `su`"),
				wantManual("rel/overlays/bin/server", "docker", "runs `su`"),
				wantManual("rel/overlays/bin/server", "fly", "runs `su`"),
			)},
	)
}

func keptFacts(checks ...func(*testing.T, *generator.Result)) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		for _, c := range checks {
			c(t, res)
		}
	}
}

// wantKept: the file is reported kept, and the reason says each of what.
func wantKept(path string, what ...string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		for _, c := range res.Changes {
			if c.Path == path && c.Action == generator.Kept {
				for _, w := range what {
					if !strings.Contains(c.Reason, w) {
						t.Errorf("kept %s: the reason does not say %q:\n%s", path, w, c.Reason)
					}
				}
				return
			}
		}
		t.Errorf("%s is not reported kept", path)
	}
}

// manualFor is the manual step on path for target ("" when there is none).
func manualFor(res *generator.Result, path, target string) string {
	for _, c := range res.Changes {
		if c.Path == path && c.Action == generator.Manual && strings.HasPrefix(c.Reason, target+": ") {
			return c.Reason
		}
	}
	return ""
}

// wantManual: a manual step on path names the target and says each of what.
func wantManual(path, target string, what ...string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		reason := manualFor(res, path, target)
		if reason == "" {
			t.Errorf("no manual step on %s for %s", path, target)
			return
		}
		for _, w := range what {
			if !strings.Contains(reason, w) {
				t.Errorf("manual step on %s for %s does not say %q:\n%s", path, target, w, reason)
			}
		}
	}
}

func wantNoManual(path, target string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		if r := manualFor(res, path, target); r != "" {
			t.Errorf("%s agrees with %s, but a manual step says: %s", target, path, r)
		}
	}
}

// wantStep: a next step of target runs a command holding part.
func wantStep(target, part string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		for _, s := range res.Report.NextSteps {
			if s.Target == target && strings.Contains(s.Command, part) {
				return
			}
		}
		t.Errorf("no next step of %s runs %q", target, part)
	}
}

// TestKeptImageIPv6OnlyWhereRead: an image whose ENV sets ECTO_IPV6=true makes the repo use IPv6
// only where the release reads ECTO_IPV6; supabase/realtime's image sets it and nothing reads it
// (its repo's socket options come from DB_IP_VERSION), so no target gets a manual step for it.
func TestKeptImageIPv6OnlyWhereRead(t *testing.T) {
	sc := scenario{name: "ipv6_not_read", fixture: "phx18_postgres",
		mutate: both(
			withFile("Dockerfile", strings.Replace(rootImage, "EXPOSE 4000\n", "EXPOSE 4000\nENV ECTO_IPV6=\"true\"\n", 1)),
			edited("config/runtime.exs", `maybe_ipv6 = if System.get_env("ECTO_IPV6") in ~w(true 1), do: [:inet6], else: []`,
				`maybe_ipv6 = if System.get_env("DB_IP_VERSION") == "ipv6", do: [:inet6], else: [:inet]`))}
	res := dryRun(t, scenarioDir(t, sc), with(allTargets, "target", "docker,k8s"))
	for _, target := range []string{"docker", "k8s"} {
		if r := manualFor(res, "Dockerfile", target); strings.Contains(r, "ECTO_IPV6") {
			t.Errorf("%s: a manual step on ECTO_IPV6, which nothing reads: %s", target, r)
		}
	}
	for _, v := range res.Report.Environment {
		if v.Name == "ECTO_IPV6" {
			t.Errorf("ECTO_IPV6 is in the environment, so the release reads it: the test does not test what it says")
		}
	}
}

// TestForcedDockerfileKeepsTheBuildEnv: --force Dockerfile on a project whose Dockerfile builds
// MIX_ENV=ce writes phxdeploy's Dockerfile building ce too, the runtime config is read and
// patched for ce in the same run, and the next run (reading phxdeploy's Dockerfile) changes
// nothing. Before, phxdeploy's Dockerfile built prod while the contract was read for ce, and the
// second run changed six files.
func TestForcedDockerfileKeepsTheBuildEnv(t *testing.T) {
	var sc scenario
	for _, s := range scenarios {
		if s.name == "kept_dockerfile_building_another_env" {
			sc = s
		}
	}
	dir := scenarioDir(t, sc)
	given := with(allTargets, "target", "docker,systemd")
	res, err := generator.Run(context.Background(), generator.Request{Dir: dir, Given: given, DryRun: true, Forced: []string{"Dockerfile"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := changed(res, "Dockerfile"); c == nil || !strings.Contains(string(c.Content), "ENV MIX_ENV=ce") || !strings.Contains(string(c.Content), "/_build/ce/rel/") {
		t.Fatalf("phxdeploy's Dockerfile does not build ce: %v", c != nil && c.Content != nil)
	}
	if c := changed(res, "config/runtime.exs"); c != nil && strings.Contains(string(c.Content), "config_env() == :prod do") {
		t.Errorf("runtime.exs got a prod block:\n%s", c.Content)
	}
	wantStep("systemd", "MIX_ENV=ce mix release")(t, res)
	if _, err := generator.Run(context.Background(), generator.Request{Dir: dir, Given: given, Forced: []string{"Dockerfile"}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range dryRun(t, dir, given).Changes {
		// (the merge base of the replaced Dockerfile is the CLI's to write: Bookkeeping)
		if c.Action != generator.Identical && c.Action != generator.Manual && c.Action != generator.Kept && !c.Bookkeeping {
			t.Errorf("second run: %s %s", c.Action, c.Path)
		}
	}
}
