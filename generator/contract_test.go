package generator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/envcheck"
)

// The environment contract (issue 11): what the release reads, read from the code in each form
// real apps use, and provided by every target. checkContract runs on every golden scenario.

// checkContract checks that every selected target provides every variable the release requires.
func checkContract(t *testing.T, res *generator.Result) {
	t.Helper()
	checkSteps(t, res)
	missing, err := envcheck.Missing(res)
	if err != nil {
		t.Fatal(err)
	}
	for target, names := range missing {
		t.Errorf("%s does not provide %v, which the release requires", target, names)
	}
}

// runtimeWith replaces the fixture's runtime config.
func runtimeWith(src string) func(*testing.T, string) {
	return withFile("config/runtime.exs", src)
}

func wantRequired(names ...string) func(t *testing.T, res *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		sort.Strings(names)
		if got := envcheck.Required(res); !slices.Equal(got, names) {
			t.Errorf("required variables: %v, want %v", got, names)
		}
	}
}

func envVar(res *generator.Result, name string) *struct {
	Required, Secret bool
	Default, Type    string
} {
	for _, v := range res.Report.Environment {
		if v.Name == name {
			return &struct {
				Required, Secret bool
				Default, Type    string
			}{v.Required, v.Secret, v.Default, v.Type}
		}
	}
	return nil
}

func contractFacts(checks ...func(*testing.T, *generator.Result)) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		for _, c := range checks {
			c(t, res)
		}
	}
}

func wantSetting(setting, name string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		if got := res.Data.Env[setting]; got != name {
			t.Errorf("%s is read as %q, want %q", setting, got, name)
		}
	}
}

func wantRuntime(includes bool, part string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		c := changed(res, "config/runtime.exs")
		content := ""
		if c != nil {
			content = string(c.Content)
		}
		if strings.Contains(content, part) != includes {
			t.Errorf("config/runtime.exs contains %q: %v, want %v", part, !includes, includes)
		}
	}
}

func wantWarning(part string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		if !hasWarning(res, part) {
			t.Errorf("no warning mentions %q; warnings: %q", part, res.Report.Warnings)
		}
	}
}

// wantFile: the file phxdeploy writes holds each of parts.
func wantFile(path string, parts ...string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		c := changed(res, path)
		for _, part := range parts {
			if c == nil || !strings.Contains(string(c.Content), part) {
				t.Errorf("%s does not contain %q", path, part)
			}
		}
	}
}

