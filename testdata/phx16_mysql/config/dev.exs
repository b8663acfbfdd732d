import Config

# Configure your database
config :shop, Shop.Repo,
  username: "root",
  password: "",
  hostname: "localhost",
  database: "shop_dev",
  stacktrace: true,
  show_sensitive_data_on_connection_error: true,
  pool_size: 10

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}],
  check_origin: false,
  code_reloader: true,
  debug_errors: true,
  secret_key_base: "cW0hxNPcyN4CiE1l0mI9a2lM3Hq1z0AqVqk6mF0y8Jc9Ri2Gm2Fsu0C9Pv1xY7pX",
  watchers: [
    esbuild: {Esbuild, :install_and_run, [:default, ~w(--sourcemap=inline --watch)]}
  ]

# Enable dev routes for dashboard and mailbox
config :shop, dev_routes: true

config :logger, :default_formatter, format: "[$level] $message\n"

config :phoenix, :stacktrace_depth, 20

config :phoenix, :plug_init_mode, :runtime
