package project

import (
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

const routesRouter = `defmodule ShopWeb.Router do
  use ShopWeb, :router

  pipeline :browser do
    plug :accepts, ["html"]
    plug ShopWeb.Auth
  end

  pipeline :api, do: plug(:accepts, ["json"])

  scope "/", ShopWeb do
    pipe_through :browser

    get "/", PageController, :home
    get "/items/", ItemController,
      :index
    resources "/users", UserController, only: [:show]

    scope "/admin", Admin, as: :admin do
      pipe_through [:api]
      post "/reset", ResetController, :create
      live "/dash", DashLive
    end

    scope path: "/v2", alias: V2 do
      put("/things/:id", ThingController, :update)
    end
  end

  if Application.compile_env(:shop, :dev_routes) do
    scope "/dev" do
      forward "/mailbox", Plug.Swoosh.MailboxPreview
    end
  end

  unless Mix.env() == :prod, do: get("/nope", X, :y)

  get "/health", ShopWeb.Health, :check
  match :*, "/any", AnyController, :all
end
`

// TestRoutesWalkScopesAndStatements reads a router with nested scopes (string, alias and
// keyword forms), multi-line routes, calls in parentheses, if blocks and top-level routes.
func TestRoutesWalkScopesAndStatements(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"mix.exs":                  "defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: [{:phoenix, \"~> 1.7\"}]]\nend\n",
		"lib/shop_web/endpoint.ex": "defmodule ShopWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :shop\n  plug ShopWeb.Router\nend\n",
		"lib/shop_web/router.ex":   routesRouter,
		"lib/shop_web.ex":          "defmodule ShopWeb do\n  def router do\n    quote do\n      use Phoenix.Router\n    end\n  end\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p.Routes {
		got = append(got, fmt.Sprintf("%s %s %s %s %v %v %s", r.Verb, r.Path, r.To, r.Action, r.Pipelines, r.Conditional, r.Source))
	}
	want := []string{
		"get / ShopWeb.PageController home [browser] false lib/shop_web/router.ex:14",
		"get /items/ ShopWeb.ItemController index [browser] false lib/shop_web/router.ex:15",
		"resources /users ShopWeb.UserController  [browser] false lib/shop_web/router.ex:17",
		"post /admin/reset ShopWeb.Admin.ResetController create [browser api] false lib/shop_web/router.ex:21",
		"live /admin/dash ShopWeb.Admin.DashLive  [browser api] false lib/shop_web/router.ex:22",
		"put /v2/things/:id ShopWeb.V2.ThingController update [browser] false lib/shop_web/router.ex:26",
		"forward /dev/mailbox Plug.Swoosh.MailboxPreview  [] true lib/shop_web/router.ex:32",
		"get /health ShopWeb.Health check [] false lib/shop_web/router.ex:38",
		"match /any AnyController all [] false lib/shop_web/router.ex:39",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRoutesOfALargeRouter reads every route of the benchmarks' 20,000-line router, each with
// its own line.
func TestRoutesOfALargeRouter(t *testing.T) {
	dir := testtools.BigRouterFixture(t, 20_000)
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := testtools.BigRouter(t, 20_000)
	wantRoutes := strings.Count(src, "\n    get \"/page") + strings.Count(src, "\n    live \"/live") + strings.Count(src, "\n    resources \"/items") +
		2 // the fixture's own: get "/" and forward "/mailbox" (live_dashboard is not a route verb)
	if len(p.Routes) != wantRoutes {
		t.Fatalf("%d routes, want %d", len(p.Routes), wantRoutes)
	}
	lines := strings.Split(src, "\n")
	for _, r := range p.Routes {
		file, line, _ := strings.Cut(r.Source, ":")
		var n int
		fmt.Sscan(line, &n)
		if file != "lib/shop_web/router.ex" || n < 1 || n > len(lines) || !strings.Contains(lines[n-1], r.Verb+" ") {
			t.Fatalf("route %+v: its source does not name its line", r)
		}
	}
	last := p.Routes[len(p.Routes)-1]
	if !strings.HasPrefix(last.Path, "/area") || !strings.HasPrefix(last.To, "ShopWeb.Area") {
		t.Errorf("last route %+v: want one of the areas, with its scope's prefix and alias", last)
	}
}

// TestRoutesInOrderAcrossBlocks reads routes and pipelines around and between top-level blocks
// (which are read on their own): routes in source order, the last definition of a pipeline wins.
func TestRoutesInOrderAcrossBlocks(t *testing.T) {
	src := `defmodule R do
  use Phoenix.Router
  get "/first", A, :a
  pipeline :browser do
    plug :accepts
  end
  scope "/s" do
    pipe_through :browser
    get "/in", B, :b
    scope "/deeper", D do
      get "/x", X, :x
    end
  end
  get "/between", C, :c
  pipeline :browser do
    plug Auth
  end
  if true do
    get "/cond", E, :e
  end
  scope "/empty" do
  end
  get "/last", F, :f
end
`
	tree, err := elixir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	ix := &index{modules: map[string]*Module{}}
	ix.add("lib/r.ex", tree)
	got, pipelines := routes(ix.modules["R"], false)
	var paths []string
	for _, r := range got {
		paths = append(paths, fmt.Sprintf("%s %s %v %v %s", r.Path, r.To, r.Pipelines, r.Conditional, r.Source))
	}
	want := []string{
		"/first A [] false lib/r.ex:3",
		"/s/in B [browser] false lib/r.ex:9",
		"/s/deeper/x D.X [browser] false lib/r.ex:11",
		"/between C [] false lib/r.ex:14",
		"/cond E [] true lib/r.ex:19",
		"/last F [] false lib/r.ex:23",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
	if fmt.Sprint(pipelines) != "map[browser:[Auth]]" {
		t.Errorf("pipelines %v: want the last definition of browser, [Auth]", pipelines)
	}
}

// FuzzHealthPathNames: whatever a router declares, a route whose last segment is a health path
// (as the health route search reads it) has that name standing in the source where
// mayHaveHealthPath looks, so skipping the routes of a router it says no to misses none.
func FuzzHealthPathNames(f *testing.F) {
	f.Add("/", "/health")
	f.Add("/up", "")
	f.Add("/a/#{x}", "status/")
	f.Add("api", "./ping/.")
	f.Add("/x", "/_health/../healthz")
	f.Add("/", "\"\"\"\n/up\n\"\"\"")
	f.Add("0", "\"\"up\u00a0\n\"\"") // a heredoc (forward """up...), trimmed of a no-break space
	f.Fuzz(func(t *testing.T, scope, route string) {
		src := fmt.Sprintf("defmodule R do\n  use Phoenix.Router\n  scope %q do\n    get %q, C, :a\n    forward \"%s\", P\n    scope %q do\n      match :*, %q, M, :m\n    end\n  end\nend\n", scope, route, route, route, scope)
		tree, err := elixir.Parse(src)
		if err != nil {
			return
		}
		ix := &index{modules: map[string]*Module{}}
		ix.add("lib/r.ex", tree)
		m := ix.modules["R"]
		if m == nil {
			return
		}
		got, _ := routes(m, false)
		health, _ := routes(m, true)
		for _, r := range got {
			if !slices.Contains(healthPaths, "/"+path.Base(r.Path)) || r.Verb != "get" && r.Verb != "forward" && r.Verb != "match" {
				continue
			}
			if !mayHaveHealthPath(tree.Code) {
				t.Fatalf("route %s ends with a health path; mayHaveHealthPath says the source has none:\n%s", r.Path, src)
			}
			if !slices.ContainsFunc(health, func(h Route) bool { return reflect.DeepEqual(h, r) }) {
				t.Fatalf("route %+v may be a health route; reading only those left it out (%+v):\n%s", r, health, src)
			}
		}
	})
}

// TestHealthRoutesOnlyWhereTheRouterCanHaveOne: with HealthRoutes, a router with no health
// path's name in its text is not walked (no routes), and the health route found is the one a
// full read finds, with or without one.
func TestHealthRoutesOnlyWhereTheRouterCanHaveOne(t *testing.T) {
	for _, c := range []struct{ name, routes, health string }{
		{"none", `get "/page", PageController, :show`, ""},
		{"a health route", `get "/healthz", HealthController, :index`, "/healthz"},
		{"under a scope", `scope "/up" do` + "\n" + `get "/", UpController, :index` + "\nend", "/up/"},
		{"a name in a longer segment only", `get "/uptime", StatusController, :index`, ""},
		{"match :get", `match :get, "/healthz", HealthController, :index`, "/healthz"},
		{"match :*", `match(:*, "/up", UpController, :index)`, "/up"},
		{"match :post", `match :post, "/health", HealthController, :create`, ""},
		{"through a pipeline defined in a scope with no health path", "scope \"/x\" do\npipeline :probe do\nplug :accepts, [\"json\"]\nend\nend\n" +
			"scope \"/y\" do\nget \"/a\", A, :a\nend\nscope \"/\" do\npipe_through :probe\nget \"/healthz\", H, :i\nend", "/healthz"},
	} {
		dir := writeFiles(t, map[string]string{
			"mix.exs":                  "defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: [{:phoenix, \"~> 1.7\"}]]\nend\n",
			"lib/shop_web/endpoint.ex": "defmodule ShopWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :shop\n  plug ShopWeb.Router\nend\n",
			"lib/shop_web/router.ex":   "defmodule ShopWeb.Router do\n  use Phoenix.Router\n  scope \"/\", ShopWeb do\n" + c.routes + "\n  end\nend\n",
		})
		all, err := Read(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		health, err := Read(dir, Options{HealthRoutes: true})
		if err != nil {
			t.Fatal(err)
		}
		if all.ExistingHealthPath != c.health || health.ExistingHealthPath != c.health || health.Sources["health_route"] != all.Sources["health_route"] {
			t.Errorf("%s: health route %q (full read) and %q (HealthRoutes), want %q", c.name, all.ExistingHealthPath, health.ExistingHealthPath, c.health)
		}
		if len(all.Routes) == 0 {
			t.Errorf("%s: the full read found no routes", c.name)
		}
		if walked := len(health.Routes) > 0; walked != (c.health != "") {
			t.Errorf("%s: HealthRoutes walked the router: %v, want %v", c.name, walked, c.health != "")
		}
	}
}

// TestIsHealthNameIsHealthPaths: the names mayHaveHealthPath looks for are healthPaths'.
func TestIsHealthNameIsHealthPaths(t *testing.T) {
	for _, h := range healthPaths {
		if !isHealthName(h[1:]) {
			t.Errorf("%s is not a health name", h[1:])
		}
		if len(h[1:]) < 2 || len(h[1:]) > 12 {
			t.Errorf("%s: mayHaveHealthPath looks at segments of 2 to 12 bytes", h[1:])
		}
	}
	for _, s := range []string{"", "u", "healt", "Health", "pings", "upp"} {
		if isHealthName(s) {
			t.Errorf("%q is a health name", s)
		}
	}
}

// TestPipelineInKeywordForm: `pipeline :api, do: plug(...)` is read (a route through it was taken
// as behind an unknown pipeline, never used for probes); a body that is not one plug leaves
// the pipeline unknown.
func TestPipelineInKeywordForm(t *testing.T) {
	for _, c := range []struct{ pipeline, health string }{
		{`pipeline :probe, do: plug(:accepts, ["json"])`, "/healthz"},
		{`pipeline :probe, do: plug :accepts, ["json"]`, "/healthz"},
		{`pipeline :probe, do: plug(ShopWeb.RequireLogin)`, ""},
		{`pipeline :probe, do: (plug(:accepts, ["json"]); plug(ShopWeb.RequireLogin))`, ""},
	} {
		dir := writeFiles(t, map[string]string{
			"mix.exs":                  "defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: [{:phoenix, \"~> 1.7\"}]]\nend\n",
			"lib/shop_web/endpoint.ex": "defmodule ShopWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :shop\n  plug ShopWeb.Router\nend\n",
			"lib/shop_web/router.ex": "defmodule ShopWeb.Router do\n  use Phoenix.Router\n  " + c.pipeline +
				"\n  scope \"/\", ShopWeb do\n    pipe_through :probe\n    get \"/healthz\", HealthController, :index\n  end\nend\n",
		})
		for _, opts := range []Options{{}, {HealthRoutes: true}} {
			p, err := Read(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if p.ExistingHealthPath != c.health {
				t.Errorf("%s (%+v): health route %q, want %q", c.pipeline, opts, p.ExistingHealthPath, c.health)
			}
		}
	}
}
