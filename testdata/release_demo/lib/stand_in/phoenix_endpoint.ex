defmodule Phoenix.Endpoint do
  @moduledoc """
  A stand-in for Phoenix.Endpoint (Hex cannot be reached where the end-to-end test runs): `use
  Phoenix.Endpoint, otp_app: app` makes a GenServer endpoint, and `plug` records nothing, so that
  the demo's endpoint reads like a Phoenix one to phxdeploy and runs without Phoenix.
  """
  defmacro __using__(_opts) do
    quote do
      use GenServer
      import Phoenix.Endpoint, only: [plug: 1, plug: 2]
    end
  end

  defmacro plug(_plug, _opts \\ []), do: nil
end
