# This file is responsible for configuring your umbrella
# and **all applications** and their dependencies with the
# help of the Config module.
import Config

# Configure Mix tasks and generators
config :market,
  ecto_repos: [Market.Repo]

# Configures the mailer
config :market, Market.Mailer, adapter: Swoosh.Adapters.Local

config :market_web,
  ecto_repos: [Market.Repo],
  generators: [context_app: :market]

# Configures the endpoint
config :market_web, MarketWeb.Endpoint,
  url: [host: "localhost"],
  adapter: Bandit.PhoenixAdapter,
  render_errors: [
    formats: [html: MarketWeb.ErrorHTML, json: MarketWeb.ErrorJSON],
    layout: false
  ],
  pubsub_server: Market.PubSub,
  live_view: [signing_salt: "b8sYkq3P"]

# Configure esbuild (the version is required)
config :esbuild,
  version: "0.17.11",
  market_web: [
    args:
      ~w(js/app.js --bundle --target=es2017 --outdir=../priv/static/assets --external:/fonts/* --external:/images/*),
    cd: Path.expand("../apps/market_web/assets", __DIR__),
    env: %{"NODE_PATH" => Path.expand("../deps", __DIR__)}
  ]

# Configure tailwind (the version is required)
config :tailwind,
  version: "3.4.3",
  market_web: [
    args: ~w(
      --config=tailwind.config.js
      --input=css/app.css
      --output=../priv/static/assets/app.css
    ),
    cd: Path.expand("../apps/market_web/assets", __DIR__)
  ]

# Configures Elixir's Logger
config :logger, :console,
  format: "$time $metadata[$level] $message\n",
  metadata: [:request_id]

# Use Jason for JSON parsing in Phoenix
config :phoenix, :json_library, Jason

# Import environment specific config. This must remain at the bottom
# of this file so it overrides the configuration defined above.
import_config "#{config_env()}.exs"
