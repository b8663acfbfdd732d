defmodule Demo.MixProject do
  use Mix.Project

  def project do
    [
      app: :demo,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      deps: deps()
    ]
  end

  def application do
    [
      mod: {Demo.Application, []},
      extra_applications: [:logger]
    ]
  end

  # This project stands in for a Phoenix app in phxdeploy's end-to-end test: Hex cannot be
  # reached there, so it has Phoenix's config layout and an endpoint made of the standard
  # library, and declares Phoenix only for an environment that is never built. dns_cluster is a
  # stand-in of the same name and interface (stand_in/dns_cluster).
  defp deps do
    [
      {:phoenix, path: "stand_in/phoenix", only: :phoenix_stand_in},
      {:dns_cluster, path: "stand_in/dns_cluster"}
    ]
  end
end
