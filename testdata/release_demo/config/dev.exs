import Config

config :demo, DemoWeb.Endpoint, http: [ip: {127, 0, 0, 1}, port: 4000]
