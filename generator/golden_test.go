package generator_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/buildctx"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/internal/lint"
	"github.com/phxdeploy/phxdeploy/internal/refcheck"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
	"github.com/phxdeploy/phxdeploy/internal/validate"
)

// scenario is a fixture project, an optional change to a copy of it, and the flags given.
type scenario struct {
	name     string
	fixture  string
	mutate   func(t *testing.T, dir string)
	answers  map[string]string
	endpoint string // --endpoint
	// facts checks what phxdeploy read from the project and decided (a shape's point).
	facts func(t *testing.T, res *generator.Result)
}

func without(paths ...string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		for _, p := range paths {
			if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// renamed rewrites the app name everywhere in a copy (file contents and paths), so that
// templates meet names far longer than the fixtures'.
func renamed(app, module string, then func(*testing.T, string)) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		var paths []string
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			paths = append(paths, p)
			if d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := strings.ReplaceAll(strings.ReplaceAll(string(b), "Shop", module), "shop", app)
			return os.WriteFile(p, []byte(s), 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
		// Rename deepest paths first so that parents still exist.
		for i := len(paths) - 1; i >= 0; i-- {
			base := filepath.Base(paths[i])
			if strings.Contains(base, "shop") {
				if err := os.Rename(paths[i], filepath.Join(filepath.Dir(paths[i]), strings.ReplaceAll(base, "shop", app))); err != nil {
					t.Fatal(err)
				}
			}
		}
		if then != nil {
			then(t, dir)
		}
	}
}

// edited replaces text in a file of the copy; the test fails if the text is not there.
func edited(file, old, new string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, file)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s does not contain %q", file, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// withFile replaces a file of the copy (creating it if needed).
func withFile(file, content string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// crlf converts files of the copy to CRLF line endings.
func crlf(files ...string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		for _, f := range files {
			p := filepath.Join(dir, f)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(b), "\n", "\r\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func renameFile(from, to string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
	}
}

func both(fs ...func(*testing.T, string)) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		for _, f := range fs {
			f(t, dir)
		}
	}
}

var allTargets = map[string]string{
	"target": "fly,docker,systemd,k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com",
}

