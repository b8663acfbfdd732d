import Config

# Configure your database
config :market, Market.Repo,
  username: "postgres",
  password: "postgres",
  hostname: "localhost",
  database: "market_dev",
  stacktrace: true,
  show_sensitive_data_on_connection_error: true,
  pool_size: 10

config :market_web, MarketWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4000],
  check_origin: false,
  code_reloader: true,
  debug_errors: true,
  secret_key_base: "Gm8oR2m9wJ3bN0vQ5yX1kT7cL4hP6sA2dF8gH3jK9lZ0xC5vB1nM7qW4eR6tY2uI",
  watchers: [
    esbuild: {Esbuild, :install_and_run, [:market_web, ~w(--sourcemap=inline --watch)]},
    tailwind: {Tailwind, :install_and_run, [:market_web, ~w(--watch)]}
  ]

config :market_web, dev_routes: true
