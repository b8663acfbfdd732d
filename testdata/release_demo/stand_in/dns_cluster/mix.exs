# A stand-in for dns_cluster, so that the demo clusters without Hex (phxdeploy's end-to-end test
# cannot reach it): the same child spec and the same node naming rule, in a few lines.
defmodule DNSClusterStandIn.MixProject do
  use Mix.Project

  def project, do: [app: :dns_cluster, version: "0.2.0", elixir: "~> 1.14", deps: []]

  def application, do: [extra_applications: [:logger, :kernel]]
end
