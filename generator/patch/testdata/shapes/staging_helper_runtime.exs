import Config

env! = fn name, default -> System.get_env(name) || default || raise("missing #{name}") end

if config_env() in [:prod, :staging] do
  config :shop, Shop.Repo,
    url: env!.("PG_URL", nil),
    pool_size: String.to_integer(env!.("DB_POOL_SIZE", "10"))

  config :shop, ShopWeb.Endpoint,
    url: [host: env!.("HOST", nil), port: 443, scheme: "https"],
    http: [port: String.to_integer(env!.("PORT", "4000"))],
    secret_key_base: env!.("SECRET_KEY_BASE", nil)
end
