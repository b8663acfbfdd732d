package project

import "testing"

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
	got := envNames(src, []string{"Shop.Repo"}, "ShopWeb.Endpoint", "postgres")
	want := map[string]string{
		"DATABASE_URL":      "PG_URL",    // through the variable it is assigned to
		"POOL_SIZE":         "POOL_SIZE", // two candidates: no guess
		"PHX_HOST":          "APP_HOST",  // through a helper
		"PORT":              "PORT",      // read under its own name
		"SECRET_KEY_BASE":   "SECRET_KEY_BASE",
		"DNS_CLUSTER_QUERY": "CLUSTER_QUERY", // config :app, :dns_cluster_query, ...
		"ECTO_IPV6":         "ECTO_IPV6",     // not configured: the Phoenix name
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s read as %q, want %q", k, got[k], w)
		}
	}
}
