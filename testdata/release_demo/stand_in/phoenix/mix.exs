# An empty project named :phoenix, so that the demo can declare Phoenix without Hex. It is
# only a dependency of an environment that is never built.
defmodule PhoenixStandIn.MixProject do
  use Mix.Project

  def project, do: [app: :phoenix, version: "1.8.0"]
end
