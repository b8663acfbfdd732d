defmodule DemoWeb.Endpoint do
  @moduledoc """
  A stand-in for a Phoenix endpoint: it reads the same configuration (`server`, `http`, `url`)
  and, when `server: true`, answers HTTP on the configured port: `GET /health` with 200, as the
  health plug a real endpoint would have.
  """
  use Phoenix.Endpoint, otp_app: :demo
  require Logger

  plug DemoWeb.HealthCheck, path: "/health"

  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  def config, do: Application.get_env(:demo, __MODULE__, [])

  @impl true
  def init(_) do
    Process.flag(:trap_exit, true)
    config = config()

    if config[:server] do
      http = config[:http] || []
      ip = http[:ip] || {0, 0, 0, 0}
      family = if tuple_size(ip) == 8, do: :inet6, else: :inet
      opts = [:binary, family, ip: ip, active: false, reuseaddr: true, packet: :http_bin]
      {:ok, socket} = :gen_tcp.listen(http[:port] || 4000, opts)
      Logger.info("listening on port #{http[:port]} for #{config[:url][:host]}")
      pid = spawn_link(fn -> accept(socket) end)
      {:ok, %{socket: socket, acceptor: pid}}
    else
      {:ok, %{socket: nil, acceptor: nil}}
    end
  end

  @impl true
  def terminate(_reason, state) do
    Logger.info("endpoint stopping")
    if state.socket, do: :gen_tcp.close(state.socket)
  end

  defp accept(socket) do
    case :gen_tcp.accept(socket) do
      {:ok, client} ->
        serve(client)
        accept(socket)

      {:error, _} ->
        :ok
    end
  end

  defp serve(client) do
    status =
      case :gen_tcp.recv(client, 0, 5_000) do
        {:ok, {:http_request, :GET, {:abs_path, "/health"}, _}} -> "200 OK"
        _ -> "404 Not Found"
      end

    :gen_tcp.send(client, "HTTP/1.1 #{status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    :gen_tcp.close(client)
  end
end
