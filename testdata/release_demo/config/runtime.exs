import Config

# config/runtime.exs is executed for all environments, including during releases.

if config_env() == :prod do
  # Production settings are read from the environment here.
end