var contractScenarios = []scenario{
	{name: "env_fetch_env_raise_and_helpers", fixture: "phx17_postgres", answers: allTargets,
		mutate: runtimeWith(`import Config

env! = fn name, type ->
  value = System.fetch_env!(name)

  case type do
    :integer -> String.to_integer(value)
    :string -> value
  end
end

if config_env() == :prod do
  database_url = System.get_env("DATABASE_URL") || raise "DATABASE_URL is missing"

  config :shop, Shop.Repo, url: database_url

  config :shop, ShopWeb.Endpoint,
    url: [host: System.get_env("WEB_HOST") || System.get_env("HOST") || raise("WEB_HOST is missing"), port: 443, scheme: "https"],
    http: [port: env!.("APP_PORT", :integer)],
    secret_key_base: System.fetch_env!("SECRET_KEY_BASE")

  config :shop, :vault, key: Base.decode64!(System.fetch_env!("VAULT_KEY"))
  config :shop, :smtp, relay: env!.("SMTP_HOST", :string), password: System.get_env("SMTP_PASSWORD")

  if System.get_env("AI_ENABLED") == "true" do
    config :shop, :ai, api_key: System.fetch_env!("AI_API_KEY")
  end
end
`),
		facts: contractFacts(
			wantRequired("DATABASE_URL", "WEB_HOST", "APP_PORT", "SECRET_KEY_BASE", "VAULT_KEY", "SMTP_HOST"),
			wantSetting("PHX_HOST", "WEB_HOST"), wantSetting("PORT", "APP_PORT"),
			wantRuntime(false, `System.get_env("PHX_HOST")`), wantRuntime(false, `System.get_env("PORT")`),
			func(t *testing.T, res *generator.Result) {
				if v := envVar(res, "VAULT_KEY"); v == nil || !v.Secret || v.Type != "base64" {
					t.Errorf("VAULT_KEY: %+v, want a base64 secret", v)
				}
				if v := envVar(res, "SMTP_PASSWORD"); v == nil || v.Required || !v.Secret {
					t.Errorf("SMTP_PASSWORD: %+v, want an optional secret", v)
				}
				if v := envVar(res, "AI_API_KEY"); v == nil || v.Required {
					t.Errorf("AI_API_KEY is read only when AI_ENABLED is true: %+v", v)
				}
			})},
	{name: "env_database_in_parts_and_tuples", fixture: "phx17_postgres", answers: allTargets,
		mutate: both(runtimeWith(`import Config

if config_env() == :prod do
  config :shop, Shop.Repo,
    username: System.fetch_env!("DATABASE_USER"),
    password: System.fetch_env!("DATABASE_PASS"),
    hostname: System.fetch_env!("DATABASE_HOST"),
    database: System.get_env("DATABASE_NAME") || raise("DATABASE_NAME is missing")

  config :shop, ShopWeb.Endpoint,
    url: [host: System.get_env("PHX_HOST") || "example.com", port: 443, scheme: "https"],
    http: [port: String.to_integer(System.get_env("PORT") || "4000")],
    secret_key_base: System.fetch_env!("SECRET_KEY_BASE")

  config :shop, :redis, url: {:system, "REDIS_URL"}
end
`), edited("mix.exs", `{:dns_cluster, "~> 0.1.1"},`, `{:dns_cluster, "~> 0.1.1"},
      {:redix, "~> 1.5"},`)),
		facts: contractFacts(
			wantRequired("DATABASE_USER", "DATABASE_PASS", "DATABASE_HOST", "DATABASE_NAME", "SECRET_KEY_BASE", "REDIS_URL"),
			wantRuntime(false, "DATABASE_URL"),
			wantSetting("DATABASE_URL", ""), wantSetting("DATABASE_HOST", "DATABASE_HOST"), wantSetting("DATABASE_PASSWORD", "DATABASE_PASS"),
			wantFile("compose.yaml", "redis:"), wantFile("compose.yaml", `REDIS_URL: "redis://redis:6379"`),
			wantFile("compose.yaml", `DATABASE_HOST: "db"`), wantFile("compose.yaml", `DATABASE_PASS: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env.prod}"`),
		)},
	{name: "env_compile_time_reads", fixture: "phx17_postgres", answers: allTargets,
		mutate: both(
			edited("config/prod.exs", "import Config\n", "import Config\n\nconfig :shop, :build, sha: System.fetch_env!(\"BUILD_SHA\")\nconfig :ueberauth, Ueberauth.Strategy.Google.OAuth, client_secret: System.get_env(\"GOOGLE_CLIENT_SECRET\")\n"),
			withFile("lib/shop/env.ex", "defmodule Shop.Env do\n  @moduledoc false\n  def name, do: Mix.env()\nend\n")),
		facts: contractFacts(
			wantWarning("reads BUILD_SHA at compile time"), wantWarning("reads GOOGLE_CLIENT_SECRET at compile time"),
			wantWarning("lib/shop/env.ex:3: Shop.Env.name calls Mix.env"),
			wantFile("Dockerfile", "ARG BUILD_SHA\n"),
			func(t *testing.T, res *generator.Result) {
				if slices.Contains(res.Data.BuildArgs, "GOOGLE_CLIENT_SECRET") {
					t.Error("a secret read at build time must never be a build argument")
				}
				var deploy bool
				for _, s := range res.Report.NextSteps {
					deploy = deploy || s.Target == "fly" && strings.Contains(s.Command, `fly deploy --build-arg BUILD_SHA="${BUILD_SHA:?`)
				}
				if !deploy {
					t.Error("the fly next steps do not pass BUILD_SHA to the build")
				}
			})},
	{name: "env_dotenvy_and_imported_runtime_file", fixture: "phx17_postgres", answers: allTargets,
		mutate: both(runtimeWith(`import Config
import Dotenvy

source!([System.get_env()])

if config_env() == :prod do
  config :shop, ShopWeb.Endpoint,
    http: [port: env!("HTTP_PORT", :integer, 4000)],
    secret_key_base: env!("SECRET_KEY_BASE", :string!),
    live_view: [signing_salt: env!("SIGNING_SALT", :string!)]

  import_config "runtime.secret.exs"
end
`), withFile("config/runtime.secret.exs", `import Config

config :shop, Shop.Repo, url: System.fetch_env!("APP_DATABASE_URL")
`)),
		facts: contractFacts(
			wantRequired("SECRET_KEY_BASE", "SIGNING_SALT", "APP_DATABASE_URL"),
			wantSetting("DATABASE_URL", "APP_DATABASE_URL"), wantSetting("PORT", "HTTP_PORT"),
			wantRuntime(false, `System.get_env("DATABASE_URL")`),
		)},
	{name: "env_repo_reads_its_url_at_boot", fixture: "phx17_postgres", answers: allTargets,
		mutate: both(runtimeWith(`import Config

if config_env() == :prod do
  config :shop, Shop.Repo, pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10")

  config :shop, ShopWeb.Endpoint,
    url: [host: System.get_env("PHX_HOST") || "example.com", port: 443, scheme: "https"],
    http: [port: String.to_integer(System.get_env("PORT") || "4000")],
    secret_key_base: System.fetch_env!("SECRET_KEY_BASE")
end
`),
			withFile("lib/shop/repo.ex", `defmodule Shop.Repo do
  use Ecto.Repo, otp_app: :shop, adapter: Ecto.Adapters.Postgres

  @impl true
  def init(_type, config) do
    {:ok, Keyword.put(config, :url, System.get_env("SHOP_DATABASE_URL") || raise("SHOP_DATABASE_URL is missing"))}
  end
end
`)),
		facts: contractFacts(
			wantRequired("SECRET_KEY_BASE", "SHOP_DATABASE_URL"),
			wantSetting("DATABASE_URL", "SHOP_DATABASE_URL"),
			wantRuntime(false, "DATABASE_URL"),
		)},
}