func with(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// scenarios is the golden matrix: every target, for each database × {assets, no assets}, plus
// the 1.7 shape, an umbrella, and an older project without runtime.exs.
var scenarios = []scenario{
	{name: "postgres_assets", fixture: "phx18_postgres", answers: allTargets},
	{name: "postgres_no_assets", fixture: "phx18_postgres", mutate: without("assets"), answers: allTargets},
	{name: "mysql_assets", fixture: "phx16_mysql", answers: allTargets},
	{name: "mysql_no_assets", fixture: "phx16_mysql", mutate: without("assets"), answers: allTargets},
	{name: "sqlite_assets", fixture: "phx18_sqlite", answers: allTargets},
	{name: "sqlite_no_assets", fixture: "phx18_sqlite", mutate: without("assets"), answers: allTargets},
	{name: "no_ecto_assets_npm", fixture: "phx18_noecto", answers: allTargets},
	{name: "no_ecto_no_assets", fixture: "phx18_noecto", mutate: without("assets", "priv"), answers: allTargets},
	{name: "phx17_postgres", fixture: "phx17_postgres", answers: allTargets},
	{name: "umbrella", fixture: "umbrella17", answers: with(allTargets, "image", "registry.example.com/market:2.0.0", "host", "market.example.com")},
	{name: "no_runtime_exs", fixture: "phx16_mysql", mutate: without("config/runtime.exs"), answers: with(allTargets, "clustering", "false")},
	{name: "long_names", fixture: "phx16_mysql",
		mutate:  renamed("warehouse_inventory_management_platform", "WarehouseInventoryManagementPlatform", without("config/runtime.exs")),
		answers: with(allTargets, "name", "warehouse-inventory")},
	{name: "libcluster", fixture: "phx17_postgres",
		mutate: both(
			edited("mix.exs", `{:dns_cluster, "~> 0.1.1"}`, `{:libcluster, "~> 3.4"}`),
			edited("lib/shop/application.ex", "{DNSCluster, query: Application.get_env(:shop, :dns_cluster_query) || :ignore}",
				"{Cluster.Supervisor, [Application.get_env(:libcluster, :topologies, []), [name: Shop.ClusterSupervisor]]}")),
		answers: allTargets},
	{name: "umbrella_without_releases", fixture: "umbrella17",
		mutate:  edited("mix.exs", "      aliases: aliases(),\n      releases: [\n        market: [\n          applications: [market: :permanent, market_web: :permanent]\n        ]\n      ]\n", "      aliases: aliases()\n"),
		answers: map[string]string{"target": "docker"}},
	{name: "phx17_before_dns_cluster", fixture: "phx17_postgres",
		mutate: both(
			edited("mix.exs", "      {:dns_cluster, \"~> 0.1.1\"},\n", ""),
			edited("lib/shop/application.ex", "      {DNSCluster, query: Application.get_env(:shop, :dns_cluster_query) || :ignore},\n", ""),
			edited("config/runtime.exs", "\n  config :shop, :dns_cluster_query, System.get_env(\"DNS_CLUSTER_QUERY\")\n", "")),
		answers: map[string]string{"target": "fly"}},
	{name: "runtime_fetch_env_and_other_names", fixture: "phx16_mysql",
		mutate: both(
			withFile("config/runtime.exs", `import Config

fetch! = fn name -> System.fetch_env!(name) end

if System.get_env("PHX_SERVER") do
  config :shop, ShopWeb.Endpoint, server: true
end

if config_env() == :prod do
  config :shop, Shop.Repo,
    url: System.fetch_env!("APP_DATABASE_URL"),
    pool_size: String.to_integer(System.get_env("DB_POOL_SIZE", "10")),
    socket_options: if(System.get_env("DATABASE_INET6") == "true", do: [:inet6], else: [])

  config :shop, ShopWeb.Endpoint,
    url: [host: System.get_env("HOST"), port: 443, scheme: "https"],
    http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}, port: String.to_integer(System.get_env("PHX_HTTP_PORT", "4000"))],
    secret_key_base: fetch!.("SECRET_KEY_BASE")

  config :shop, :dns_cluster_query, System.get_env("CLUSTER_DNS")
end
`)),
		answers: map[string]string{"target": "k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"}},
	{name: "children_joined_with_workers", fixture: "phx18_postgres",
		mutate: both(
			edited("mix.exs", "      {:dns_cluster, \"~> 0.2.0\"},\n", ""),
			edited("config/runtime.exs", "  config :shop, :dns_cluster_query, System.get_env(\"DNS_CLUSTER_QUERY\")\n\n", ""),
			withFile("lib/shop/application.ex", `defmodule Shop.Application do
  @moduledoc false

  use Application

  @impl true
  def start(_type, _args) do
    children =
      [
        ShopWeb.Telemetry,
        Shop.Repo,
        # the PubSub system
        {Phoenix.PubSub, name: Shop.PubSub},
        ShopWeb.Endpoint
      ] ++ workers()

    Supervisor.start_link(children, strategy: :one_for_one, name: Shop.Supervisor)
  end

  defp workers do
    case Application.get_env(:shop, :role) do
      :worker -> [Shop.Worker]
      _ -> []
    end
  end
end
`)),
		answers: map[string]string{"target": "fly"}},
	{name: "anchors_in_comments_and_heredocs", fixture: "phx16_mysql",
		mutate: both(
			edited("mix.exs", "  defp deps do\n    [\n", "  defp deps do\n    # {:dns_cluster, \"~> 0.2.0\"} -- one day\n    [\n"),
			edited("lib/shop/application.ex", "      # Start the Ecto repository\n", "      # {DNSCluster, query: Application.get_env(:shop, :dns_cluster_query) || :ignore},\n      # Start the Ecto repository\n"),
			edited("lib/shop_web/router.ex", "  use ShopWeb, :router\n", "  use ShopWeb, :router\n\n  @moduledoc \"\"\"\n  Routes. Health checks used to live here:\n\n      scope \"/health\", ShopWeb do\n        get \"/\", HealthController, :readiness\n      end\n  \"\"\"\n"),
			edited("config/runtime.exs", "import Config\n", "import Config\n\n_notes = \"\"\"\nif config_env() == :prod do\n  config :shop, :dns_cluster_query, System.get_env(\"DNS_CLUSTER_QUERY\")\nend\n\"\"\"\n")),
		answers: map[string]string{"target": "fly"}},
	{name: "crlf_files", fixture: "phx16_mysql",
		mutate:  crlf("config/runtime.exs", "mix.exs", "lib/shop/application.ex", "lib/shop_web/router.ex"),
		answers: map[string]string{"target": "fly"}},
	{name: "runtime_without_prod_block", fixture: "phx18_noecto",
		mutate:  withFile("config/runtime.exs", "import Config\n\nif System.get_env(\"PHX_SERVER\") do\n  config :shop, ShopWeb.Endpoint, server: true\nend\n"),
		answers: map[string]string{"target": "docker"}},
	{name: "force_ssl_plug_1_19", fixture: "phx18_postgres",
		mutate:  edited("mix.lock", `:plug, "1.18.1"`, `:plug, "1.19.0"`),
		answers: map[string]string{"target": "fly"}},
	{name: "force_ssl_old_host_list", fixture: "phx16_mysql",
		mutate: both(
			edited("mix.lock", `"bandit"`, `"plug": {:hex, :plug, "1.19.1", "0000000000000000000000000000000000000000000000000000000000000000", [:mix], [], "hexpm", "0000000000000000000000000000000000000000000000000000000000000000"},
  "bandit"`),
			edited("config/prod.exs", `config :shop, ShopWeb.Endpoint, cache_static_manifest: "priv/static/cache_manifest.json"`,
				`config :shop, ShopWeb.Endpoint,
  cache_static_manifest: "priv/static/cache_manifest.json",
  force_ssl: [hsts: true, exclude: ["localhost", "shop.internal"]]`)),
		answers: map[string]string{"target": "k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"}},
	{name: "existing_health_check", fixture: "phx18_postgres",
		mutate:  edited("lib/shop_web/router.ex", "    get \"/\", PageController, :home\n", "    get \"/\", PageController, :home\n    get \"/healthz\", PageController, :healthz\n"),
		answers: map[string]string{"target": "fly,k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"}},
	{name: "env_sh_of_the_user", fixture: "phx18_postgres",
		mutate:  withFile("rel/env.sh.eex", "#!/bin/sh\n# the team's own settings\nexport ERL_MAX_PORTS=65536\n"),
		answers: map[string]string{"target": "docker"}},
	{name: "env_sh_names_nodes_itself", fixture: "phx18_postgres",
		mutate:  withFile("rel/env.sh.eex", "#!/bin/sh\nexport RELEASE_DISTRIBUTION=name\nexport RELEASE_NODE=<%= @release.name %>@$(hostname -i)\n"),
		answers: map[string]string{"target": "docker"}},
	{name: "releases_exs_of_elixir_1_9", fixture: "phx16_mysql",
		mutate:  renameFile("config/runtime.exs", "config/releases.exs"),
		answers: map[string]string{"target": "docker"}},
	{name: "fly_only", fixture: "phx18_postgres", answers: map[string]string{"target": "fly"}},
	// A new runtime.exs configures the repo :ecto_repos names, not <Base>.Repo.
	{name: "no_runtime_exs_repo_elsewhere", fixture: "phx16_mysql",
		mutate: both(without("config/runtime.exs"),
			edited("config/config.exs", "ecto_repos: [Shop.Repo]", "ecto_repos: [Shop.Repo.Main]"),
			edited("config/dev.exs", "config :shop, Shop.Repo,", "config :shop, Shop.Repo.Main,"),
			edited("config/test.exs", "config :shop, Shop.Repo,", "config :shop, Shop.Repo.Main,"),
			edited("lib/shop/repo.ex", "defmodule Shop.Repo do", "defmodule Shop.Repo.Main do"),
			edited("lib/shop/application.ex", "      Shop.Repo,", "      Shop.Repo.Main,")),
		answers: map[string]string{"target": "docker"}},
	// An Ingress with TLS, in a namespace of its own on a cluster with its own DNS domain.
	{name: "k8s_ingress", fixture: "phx18_postgres",
		answers: map[string]string{"target": "k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com",
			"ingress-class": "nginx", "namespace": "shop-staging", "cluster-domain": "k8s.example"}},
}

func copyTree(t *testing.T, src string) string { return testtools.CopyTree(t, src) }

// scenarioDir copies the scenario's fixture and applies its mutation.
func scenarioDir(t *testing.T, sc scenario) string {
	t.Helper()
	dir := copyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", sc.fixture))
	if sc.mutate != nil {
		sc.mutate(t, dir)
	}
	return dir
}

// dryRun runs the whole pipeline on dir without writing.
func dryRun(t *testing.T, dir string, given map[string]string, endpoint ...string) *generator.Result {
	t.Helper()
	req := generator.Request{Dir: dir, Given: given, DryRun: true}
	if len(endpoint) > 0 {
		req.Endpoint = endpoint[0]
	}
	res, err := generator.Run(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// output is what one scenario renders: the report and every file created or patched.
type output struct {
	report []byte
	files  []generator.Change
}

// TestGolden runs every scenario (in parallel), checks its output with the platforms' own tools,
// applies it and runs again (which must change nothing), then compares the output with one golden
// file per scenario. A file identical to the same file of an earlier scenario is named there
// instead of repeated, so that a one-line template change shows once per distinct result.
func TestGolden(t *testing.T) {
	outputs := make([]*output, len(scenarios))
	t.Run("run", func(t *testing.T) {
		for i, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				outputs[i] = runScenario(t, sc)
			})
		}
	})
	g := goldie.New(t, goldie.WithFixtureDir(filepath.Join(testtools.RepoRoot(), "golden")), goldie.WithNameSuffix(".golden"))
	seen := map[string]map[string]string{} // path -> content -> first scenario with it
	for i, sc := range scenarios {
		if outputs[i] == nil {
			continue // the scenario failed before it rendered anything
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "phxdeploy init on testdata/%s, given %s\n", sc.fixture, flagList(sc.answers))
		fmt.Fprintf(&b, "-- report --\n%s", outputs[i].report)
		for _, c := range outputs[i].files {
			if seen[c.Path] == nil {
				seen[c.Path] = map[string]string{}
			}
			if first, ok := seen[c.Path][string(c.Content)]; ok {
				fmt.Fprintf(&b, "-- %s: %s, the same as in %s --\n", c.Path, c.Action, first)
				continue
			}
			seen[c.Path][string(c.Content)] = sc.name
			fmt.Fprintf(&b, "-- %s: %s --\n%s", c.Path, c.Action, c.Content)
			if len(c.Content) > 0 && !bytes.HasSuffix(c.Content, []byte("\n")) {
				b.WriteString("\n(no newline at the end of the file)\n")
			}
		}
		t.Run("golden/"+sc.name, func(t *testing.T) { g.Assert(t, sc.name, b.Bytes()) })
	}
}

