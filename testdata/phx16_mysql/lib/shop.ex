defmodule Shop do
  @moduledoc """
  Shop keeps the contexts that define your domain
  and business logic.
  """
end