func init() {
	contractScenarios = append(contractScenarios, scenario{name: "env_repo_url_through_its_own_function", fixture: "phx17_postgres",
		answers: map[string]string{"target": "docker"},
		mutate: both(runtimeWith(`import Config

if config_env() == :prod do
  config :shop, ShopWeb.Endpoint,
    url: [host: System.get_env("PHX_HOST") || "example.com", port: 443, scheme: "https"],
    http: [port: String.to_integer(System.get_env("PORT") || "4000")],
    secret_key_base: System.fetch_env!("SECRET_KEY_BASE")
end
`), withFile("lib/shop/repo.ex", `defmodule Shop.Repo do
  use Ecto.Repo, otp_app: :shop, adapter: Ecto.Adapters.Postgres

  @impl true
  def init(_type, config), do: {:ok, Keyword.put(config, :url, db_url())}

  defp db_url, do: System.fetch_env!("DB_URL")
end
`)),
		facts: contractFacts(wantRequired("SECRET_KEY_BASE", "DB_URL"), wantSetting("DATABASE_URL", "DB_URL"), wantRuntime(false, "DATABASE_URL"))})
	// Plausible's shape: a second repo in ecto_repos (ClickHouse), its URL read from its own
	// variable with a default naming a host of the project's Compose file. phxdeploy runs that
	// database nowhere: the variable is the user's to give on every target, Compose says so, and
	// the NetworkPolicy lets the pods reach the default's port.
	contractScenarios = append(contractScenarios, scenario{name: "env_second_repo_of_another_database", fixture: "phx18_postgres", answers: allTargets,
		mutate: both(edited("config/config.exs", "ecto_repos: [Shop.Repo]", "ecto_repos: [Shop.Repo, Shop.EventsRepo]"),
			edited("config/runtime.exs", "\nif config_env() == :prod do\n", "\nconfig :shop, Shop.EventsRepo,\n  url: System.get_env(\"EVENTS_DATABASE_URL\", \"http://events_db:8123/events\"),\n  pool_size: 2\n\nif config_env() == :prod do\n")),
		facts: contractFacts(wantRequired("DATABASE_URL", "SECRET_KEY_BASE", "EVENTS_DATABASE_URL"), wantSetting("DATABASE_URL", "DATABASE_URL"),
			wantFile("deploy/k8s/networkpolicy.yaml", "# Shop.EventsRepo's database: the port of EVENTS_DATABASE_URL's default in the code; change it if yours differs.\n    - ports:\n        - port: 8123\n"),
			wantText("docker", "EVENTS_DATABASE_URL names a second database, which Compose does not run"),
			wantText("k8s", "Shop.EventsRepo connects to a database phxdeploy does not run: EVENTS_DATABASE_URL"),
			wantStep("fly", `EVENTS_DATABASE_URL="${EVENTS_DATABASE_URL:?export EVENTS_DATABASE_URL first}"`))})
	scenarios = append(scenarios, contractScenarios...)
}

// checkSteps checks that every next step is a command the shell can parse (notes are separate).
func checkSteps(t *testing.T, res *generator.Result) {
	t.Helper()
	for _, s := range res.Report.NextSteps {
		if s.Command == "" {
			continue
		}
		if out, err := exec.Command("sh", "-n", "-c", s.Command).CombinedOutput(); err != nil {
			t.Errorf("next step %q does not parse: %v\n%s", s.Command, err, out)
		}
		if strings.ContainsAny(s.Command, "<>") {
			t.Errorf("next step %q has a placeholder (or a redirection)", s.Command)
		}
	}
}