func flagList(answers map[string]string) string {
	var out []string
	for k, v := range answers {
		out = append(out, "--"+k+" "+v)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// runScenario renders a scenario, validates the output, applies it and checks that a second run
// changes nothing. The output is returned before any check that needs an external tool, so that
// `go test -short` still compares the golden files.
func runScenario(t *testing.T, sc scenario) *output {
	dir := scenarioDir(t, sc)
	res := dryRun(t, dir, sc.answers, sc.endpoint)
	checkContract(t, res)
	if sc.facts != nil {
		sc.facts(t, res)
	}
	// The report as init prints it when it writes the files.
	var report bytes.Buffer
	written := *res.Report
	written.DryRun = false
	written.WriteText(&report)
	out := &output{report: report.Bytes()}
	for _, c := range res.Changes {
		switch c.Action {
		case generator.Create, generator.Patch:
			if !c.Bookkeeping { // merge bases: copies of files shown already
				out.files = append(out.files, c)
			}
		case generator.Conflict, generator.Overwrite:
			t.Errorf("%s: %s; scenarios must not conflict", c.Path, c.Action)
		}
		if c.Action == generator.Patch && bytes.Count(c.Old, []byte("\r\n")) == bytes.Count(c.Old, []byte("\n")) && bytes.Contains(c.Old, []byte("\r\n")) {
			if bytes.Count(c.Content, []byte("\r\n")) != bytes.Count(c.Content, []byte("\n")) {
				t.Errorf("%s: CRLF file got LF line endings", c.Path)
			}
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		// A second run changes nothing (checked even in -short mode).
		for _, c := range dryRun(t, dir, sc.answers, sc.endpoint).Changes {
			if c.Action != generator.Identical && c.Action != generator.Manual && c.Action != generator.Kept {
				t.Errorf("second run: %s %s", c.Action, c.Path)
			}
		}
	})
	// Apply, so that the validators see the project as phxdeploy leaves it (a Dockerfile COPY of
	// rel/ is right because rel/ is written too).
	if err := generator.Apply(dir, res.Changes); err != nil {
		t.Fatal(err)
	}
	checkReferences(t, dir, res)
	checkBuildContext(t, dir)
	if !testing.Short() {
		validateOutput(t, dir, res)
	}
	return out
}

// checkBuildContext reads the Dockerfile and .dockerignore as phxdeploy left them (checked even
// in -short mode): the ignore file leaves out nothing the Dockerfile copies from the context.
func checkBuildContext(t *testing.T, dir string) {
	t.Helper()
	df, err1 := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	di, err2 := os.ReadFile(filepath.Join(dir, ".dockerignore"))
	if err1 != nil || err2 != nil {
		return // no image is built
	}
	excluded, err := buildctx.Check(df, di, os.DirFS(dir))
	if err != nil {
		t.Error(err)
	}
	for _, e := range excluded {
		t.Errorf("%s: the build would not find it", e)
	}
}

// checkReferences reads the project as phxdeploy left it: every module a written file names
// exists (in the project or a dependency), and every path the platforms probe is served.
func checkReferences(t *testing.T, dir string, res *generator.Result) {
	t.Helper()
	after, err := project.Read(dir, project.Options{Endpoint: res.Project.Endpoint})
	if err != nil {
		t.Fatalf("reading the project after phxdeploy wrote into it: %v", err)
	}
	var written []refcheck.Written
	for _, c := range res.Changes {
		if c.Writes() {
			written = append(written, refcheck.Written{Path: c.Path, Old: c.Old, Content: c.Content})
		} else if c.Action == generator.Identical || c.Action == generator.Conflict {
			written = append(written, refcheck.Written{Path: c.Path, Old: c.Old, Content: c.Old})
		}
	}
	for _, problem := range refcheck.Modules(after, written) {
		t.Error(problem)
	}
	for _, problem := range refcheck.Probes(after, refcheck.ProbePaths(written)) {
		t.Error(problem)
	}
}

func isElixir(path string) bool {
	return strings.HasSuffix(path, ".ex") || strings.HasSuffix(path, ".exs")
}

// validateOutput checks every written file with the platforms' own tools: the checks
// `templates lint` runs (required here, so that CI never skips them), plus kube-score, mix format
// on Elixir files, script modes and the systemd exposure.
func validateOutput(t *testing.T, dir string, res *generator.Result) {
	t.Helper()
	for _, tool := range [][2]string{{"shellcheck", "shellcheck"}, {"systemd-analyze", "systemd"}} {
		testtools.Require(t, tool[0], tool[1])
	}
	ex := testtools.SharedElixir(t)
	for _, problem := range lint.Validate(res.Data, res.Changes, os.DirFS(dir), ex.Parse) {
		t.Errorf("%s: %s", problem[0], problem[1])
	}
	var manifests []string
	before, after, created, units := map[string][]byte{}, map[string][]byte{}, map[string][]byte{}, map[string][]byte{}
	for _, c := range res.Changes {
		if !c.Writes() {
			continue
		}
		switch {
		case strings.HasPrefix(c.Path, "deploy/k8s/") && c.Path != "deploy/k8s/kustomization.yaml":
			manifests = append(manifests, filepath.Join(dir, c.Path))
		case isElixir(c.Path) && c.Action == generator.Create:
			created[c.Path] = c.Content
		case isElixir(c.Path) && c.Action == generator.Patch:
			before[c.Path], after[c.Path] = c.Old, c.Content
		case strings.HasPrefix(c.Path, "rel/overlays/bin/") && c.Mode != 0o755:
			t.Errorf("%s: mode %o, want 0755", c.Path, c.Mode)
		case strings.HasPrefix(c.Path, "deploy/systemd/") && strings.HasSuffix(c.Path, ".service"):
			if regexp.MustCompile(`(?m)^MemoryDenyWriteExecute\s*=`).Match(c.Content) {
				t.Errorf("%s sets MemoryDenyWriteExecute, which the BEAM's JIT cannot run under", c.Path)
			}
			units[filepath.Base(c.Path)] = c.Content
		}
	}
	exposures, _ := validate.SystemdUnits(units, res.Data.InstallDir) // lint.Validate reports the problems
	for _, name := range slices.Sorted(maps.Keys(exposures)) {
		t.Logf("deploy/systemd/%s: systemd-analyze security exposure %.1f", name, exposures[name])
	}
	if len(manifests) > 0 {
		sort.Strings(manifests)
		testtools.CheckKubeScore(t, manifests)
	}
	for f, formatted := range ex.Unformatted(t, created) {
		t.Errorf("%s: created, and mix format would change it:\n%s", f, formatted)
	}
	// Files that were formatted stay formatted.
	wasUnformatted := ex.Unformatted(t, before)
	for f, formatted := range ex.Unformatted(t, after) {
		if _, was := wasUnformatted[f]; !was {
			t.Errorf("%s was mix format clean before phxdeploy edited it, and is not after:\n%s", f, formatted)
		}
	}
}
