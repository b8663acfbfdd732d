defmodule MarketWeb.Application do
  # See https://hexdocs.pm/elixir/Application.html
  # for more information on OTP Applications
  @moduledoc false

  use Application

  @impl true
  def start(_type, _args) do
    children = [
      MarketWeb.Telemetry,
      # Start a worker by calling: MarketWeb.Worker.start_link(arg)
      # {MarketWeb.Worker, arg},
      # Start to serve requests, typically the last entry
      MarketWeb.Endpoint
    ]

    opts = [strategy: :one_for_one, name: MarketWeb.Supervisor]
    Supervisor.start_link(children, opts)
  end

  @impl true
  def config_change(changed, _new, removed) do
    MarketWeb.Endpoint.config_change(changed, removed)
    :ok
  end
end
