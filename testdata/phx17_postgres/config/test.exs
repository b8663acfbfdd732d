import Config

config :shop, Shop.Repo,
  username: "postgres",
  password: "postgres",
  hostname: "localhost",
  database: "shop_test#{System.get_env("MIX_TEST_PARTITION")}",
  pool: Ecto.Adapters.SQL.Sandbox,
  pool_size: System.schedulers_online() * 2

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4002],
  secret_key_base: "4q1r8mGmHnV0ckz3Yh2Yc0l3mB4T8sV2dZ1gQ9kE7wX6pN5rA0uJ3yL8fC2hD1sK",
  server: false

config :logger, level: :warning