// TestSecretStepsFailLoudly runs the next steps that set secrets with stand-ins for fly,
// kubectl and openssl: without the values only the user knows, or when generating a secret
// fails, nothing is set; with them, no value is empty.
func TestSecretStepsFailLoudly(t *testing.T) {
	var sc scenario
	for _, s := range contractScenarios {
		if s.name == "env_fetch_env_raise_and_helpers" {
			sc = s
		}
	}
	res := dryRun(t, scenarioDir(t, sc), sc.answers)
	var cmds []string
	for _, s := range res.Report.NextSteps {
		if strings.Contains(s.Command, "secrets set") || strings.Contains(s.Command, "create secret") || strings.Contains(s.Command, "create configmap") {
			cmds = append(cmds, s.Command)
		}
	}
	if len(cmds) != 3 {
		t.Fatalf("want the fly secrets, the Kubernetes Secret and ConfigMap commands; got %q", cmds)
	}
	bin := t.TempDir()
	log := filepath.Join(t.TempDir(), "calls")
	stub := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	record := `for a in "$@"; do printf '%s\n' "$a"; done >> "$CALLS"`
	stub("fly", record)
	stub("kubectl", record)
	runAll := func(env ...string) (ok int) {
		t.Helper()
		os.Remove(log)
		for _, c := range cmds {
			cmd := exec.Command("sh", "-c", c)
			cmd.Env = append([]string{"PATH=" + bin + ":/usr/bin:/bin", "CALLS=" + log}, env...)
			if cmd.Run() == nil {
				ok++
			}
		}
		return ok
	}
	calls := func() string { b, _ := os.ReadFile(log); return string(b) }

	stub("openssl", "echo generated-secret")
	if n := runAll(); n != 0 || calls() != "" {
		t.Errorf("without the user's values, %d commands ran and set %q", n, calls())
	}
	stub("openssl", "exit 1")
	if n := runAll("DATABASE_URL=ecto://u:p@h/d", "VAULT_KEY=a2V5", "SMTP_HOST=smtp.example.com"); strings.Contains(calls(), "SECRET_KEY_BASE") {
		t.Errorf("a failed secret generation still set secrets (%d commands ran): %q", n, calls())
	}
	stub("openssl", "echo generated-secret")
	if n := runAll("DATABASE_URL=ecto://u:p@h/d", "VAULT_KEY=a2V5", "SMTP_HOST=smtp.example.com"); n != 3 {
		t.Errorf("with every value exported, %d of 3 commands ran", n)
	}
	for _, line := range strings.Split(strings.TrimSpace(calls()), "\n") {
		if strings.HasSuffix(line, "=") {
			t.Errorf("an empty value was set: %q", line)
		}
	}
	for _, want := range []string{"SECRET_KEY_BASE=generated-secret", "DATABASE_URL=ecto://u:p@h/d", "--from-literal=SMTP_HOST=smtp.example.com"} {
		if !strings.Contains(calls(), want) {
			t.Errorf("the commands did not set %s: %q", want, calls())
		}
	}

	// Compose does not start while a required line of .env.prod is empty.
	var up string
	for _, s := range res.Report.NextSteps {
		if s.Target == "docker" && strings.Contains(s.Command, "docker compose") {
			up = s.Command
		}
	}
	stub("docker", record)
	dir := t.TempDir()
	example := changed(res, ".env.prod.example")
	for _, tc := range []struct {
		name   string
		env    string
		starts bool
	}{
		{"as copied", string(example.Content), false},
		{"filled in", strings.NewReplacer("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=p\n", "SECRET_KEY_BASE=\n", "SECRET_KEY_BASE=s\n",
			"VAULT_KEY=\n", "VAULT_KEY=v\n", "SMTP_HOST=\n", "SMTP_HOST=h\n").Replace(string(example.Content)), true},
	} {
		if err := os.WriteFile(filepath.Join(dir, ".env.prod"), []byte(tc.env), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(log)
		cmd := exec.Command("sh", "-c", up)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "CALLS=" + log}
		out, _ := cmd.CombinedOutput()
		if started := strings.Contains(calls(), "compose"); started != tc.starts {
			t.Errorf(".env.prod %s: Compose started %v, want %v\n%s", tc.name, started, tc.starts, out)
		}
	}
}

// wantText: a next step of target says part.
func wantText(target, part string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		for _, s := range res.Report.NextSteps {
			if s.Target == target && strings.Contains(s.Text, part) {
				return
			}
		}
		t.Errorf("no next step of %s says %q", target, part)
	}
}
