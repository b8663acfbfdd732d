package project

import (
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// settingsOf resolves the settings of a runtime config alone.
func settingsOf(t *testing.T, src string, repos []string, endpoint, database string) *Project {
	t.Helper()
	tree, err := elixir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	reads, _ := findReads(tree, nil)
	var all []located
	for _, r := range reads {
		all = append(all, located{r, "config/runtime.exs"})
	}
	p := &Project{Repos: repos, Endpoint: endpoint, Database: database}
	p.Contract.Runtime = mergeReads(all)
	p.resolveSettings([]fileReads{{file: "config/runtime.exs", tree: tree, reads: reads}}, nil)
	return p
}

func TestEnvNamesFollowTheProject(t *testing.T) {
	src := `import Config

env! = fn name -> System.fetch_env!(name) end

if config_env() == :prod do
  pg_url =
    System.get_env("PG_URL") ||
      raise "PG_URL is missing"

  config :shop, Shop.Repo,
    url: pg_url,
    pool_size: String.to_integer(System.get_env("DB_POOL_SIZE") || System.get_env("POOL") || "10")

  config :shop, ShopWeb.Endpoint,
    url: [host: env!.("APP_HOST"), port: 443],
    http: [port: String.to_integer(System.get_env("PORT", "4000"))],
    secret_key_base: env!.("SECRET_KEY_BASE")

  config :shop, :dns_cluster_query, System.get_env("CLUSTER_QUERY")
end
`
	got := settingsOf(t, src, []string{"Shop.Repo"}, "ShopWeb.Endpoint", "postgres").Settings
	want := map[string]string{
		"DATABASE_URL":      "PG_URL",       // through the variable it is assigned to
		"POOL_SIZE":         "DB_POOL_SIZE", // A || B: A, with B read in its place
		"PHX_HOST":          "APP_HOST",     // through a helper
		"PORT":              "PORT",         // read under its own name
		"SECRET_KEY_BASE":   "SECRET_KEY_BASE",
		"DNS_CLUSTER_QUERY": "CLUSTER_QUERY", // config :app, :dns_cluster_query, ...
	}
	for k, w := range want {
		if got[k].Name != w || got[k].At != "runtime" {
			t.Errorf("%s read as %+v, want %q", k, got[k], w)
		}
	}
	if s, ok := got["ECTO_IPV6"]; ok {
		t.Errorf("ECTO_IPV6 is not configured, so phxdeploy adds it; got %+v", s)
	}
}

func TestSettingsNeverFallBackSilently(t *testing.T) {
	src := `import Config

if config_env() == :prod do
  config :shop, Shop.Repo,
    hostname: System.get_env("DB_HOST"),
    database: System.get_env("DB_NAME"),
    username: System.get_env("DB_USER"),
    password: System.get_env("DB_PASS")

  config :shop, ShopWeb.Endpoint,
    url: [host: "#{System.get_env("SUBDOMAIN")}.#{System.get_env("DOMAIN")}"],
    http: [port: 4000],
    secret_key_base: Shop.Secrets.key_base()
end
`
	got := settingsOf(t, src, []string{"Shop.Repo"}, "ShopWeb.Endpoint", "postgres").Settings
	if u := got["DATABASE_URL"]; !u.Parts {
		t.Errorf("a repo configured from its parts has no URL to set: %+v", u)
	}
	for k, w := range map[string]string{"DATABASE_HOST": "DB_HOST", "DATABASE_NAME": "DB_NAME", "DATABASE_USER": "DB_USER", "DATABASE_PASSWORD": "DB_PASS"} {
		if got[k].Name != w {
			t.Errorf("%s: %+v, want %s", k, got[k], w)
		}
	}
	if h := got["PHX_HOST"]; h.Name != "" || len(h.Candidates) != 2 {
		t.Errorf("the host comes from two variables: candidates, not a guess; got %+v", h)
	}
	if p := got["PORT"]; !p.Fixed {
		t.Errorf("a literal port reads no variable: %+v", p)
	}
	if s := got["SECRET_KEY_BASE"]; !s.Unresolved() {
		t.Errorf("secret_key_base from a function: unresolved, got %+v", s)
	}
}

func TestSettingsFollowLocalsThroughConversions(t *testing.T) {
	src := `import Config

base_url = System.get_env("BASE_URL", "http://localhost:4000")
base_url = URI.parse(base_url)

secret_key_base =
  if System.get_env("SECRET_KEY_BASE") do
    System.get_env("SECRET_KEY_BASE")
  else
    if System.get_env("RUN_CONTEXT") == "selfhosted", do: "insecure", else: raise("SECRET_KEY_BASE is missing")
  end

config :shop, ShopWeb.Endpoint,
  url: [scheme: base_url.scheme, host: base_url.host],
  secret_key_base: secret_key_base
`
	got := settingsOf(t, src, nil, "ShopWeb.Endpoint", "none").Settings
	if h := got["PHX_HOST"]; h.Name != "BASE_URL" || h.Type != "url" {
		t.Errorf("the host comes from BASE_URL, parsed as a URL: %+v", h)
	}
	if s := got["SECRET_KEY_BASE"]; s.Name != "SECRET_KEY_BASE" {
		t.Errorf("of two variables, the one named for the setting is its own: %+v", s)
	}
}

func TestSettingsFromAFileAreNotItsPath(t *testing.T) {
	src := `import Config

config :shop, ShopWeb.Endpoint, secret_key_base: File.read!(System.fetch_env!("SECRET_KEY_BASE_FILE"))
`
	got := settingsOf(t, src, nil, "ShopWeb.Endpoint", "none").Settings
	if s := got["SECRET_KEY_BASE"]; s.Name != "" || !s.Unresolved() || len(s.Candidates) != 1 {
		t.Errorf("a variable that names the file holding the secret is not the secret: %+v", s)
	}
}

// Of several repos, the one configured last may set its URL from what phxdeploy cannot name
// (nerves_hub's analytics repo, under `if clickhouse_url = System.get_env(...)`): the database
// URL is then the one another repo reads from a variable (the main repo's DATABASE_URL), not a
// manual step; with one repo, nothing changes.
func TestDatabaseURLOfSeveralRepos(t *testing.T) {
	src := `import Config

if config_env() == :prod do
  config :shop, Shop.Repo, url: System.fetch_env!("DATABASE_URL")

  if clickhouse_url = System.get_env("CLICKHOUSE_URL") do
    config :shop, Shop.AnalyticsRepo, url: clickhouse_url
  end
end
`
	got := settingsOf(t, src, []string{"Shop.AnalyticsRepo", "Shop.Repo"}, "ShopWeb.Endpoint", "postgres").Settings["DATABASE_URL"]
	if got.Name != "DATABASE_URL" {
		t.Errorf("two repos: %+v; want the main repo's DATABASE_URL", got)
	}
	one := strings.Replace(src, "Shop.Repo, url: System.fetch_env!(\"DATABASE_URL\")", "Shop.Other, url: System.fetch_env!(\"DATABASE_URL\")", 1)
	if got := settingsOf(t, one, []string{"Shop.AnalyticsRepo"}, "ShopWeb.Endpoint", "postgres").Settings["DATABASE_URL"]; got.Name != "" || !got.Unresolved() {
		t.Errorf("one repo: %+v; want it unresolved, as before", got)
	}
}
