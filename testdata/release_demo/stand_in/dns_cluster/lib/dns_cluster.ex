defmodule DNSCluster do
  @moduledoc """
  Stand-in for dns_cluster: with a query, it resolves the query's A and AAAA records every
  interval and connects to `<basename>@<address>` for each, where basename is this node's own;
  with `query: :ignore` it does not start.
  """
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: Keyword.get(opts, :name, __MODULE__))

  @impl true
  def init(opts) do
    case Keyword.fetch!(opts, :query) do
      :ignore ->
        :ignore

      query ->
        send(self(), :poll)
        {:ok, %{query: String.to_charlist(query), interval: Keyword.get(opts, :interval, 1_000)}}
    end
  end

  @impl true
  def handle_info(:poll, state) do
    [basename, _host] = node() |> Atom.to_string() |> String.split("@")

    for type <- [:a, :aaaa], address <- :inet_res.lookup(state.query, :in, type, timeout: 500) do
      Node.connect(:"#{basename}@#{:inet.ntoa(address)}")
    end

    Process.send_after(self(), :poll, state.interval)
    {:noreply, state}
  end
end
