import Config

config :demo, DemoWeb.Endpoint, url: [host: "localhost"]

import_config "#{config_env()}.exs"
