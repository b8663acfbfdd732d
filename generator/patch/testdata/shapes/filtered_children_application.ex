defmodule LiveBeats.Application do
  # See https://hexdocs.pm/elixir/Application.html
  # for more information on OTP Applications
  @moduledoc false

  use Application

  @impl true
  def start(_type, _args) do
    parent = FLAME.Parent.get()
    LiveBeats.MediaLibrary.attach()

    children =
      [
        {Nx.Serving, name: LiveBeats.WhisperServing, serving: load_serving()},
        {Task.Supervisor, name: LiveBeats.TaskSupervisor},
        # Start the Ecto repository
        LiveBeats.Repo,
        # Start the Telemetry supervisor
        LiveBeatsWeb.Telemetry,
        # Start the PubSub system
        {Phoenix.PubSub, name: LiveBeats.PubSub},
        # start presence
        !parent && LiveBeatsWeb.Presence,
        {Finch, name: LiveBeats.Finch},
        {FLAME.Pool,
         name: LiveBeats.WhisperRunner,
         min: 0,
         max: 5,
         log: :info},
        # Start the Endpoint (http/https)
        !parent && LiveBeatsWeb.Endpoint
        # Start a worker by calling: LiveBeats.Worker.start_link(arg)
        # {LiveBeats.Worker, arg}
      ]
      |> Enum.filter(& &1)

    opts = [strategy: :one_for_one, name: LiveBeats.Supervisor]
    Supervisor.start_link(children, opts)
  end
end
