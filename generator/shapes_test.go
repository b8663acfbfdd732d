package generator_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// Shapes of real, years-old Phoenix apps (issue 10), each a small change to a fixture that
// reproduces one pattern. Each asserts what phxdeploy read from the code and is a golden
// scenario: applied, validated with the platforms' tools, checked for modules that do not exist
// and probes that are not served, and run twice.

// replaced rewrites old to new in every file of the copy (contents only).
func replaced(old, new string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, []byte(strings.ReplaceAll(string(b), old, new)), 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func want[T comparable](t *testing.T, what string, got, wanted T) {
	t.Helper()
	if got != wanted {
		t.Errorf("%s = %v, want %v", what, got, wanted)
	}
}

func changed(res *generator.Result, path string) *generator.Change {
	for i := range res.Changes {
		if res.Changes[i].Path == path {
			return &res.Changes[i]
		}
	}
	return nil
}

func hasWarning(res *generator.Result, part string) bool {
	return slices.ContainsFunc(res.Report.Warnings, func(w string) bool { return strings.Contains(w, part) })
}

var shapeScenarios = []scenario{
	{name: "shape_web_module_namespaced", fixture: "phx18_postgres", mutate: replaced("ShopWeb", "Shop.Web"),
		answers: allTargets, facts: func(t *testing.T, res *generator.Result) {
			p := res.Project
			want(t, "router", p.Router, "Shop.Web.Router")
			want(t, "endpoint", p.Endpoint, "Shop.Web.Endpoint")
			want(t, "web module", p.WebModule, "Shop.Web")
			want(t, "health module", res.Data.HealthModule, "Shop.Web.Health")
		}},
	{name: "shape_web_module_acronym", fixture: "phx17_postgres", mutate: replaced("ShopWeb", "ShopAPIWeb"),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "router", res.Project.Router, "ShopAPIWeb.Router")
			want(t, "health module", res.Data.HealthModule, "ShopAPIWeb.Health")
		}},
	{name: "shape_repo_elsewhere_and_one_not_started", fixture: "phx18_postgres",
		mutate: both(replaced("Shop.Repo", "Shop.Storage.Repo"),
			edited("config/config.exs", "ecto_repos: [Shop.Storage.Repo]", "ecto_repos: [Shop.Storage.Repo, Shop.Archive.Repo]"),
			withFile("lib/shop/archive_repo.ex", "defmodule Shop.Archive.Repo do\n  use Ecto.Repo, otp_app: :shop, adapter: Ecto.Adapters.Postgres\nend\n")),
		answers: map[string]string{"target": "k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"},
		facts: func(t *testing.T, res *generator.Result) {
			want(t, "repos", strings.Join(res.Project.Repos, " "), "Shop.Storage.Repo Shop.Archive.Repo")
			want(t, "started repos", strings.Join(res.Project.StartedRepos, " "), "Shop.Storage.Repo")
			if c := changed(res, "lib/shop_web/health.ex"); c == nil || !strings.Contains(string(c.Content), "@repos [Shop.Storage.Repo]") {
				t.Error("the readiness check must ask only the repo the application starts")
			}
		}},
	{name: "shape_release_module_of_its_own", fixture: "phx18_postgres",
		mutate: withFile("lib/release.ex", `defmodule Shop.Release.Tasks do
  @moduledoc "Migrations with the team's own lock."
  @app :shop

  def migrate do
    Application.load(@app)

    for repo <- Application.fetch_env!(@app, :ecto_repos) do
      {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))
    end
  end
end
`),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "release module", res.Project.ReleaseModule, "Shop.Release.Tasks")
			if changed(res, "lib/shop/release.ex") != nil {
				t.Error("a second release module was written")
			}
			if c := changed(res, "rel/overlays/bin/migrate"); c == nil || !strings.Contains(string(c.Content), "eval Shop.Release.Tasks.migrate") {
				t.Error("bin/migrate does not call the project's own migrate")
			}
		}},
	{name: "shape_health_route_under_a_scope", fixture: "phx18_postgres",
		mutate:  edited("lib/shop_web/router.ex", "  # Other scopes may use custom stacks.", "  scope \"/api\", ShopWeb do\n    pipe_through :api\n\n    get \"/ping\", PingController, :show\n  end\n\n  # Other scopes may use custom stacks."),
		answers: map[string]string{"target": "fly,k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"},
		facts: func(t *testing.T, res *generator.Result) {
			want(t, "existing health path", res.Project.ExistingHealthPath, "/api/ping")
			if c := changed(res, "fly.toml"); c == nil || !strings.Contains(string(c.Content), `path = "/api/ping"`) {
				t.Error("fly.toml does not probe /api/ping")
			}
		}},
	{name: "shape_health_route_behind_authentication", fixture: "phx18_postgres",
		mutate:  edited("lib/shop_web/router.ex", "  # Other scopes may use custom stacks.", "  pipeline :admin do\n    plug ShopWeb.RequireAdmin\n  end\n\n  scope \"/\", ShopWeb do\n    pipe_through [:browser, :admin]\n\n    get \"/health\", AdminController, :health\n  end\n\n  # Other scopes may use custom stacks."),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "existing health path", res.Project.ExistingHealthPath, "")
			want(t, "phxdeploy adds its own", res.Data.HealthController, true)
		}},
	{name: "shape_health_plug_in_the_endpoint", fixture: "phx18_postgres",
		mutate:  edited("lib/shop_web/endpoint.ex", "  plug Plug.Static,", "  plug ShopWeb.Healthz, path: \"/healthz\"\n\n  plug Plug.Static,"),
		answers: map[string]string{"target": "k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"},
		facts: func(t *testing.T, res *generator.Result) {
			want(t, "existing health path", res.Project.ExistingHealthPath, "/healthz")
			want(t, "phxdeploy adds its own", res.Data.HealthController, false)
		}},
	{name: "shape_force_ssl_in_prod_secret", fixture: "phx16_mysql",
		mutate: both(edited("config/prod.exs", "# Do not print debug messages in production", "import_config \"prod.secret.exs\"\n\n# Do not print debug messages in production"),
			withFile("config/prod.secret.exs", "import Config\n\nconfig :shop, ShopWeb.Endpoint,\n  force_ssl: [\n    hsts: true,\n    exclude: [\"localhost\"]\n  ]\n"),
			edited("mix.lock", `"bandit"`, `"plug": {:hex, :plug, "1.19.1", "0000000000000000000000000000000000000000000000000000000000000000", [:mix], [], "hexpm", "0000000000000000000000000000000000000000000000000000000000000000"},
  "bandit"`)),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "force_ssl file", res.Project.ForceSSLFile, "config/prod.secret.exs")
			if c := changed(res, "config/prod.secret.exs"); c == nil || c.Action != generator.Patch || !strings.Contains(string(c.Content), `paths: ["/health", "/health/live"]`) {
				t.Error("the health paths are not excluded where force_ssl is set")
			}
		}},
	{name: "shape_plug_ssl_in_the_endpoint", fixture: "phx18_noecto",
		mutate:  edited("lib/shop_web/endpoint.ex", "  plug Plug.Static,", "  plug Plug.SSL, rewrite_on: [:x_forwarded_proto]\n\n  plug Plug.Static,"),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "force_ssl", res.Project.ForceSSL, true)
			if c := changed(res, "fly.toml"); c == nil || !strings.Contains(string(c.Content), `X-Forwarded-Proto = "https"`) {
				t.Error("the Fly check does not send X-Forwarded-Proto past Plug.SSL")
			}
		}},
	{name: "shape_libcluster_strategy_package", fixture: "phx17_postgres",
		mutate: both(edited("mix.exs", `{:dns_cluster, "~> 0.1.1"}`, `{:libcluster_postgres, "~> 0.1"}`),
			edited("lib/shop/application.ex", "{DNSCluster, query: Application.get_env(:shop, :dns_cluster_query) || :ignore}", "{Cluster.Supervisor, [Application.get_env(:libcluster, :topologies, []), [name: Shop.ClusterSupervisor]]}")),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "libcluster", res.Project.Libcluster, true)
			want(t, "dns_cluster query", res.Data.DNSClusterQuery, false)
			if c := changed(res, "mix.exs"); c != nil && c.Action == generator.Patch {
				t.Error("dns_cluster was added beside libcluster_postgres")
			}
		}},
	{name: "shape_nodes_named_in_vm_args", fixture: "phx18_postgres",
		mutate:  withFile("rel/vm.args.eex", "-name <%= @release.name %>@127.0.0.1\n-setcookie shop\n"),
		answers: map[string]string{"target": "docker"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "own node names", res.Project.OwnNodeNames, true)
			if changed(res, "rel/env.sh.eex") != nil {
				t.Error("env.sh.eex written although vm.args names the nodes")
			}
		}},
	{name: "shape_elixir_1_10_releases_exs", fixture: "phx16_mysql",
		mutate: both(without("config/runtime.exs", "mise.toml"), withFile(".tool-versions", "elixir 1.10.4-otp-23\nerlang 23.3.4.20\n"),
			edited("mix.exs", `elixir: "~> 1.12"`, `elixir: "~> 1.10"`)),
		answers: map[string]string{"target": "docker"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "runtime config", res.Data.RuntimeConfig, "config/releases.exs")
			c := changed(res, "config/releases.exs")
			if c == nil || strings.Contains(string(c.Content), "config_env") {
				t.Error("releases.exs must not call config_env/0 (Elixir 1.11)")
			}
			want(t, "dns_cluster", res.Data.DNSClusterQuery, false)
			if h := changed(res, "lib/shop_web/health.ex"); h == nil || !strings.Contains(string(h.Content), "Logger.warn(") {
				t.Error("Elixir 1.10 has Logger.warn, not Logger.warning")
			}
		}},
	{name: "shape_two_endpoints", fixture: "phx18_noecto", endpoint: "ShopWeb.Endpoint",
		mutate:  withFile("lib/shop_web/admin_endpoint.ex", "defmodule ShopWeb.AdminEndpoint do\n  use Phoenix.Endpoint, otp_app: :shop\nend\n"),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "endpoint", res.Project.Endpoint, "ShopWeb.Endpoint")
			if !hasWarning(res, "ShopWeb.AdminEndpoint") {
				t.Error("the other endpoint is not mentioned")
			}
		}},
	{name: "shape_several_releases", fixture: "phx18_noecto",
		mutate:  edited("mix.exs", "      deps: deps()", "      deps: deps(),\n      releases: [shop: [], shop_worker: []]"),
		answers: map[string]string{"target": "docker"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "release", res.Project.Release, "shop")
			if !hasWarning(res, "several releases (shop, shop_worker)") {
				t.Error("choosing among several releases is not said")
			}
		}},
	{name: "shape_assets_with_pnpm", fixture: "phx18_noecto",
		mutate: both(without("assets/package-lock.json"), withFile("assets/pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
			withFile("assets/package.json", `{"name": "shop-assets", "private": true, "scripts": {"deploy": "vite build"}, "dependencies": {"alpinejs": "^3.14.9"}}`+"\n"),
			edited("mix.exs", "      \"assets.deploy\": [", "      \"assets.deploy.old\": [")),
		answers: map[string]string{"target": "docker"}, facts: func(t *testing.T, res *generator.Result) {
			c := changed(res, "Dockerfile")
			for _, line := range []string{"RUN npm install --global pnpm", "RUN pnpm --dir assets install --frozen-lockfile", "RUN pnpm --dir assets run deploy && mix phx.digest"} {
				if c == nil || !strings.Contains(string(c.Content), line) {
					t.Errorf("the Dockerfile lacks %q", line)
				}
			}
		}},
	{name: "shape_docker_compose_of_its_own", fixture: "phx18_postgres",
		mutate:  withFile("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n"),
		answers: map[string]string{"target": "docker"}, facts: func(t *testing.T, res *generator.Result) {
			if changed(res, "compose.yaml") != nil || changed(res, "compose.prod.yaml") == nil {
				t.Error("compose.yaml would shadow docker-compose.yml: compose.prod.yaml expected")
			}
		}},
	{name: "shape_fly_configs_elsewhere", fixture: "phx18_postgres",
		mutate:  withFile("fly/production.toml", "app = \"shop-production\"\nprimary_region = \"fra\"\n\n[http_service]\n  internal_port = 4000\n"),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			if changed(res, "fly.toml") != nil {
				t.Error("a root fly.toml was written although the project keeps fly/production.toml")
			}
			if c := changed(res, "fly/production.toml"); c == nil || c.Action != generator.Manual {
				t.Error("the kept Fly config is not reported")
			}
		}},
	{name: "shape_gitignore_hides_deploy", fixture: "phx18_postgres",
		mutate:  edited(".gitignore", "/_build/", "/_build/\ndeploy/"),
		answers: map[string]string{"target": "systemd", "host": "shop.example.com"}, facts: func(t *testing.T, res *generator.Result) {
			if !hasWarning(res, "deploy/systemd/shop.service is hidden by .gitignore (deploy/)") {
				t.Errorf("no warning about hidden files: %v", res.Report.Warnings)
			}
		}},
	{name: "shape_single_instance_docs", fixture: "phx18_postgres",
		mutate:  withFile("README.md", "# Shop\n\nRun only one instance: the scheduler keeps its state in memory.\n"),
		answers: map[string]string{"target": "k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"},
		facts: func(t *testing.T, res *generator.Result) {
			want(t, "replicas", res.Data.Replicas, 1)
			want(t, "clustering", res.Data.Clustering, false)
		}},
	{name: "shape_adapter_only_in_the_lock", fixture: "phx17_postgres",
		mutate: both(edited("mix.exs", `{:postgrex, ">= 0.0.0"}`, `{:fly_postgres, "~> 0.3"}`),
			edited("mix.lock", `"phoenix":`, `"postgrex": {:hex, :postgrex, "0.19.3", "0000000000000000000000000000000000000000000000000000000000000000", [:mix], [], "hexpm", "0000000000000000000000000000000000000000000000000000000000000000"},
  "phoenix":`)),
		answers: map[string]string{"target": "fly"}, facts: func(t *testing.T, res *generator.Result) {
			want(t, "database", res.Project.Database, "postgres")
		}},
}

func init() { scenarios = append(scenarios, shapeScenarios...) }

// TestSeveralEndpointsNeedAChoice: with two endpoints and no --endpoint, nothing is guessed.
func TestSeveralEndpointsNeedAChoice(t *testing.T) {
	dir := copyTree(t, filepath.Join("..", "testdata", "phx18_noecto"))
	withFile("lib/shop_web/admin_endpoint.ex", "defmodule ShopWeb.AdminEndpoint do\n  use Phoenix.Endpoint, otp_app: :shop\nend\n")(t, dir)
	_, err := generator.Run(context.Background(), generator.Request{Dir: dir, DryRun: true, Given: map[string]string{"target": "fly"}}, nil)
	var amb *project.AmbiguousError
	if !errors.As(err, &amb) || !strings.Contains(err.Error(), "--endpoint") || !strings.Contains(err.Error(), "ShopWeb.AdminEndpoint, ShopWeb.Endpoint") {
		t.Fatalf("want an error asking for --endpoint, got %v", err)
	}
}
