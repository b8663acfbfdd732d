defmodule Market.Application do
  # See https://hexdocs.pm/elixir/Application.html
  # for more information on OTP Applications
  @moduledoc false

  use Application

  @impl true
  def start(_type, _args) do
    children = [
      Market.Repo,
      {DNSCluster, query: Application.get_env(:market, :dns_cluster_query) || :ignore},
      {Phoenix.PubSub, name: Market.PubSub},
      # Start the Finch HTTP client for sending emails
      {Finch, name: Market.Finch}
      # Start a worker by calling: Market.Worker.start_link(arg)
      # {Market.Worker, arg}
    ]

    Supervisor.start_link(children, strategy: :one_for_one, name: Market.Supervisor)
  end
end
