import Config

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4002],
  secret_key_base: "4q1r8mGmHnV0ckz3Yh2Yc0l3mB4T8sV2dZ1gQ9kE7wX6pN5rA0uJ3yL8fC2hD1sK",
  server: false

config :logger, level: :warning
