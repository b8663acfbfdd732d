defmodule PageWeb.Router do
  use PageWeb, :router

  pipeline :browser do
    plug(:accepts, ["html"])
    plug(:fetch_session)
    plug(:protect_from_forgery)
  end

  pipeline :api do
    plug(:accepts, ["json"])
  end

  scope "/api", PageWeb do
    pipe_through(:api)
    post("/webhooks/:source", WebhookController, :receive)
  end

  scope "/", PageWeb do
    pipe_through(:browser)

    get("/", PageController, :index)
    live("/:slug", PageLive, :show)
  end
end
