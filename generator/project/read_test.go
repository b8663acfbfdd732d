package project

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/safefs"
)

// endpointFor is a minimal endpoint of app: every Phoenix project has one.
func endpointFor(app, module string) (string, string) {
	return "lib/" + app + "_web/endpoint.ex", "defmodule " + module + " do\n  use Phoenix.Endpoint, otp_app: :" + app + "\nend\n"
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const minimalMix = `defmodule Acme.MixProject do
  use Mix.Project

  def project do
    [app: :acme_store, version: "0.1.0", deps: deps()]
  end

  defp deps() do
    [
      {:phoenix, "~> 1.7.0"},
      # {:postgrex, ">= 0.0.0"},
      {:ecto_sqlite3, "~> 0.17"},
      {:libcluster, "~> 3.3"}
    ]
  end
end
`

func TestDetectReadsNamesVersionsAndDeps(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"mix.exs":                        minimalMix,
		"config/config.exs":              "import Config\n\nconfig :acme_store,\n  ecto_repos: [Storefront.Repo],\n  namespace: Storefront\n",
		".tool-versions":                 "# pinned\nerlang 27.2\nelixir 1.17.3-otp-27\n",
		"assets/js/app.js":               "",
		"lib/storefront.ex":              "",
		"config/prod.exs":                "import Config\n# config :acme_store, StorefrontWeb.Endpoint, force_ssl: [hsts: true]\n",
		"config/runtime.exs":             "import Config\n",
		"lib/storefront_web/endpoint.ex": "defmodule StorefrontWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :acme_store\n  plug StorefrontWeb.Router\nend\n",
		"lib/storefront_web/router.ex":   "defmodule StorefrontWeb.Router do\n  use Phoenix.Router\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]string{
		"app":        {p.App, "acme_store"},
		"base":       {p.Base, "Storefront"},
		"web":        {p.WebModule, "StorefrontWeb"},
		"release":    {p.Release, "acme_store"},
		"database":   {p.Database, "sqlite"},
		"phoenix":    {p.PhoenixMinor, "1.7"},
		"elixir":     {p.ElixirVersion, "1.17.3"},
		"otp":        {p.OTPVersion, "27.2"},
		"source":     {p.VersionSource, ".tool-versions"},
		"web lib":    {p.WebLib(), "lib/storefront_web"},
		"force_ssl":  {boolString(p.ForceSSL), "false"},
		"libcluster": {boolString(p.Libcluster), "true"},
		"assets":     {boolString(p.Assets), "true"},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", what, c[0], c[1])
		}
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestDetectVersionFiles(t *testing.T) {
	cases := []struct {
		files             map[string]string
		elixir, otp, from string
	}{
		{map[string]string{"mise.toml": "[tools]\nelixir = \"1.18.1-otp-27\"\nerlang = \"27.2.1\"\n"}, "1.18.1", "27.2.1", "mise.toml"},
		{map[string]string{".elixir-version": "1.16.3\n"}, "1.16.3", "", ".elixir-version"},
		{map[string]string{}, "", "", "built-in default"},
	}
	for _, c := range cases {
		p := readMinimal(t, c.files)
		if p.ElixirVersion != c.elixir || p.OTPVersion != c.otp || p.VersionSource != c.from {
			t.Errorf("%v: got %q %q from %q", c.files, p.ElixirVersion, p.OTPVersion, p.VersionSource)
		}
	}
}

// readMinimal reads a minimal Phoenix project (mix.exs, an endpoint) with files added.
func readMinimal(t *testing.T, files map[string]string) *Project {
	t.Helper()
	files["mix.exs"] = minimalMix
	f, ep := endpointFor("acme_store", "AcmeWeb.Endpoint")
	files[f] = ep
	p, err := Read(writeFiles(t, files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDetectUmbrellaReleases(t *testing.T) {
	web := "defmodule W.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop_web, deps: [{:phoenix, \"~> 1.7\"}, {:shop, in_umbrella: true}]]\nend\n"
	core := "defmodule C.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: [{:ecto_sql, \"~> 3.0\"}, {:postgrex, \">= 0.0.0\"}]]\nend\n"
	files := map[string]string{
		"apps/shop_web/mix.exs":                  web,
		"apps/shop_web/lib/shop_web/endpoint.ex": "defmodule ShopWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :shop_web\n  plug ShopWeb.Router\nend\n",
		"apps/shop_web/lib/shop_web/router.ex":   "defmodule ShopWeb.Router do\n  use ShopWeb, :router\nend\n",
		"apps/shop_web/lib/shop_web.ex":          "defmodule ShopWeb do\n  def router do\n    quote do\n      use Phoenix.Router\n    end\n  end\nend\n",
		"apps/shop/mix.exs":                      core,
		"mix.exs":                                "defmodule U.MixProject do\n  use Mix.Project\n  def project do\n    [apps_path: \"apps\", releases: [api: [applications: [shop: :permanent]], admin: [applications: [shop_web: :permanent]]]]\n  end\nend\n",
	}
	dir := writeFiles(t, files)
	_, err := Read(dir, Options{})
	var de *Error
	if !errors.As(err, &de) || !strings.Contains(de.Error(), "several releases are configured (api, admin)") || !strings.Contains(de.Error(), "--release NAME") {
		t.Fatalf("want an error asking for --release, got %v", err)
	}
	p, err := Read(dir, Options{Release: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Release != "admin" || p.App != "shop" || p.WebApp != "shop_web" || p.Database != "postgres" || p.WebLib() != "apps/shop_web/lib/shop_web" || p.AppDir() != "apps/shop" {
		t.Errorf("umbrella: %+v (web lib %s)", p, p.WebLib())
	}
	if _, err := Read(dir, Options{Release: "nope"}); err == nil || !strings.Contains(err.Error(), `no release named "nope" (releases: api, admin)`) {
		t.Errorf("unknown release: %v", err)
	}
	if _, err := Read(dir, Options{Release: "nope", SavedRelease: ".phxdeploy/answers.yaml"}); err == nil ||
		!strings.Contains(err.Error(), `no release named "nope" (releases: api, admin) for the release saved in .phxdeploy/answers.yaml`) || !strings.Contains(err.Error(), "replaces the saved one") {
		t.Errorf("unknown saved release: %v", err)
	}
}

func TestUnderscore(t *testing.T) {
	for in, want := range map[string]string{"MyAppWeb": "my_app_web", "HTTPServerWeb": "http_server_web", "Shop": "shop", "Acme.StoreWeb": "acme/store_web"} {
		if got := underscore(in); got != want {
			t.Errorf("underscore(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetectResolvesModuleAttributes(t *testing.T) {
	mix := "defmodule Acme.MixProject do\n  use Mix.Project\n\n  @app :acme\n  @version \"1.2.0\"\n\n  def project do\n    [app: @app, version: @version, deps: deps()]\n  end\n\n  defp deps, do: [{:phoenix, \"~> 1.7.14\"}]\nend\n"
	f, ep := endpointFor("acme", "AcmeWeb.Endpoint")
	p, err := Read(writeFiles(t, map[string]string{"mix.exs": mix, f: ep}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.App != "acme" || p.Base != "Acme" || p.PhoenixMinor != "1.7" {
		t.Errorf("got app %q base %q phoenix %q", p.App, p.Base, p.PhoenixMinor)
	}
}

func TestReadMixWithAHeredocEndingInABackslash(t *testing.T) {
	mix := "defmodule Acme.MixProject do\n  use Mix.Project\n\n  @moduledoc \"\"\"\n  The shop, \\\n  \"\"\"\n\n  def project do\n    [app: :acme, deps: [{:phoenix, \"~> 1.7.14\"}]]\n  end\nend\n"
	f, ep := endpointFor("acme", "AcmeWeb.Endpoint")
	p, err := Read(writeFiles(t, map[string]string{"mix.exs": mix, f: ep}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.App != "acme" {
		t.Errorf("app %q, want acme", p.App)
	}
}

func TestContractNamesWhatPhxdeployCannotList(t *testing.T) {
	ep, epSrc := endpointFor("acme_store", "AcmeStoreWeb.Endpoint")
	mix := strings.Replace(minimalMix, "[app: :acme_store, version: \"0.1.0\", deps: deps()]",
		"[app: :acme_store, version: \"0.1.0\", deps: deps(), releases: [acme_store: [config_providers: [{Toml.Provider, path: \"/etc/acme.toml\"}]]]]", 1)
	dir := writeFiles(t, map[string]string{
		"mix.exs": mix, ep: epSrc,
		"config/runtime.exs":       "import Config\n\nif config_env() == :prod do\n  config :acme_store, :env, Mix.env()\n  config :acme_store, :key, System.get_env(\"#{prefix}_KEY\")\nend\n",
		"lib/acme_store/worker.ex": "defmodule AcmeStore.Worker do\n  @sha System.get_env(\"GIT_SHA\")\n  def token, do: System.fetch_env!(\"WORKER_TOKEN\")\n  def sha, do: @sha\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Contract
	if len(c.Providers) != 1 || c.Providers[0] != "Toml.Provider" {
		t.Errorf("config providers: %v", c.Providers)
	}
	if len(c.MixAtRuntime) != 1 || !strings.HasPrefix(c.MixAtRuntime[0], "config/runtime.exs:4") {
		t.Errorf("Mix.env() in runtime.exs: %v", c.MixAtRuntime)
	}
	if len(c.Computed) != 1 || c.Computed[0] != "config/runtime.exs:5" {
		t.Errorf("computed names: %v", c.Computed)
	}
	if v := c.Var("WORKER_TOKEN"); v == nil || v.Required || !v.Secret || !strings.Contains(v.When, "AcmeStore.Worker.token") {
		t.Errorf("a read in a function that runs later is optional for the deployment: %+v", v)
	}
	if len(c.Build) != 1 || c.Build[0].Name != "GIT_SHA" {
		t.Errorf("a module attribute reads at compile time: %+v", c.Build)
	}
	for _, w := range []string{"Toml.Provider", "config/runtime.exs:4", "config/runtime.exs:5", "reads GIT_SHA at compile time"} {
		if !strings.Contains(strings.Join(p.Warnings, "\n"), w) {
			t.Errorf("no warning mentions %q: %q", w, p.Warnings)
		}
	}
}

// Module files are read through their own directory, and where that cannot reach them (a link
// to a sibling directory: a directory's own root refuses it) through the project's root, as
// before: what is indexed, in which order, and a link out of the project still stop the read.
func TestIndexReadsLinksAsTheProjectRootDoes(t *testing.T) {
	ep, epSrc := endpointFor("acme_store", "AcmeStoreWeb.Endpoint")
	dir := writeFiles(t, map[string]string{
		"mix.exs":                      minimalMix,
		ep:                             epSrc,
		"lib/acme_store/a/first.ex":    "defmodule AcmeStore.First do\nend\n",
		"lib/acme_store/b/second.ex":   "defmodule AcmeStore.Second do\nend\n",
		"priv/shared/linked_source.ex": "defmodule AcmeStore.Linked do\n  def read, do: System.get_env(\"LINKED_SETTING\")\nend\n",
	})
	if err := os.Symlink("../../../priv/shared/linked_source.ex", filepath.Join(dir, "lib/acme_store/a/linked.ex")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	d, err := safefs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f := &files{d: d, show: dir}
	ix, err := readIndex(f, []string{"lib"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ix.order, " "); got != "AcmeStore.First AcmeStore.Linked AcmeStore.Second AcmeStoreWeb.Endpoint" {
		t.Errorf("modules in order: %s", got)
	}
	if len(ix.reads) != 1 || ix.reads[0].file != "lib/acme_store/a/linked.ex" {
		t.Errorf("reads: %+v", ix.reads)
	}
	// A link out of the project stops the read with the error the project's root gives.
	outside := filepath.Join(t.TempDir(), "outside.ex")
	if err := os.WriteFile(outside, []byte("defmodule Out do\nend\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "lib/acme_store/b/out.ex")); err != nil {
		t.Fatal(err)
	}
	if _, err := readIndex(f, []string{"lib"}); err == nil || !strings.Contains(err.Error(), "lib/acme_store/b/out.ex") || !strings.Contains(err.Error(), "outside") {
		t.Errorf("a link out of the project: %v", err)
	}
}

// A compile-time read is told "the runtime config's value wins" only where both reads are
// config for one key; a module attribute keeps its build-time value whatever else reads the
// variable (papercups, changelog.com); a parameter's default is read when the function is
// called, not at compile time (hexpm's `def mode(value \\ System.get_env("HEXPM_MODE"))`).
func TestCompileTimeReadsAdvice(t *testing.T) {
	ep, epSrc := endpointFor("acme_store", "AcmeStoreWeb.Endpoint")
	dir := writeFiles(t, map[string]string{
		"mix.exs": minimalMix, ep: epSrc,
		"config/config.exs": "import Config\nconfig :acme_store, :region, System.get_env(\"REGION\")\nconfig :waffle, bucket: System.get_env(\"BUCKET\")\n" +
			"ssl = System.get_env(\"DB_SSL\") == \"true\"\nconfig :acme_store, Repo, ssl: ssl\n",
		"config/runtime.exs": "import Config\nconfig :acme_store, :region, System.get_env(\"REGION\")\nif System.get_env(\"DB_SSL\") == \"true\", do: config(:acme_store, Repo, ssl: true)\n",
		"lib/acme_store/worker.ex": "defmodule AcmeStore.Worker do\n  @admin System.get_env(\"ADMIN_ID\")\n  def admin, do: @admin\n" +
			"  def admin_now, do: System.get_env(\"ADMIN_ID\")\n  def bucket, do: System.get_env(\"BUCKET\")\n" +
			"  def mode(value \\\\ System.get_env(\"MODE\")), do: value\n" +
			"  def head(value \\\\ System.get_env(\"HEAD_MODE\"))\n  def head(nil), do: :a\n  def head(v), do: v\n" +
			"  def g(v) when is_binary(v), do: System.get_env(\"GUARDED\")\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	warnings := strings.Join(p.Warnings, "\n")
	for _, want := range []string{
		"reads REGION at compile time: its value is frozen into the image when it is built; the runtime config reads it too and its value wins: delete the read here",
		"reads BUCKET at compile time: its value is frozen into the image when it is built; move the read to config/runtime.exs",
		"reads ADMIN_ID at compile time: its value is frozen into the image when it is built; read it when the code runs instead",
		"reads DB_SSL at compile time: its value is frozen into the image when it is built; the runtime config reads it too: where it sets the same key",
	} {
		if !strings.Contains(warnings, want) {
			t.Errorf("no warning says %q:\n%s", want, warnings)
		}
	}
	for _, name := range []string{"MODE", "HEAD_MODE", "GUARDED"} {
		if strings.Contains(warnings, " "+name+" at compile time") {
			t.Errorf("%s, read in a function (a default, a bodiless head's default, a guarded one-line body), is called a compile-time read:\n%s", name, warnings)
		}
	}
}

// A project whose release Distillery builds is told that phxdeploy's files are for mix release.
func TestDistilleryProjectIsTold(t *testing.T) {
	ep, epSrc := endpointFor("acme_store", "AcmeStoreWeb.Endpoint")
	mix := strings.Replace(minimalMix, `{:libcluster, "~> 3.3"}`, `{:libcluster, "~> 3.3"}, {:distillery, "~> 2.1"}`, 1)
	files := map[string]string{"mix.exs": mix, ep: epSrc, "rel/config.exs": "use Distillery.Releases.Config\n"}
	p, err := Read(writeFiles(t, files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "builds its release with Distillery") {
		t.Errorf("no warning about Distillery: %q", p.Warnings)
	}
	delete(files, "rel/config.exs") // a leftover dependency, no Distillery release
	if p, err := Read(writeFiles(t, files), Options{}); err != nil || strings.Contains(strings.Join(p.Warnings, "\n"), "Distillery") {
		t.Errorf("a Distillery warning without rel/config.exs (%v): %q", err, p.Warnings)
	}
}

// A read through a helper another file defines is read (Livebook's runtime config calls
// Livebook.config_runtime(), whose Livebook.Config.secret!("LIVEBOOK_SECRET_KEY_BASE") reads the
// variable in lib/livebook/config.ex): by the module's name, through an alias, and after an
// import, from a file that names System nowhere.
func TestReadsThroughHelpersOfOtherFiles(t *testing.T) {
	ep, epSrc := endpointFor("acme_store", "AcmeStoreWeb.Endpoint")
	dir := writeFiles(t, map[string]string{
		"mix.exs": minimalMix, ep: epSrc,
		"config/runtime.exs": "import Config\nAcmeStore.config_runtime()\n",
		"lib/acme_store/config.ex": "defmodule AcmeStore.Config do\n  def secret!(env) do\n    if value = System.get_env(env) do\n      value\n    end\n  end\n\n" +
			"  def port!(env, default), do: String.to_integer(System.get_env(env) || default)\nend\n",
		"lib/acme_store.ex": "defmodule AcmeStore do\n  alias AcmeStore.Config, as: C\n\n  def config_runtime do\n" +
			"    Application.put_env(:acme_store, :key, AcmeStore.Config.secret!(\"ACME_SECRET\") || :crypto.strong_rand_bytes(32))\n" +
			"    Application.put_env(:acme_store, :other, C.secret!(\"ACME_OTHER\"))\n  end\nend\n",
		"lib/acme_store/web.ex": "defmodule AcmeStore.Web do\n  import AcmeStore.Config, only: [port!: 2]\n\n" +
			"  def port, do: port!(\"ACME_PORT\", \"8080\")\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ACME_SECRET", "ACME_OTHER", "ACME_PORT"} {
		v := p.Contract.Var(name)
		if v == nil {
			t.Errorf("%s, read through a helper of lib/acme_store/config.ex, is not in the contract: %+v", name, p.Contract.Runtime)
			continue
		}
		if v.Required || len(v.Sources) == 0 || !strings.HasPrefix(v.Sources[0], "lib/acme_store") {
			t.Errorf("%s: %+v; want optional, read in lib/acme_store.ex or lib/acme_store/web.ex", name, *v)
		}
	}
}

// Code compiled only for another build target (Livebook's desktop app: `@app? Mix.target() ==
// :app`, then `if @app? do defp ... System.fetch_env!(...)`) reads nothing in a release built
// for the default target, :host; code compiled for :host reads what it reads.
func TestReadsUnderABuildTarget(t *testing.T) {
	src := `defmodule Acme.Application do
  @app? Mix.target() == :app
  @host Mix.target() == :host
  @not_app Mix.target() != :app
  @from_env System.get_env("DESKTOP") == "1"

  if @app? do
    defp app_specs, do: [{PubSub, connect: System.fetch_env!("APP_ONLY")}]
  else
    defp app_specs, do: [{PubSub, connect: System.fetch_env!("HOST_ELSE")}]
  end

  if @host, do: def(a, do: System.fetch_env!("HOST_ONLY"))
  unless @not_app, do: def(b, do: System.fetch_env!("NOT_NOT_APP"))
  if config_target() in ~w(rpi4 host)a, do: def(c, do: System.fetch_env!("TARGET_LIST"))
  if @from_env, do: def(d, do: System.fetch_env!("FROM_ENV"))
  if @undefined, do: def(e, do: System.fetch_env!("UNDEFINED"))

  defmodule Nested do
    @app? true
    if @app?, do: def(f, do: System.fetch_env!("NESTED_OWN"))
  end

  if @app?, do: def(g, do: System.fetch_env!("OUTER_AGAIN"))

  @feature false
  if System.get_env("FEATURE_BUILD") == "1" do
    @feature true
  end
  if @feature, do: def(h, do: System.fetch_env!("REDEFINED_IN_A_BLOCK"))

  @desktop true
  defmodule Inner do
    unless @desktop, do: def(i, do: System.fetch_env!("OUTER_ATTRIBUTE_IN_INNER"))
  end
end

defmodule Acc do
  Module.register_attribute(__MODULE__, :flag, accumulate: true)
  @flag false
  if @flag, do: def(j, do: System.fetch_env!("ACCUMULATED"))
end
`
	reads := readsOf(t, src, nil)
	for name, want := range map[string]string{
		"APP_ONLY": "skip", "NOT_NOT_APP": "skip", "OUTER_AGAIN": "skip",
		"HOST_ELSE": "always", "HOST_ONLY": "always", "TARGET_LIST": "always", "NESTED_OWN": "always",
		"FROM_ENV": "conditional", "UNDEFINED": "conditional",
		// found by a reviewing helper: a redefinition under an if, an enclosing module's
		// attribute (nil in the nested module: elixir 1.14), an accumulating attribute ([false])
		"REDEFINED_IN_A_BLOCK": "conditional", "OUTER_ATTRIBUTE_IN_INNER": "conditional", "ACCUMULATED": "conditional",
	} {
		r, ok := reads[name]
		got := "always"
		switch {
		case !ok:
			got = "missing"
		case r.skip:
			got = "skip"
		case r.when != "":
			got = "conditional"
		}
		if got != want {
			t.Errorf("%s: %s (%+v); want %s", name, got, r, want)
		}
	}
}

// A runtime config that calls a function of the project (Livebook's `Livebook.config_runtime()`)
// gets the settings that function's config calls make, in the place of the call: the file's
// own settings after the call win, those before it lose. A host or DNS query read through a
// helper that reshapes the value (returns a part of it) is named, not taken as the setting.
func TestSettingsOfAFunctionTheRuntimeConfigCalls(t *testing.T) {
	ep, epSrc := endpointFor("acme_store", "AcmeStoreWeb.Endpoint")
	dir := writeFiles(t, map[string]string{
		"mix.exs": minimalMix, ep: epSrc,
		"config/runtime.exs": "import Config\n\nconfig :acme_store, AcmeStoreWeb.Endpoint, http: [port: String.to_integer(System.get_env(\"EARLY_PORT\") || \"4000\")]\n\n" +
			"AcmeStore.config_runtime()\n\nif config_env() == :prod do\n  config :acme_store, AcmeStoreWeb.Endpoint, url: [host: System.get_env(\"LATE_HOST\")]\nend\n",
		"lib/acme_store/config.ex": "defmodule AcmeStore.Config do\n  def secret!(env) do\n    if value = System.get_env(env) do\n      if byte_size(value) < 64, do: raise(\"short\")\n      value\n    end\n  end\n\n" +
			"  def query!(env) do\n    case System.get_env(env) do\n      \"dns:\" <> query -> query\n      nil -> nil\n    end\n  end\nend\n",
		"lib/acme_store.ex": "defmodule AcmeStore do\n  def config_runtime do\n    import Config\n\n" +
			"    config :acme_store, AcmeStoreWeb.Endpoint,\n      secret_key_base: AcmeStore.Config.secret!(\"ACME_SECRET_KEY_BASE\") || :crypto.strong_rand_bytes(64),\n" +
			"      url: [host: System.get_env(\"ACME_HOST\")],\n      http: [port: String.to_integer(System.get_env(\"ACME_PORT\") || \"8080\")]\n\n" +
			"    config :acme_store, :dns_cluster_query, AcmeStore.Config.query!(\"ACME_CLUSTER\")\n  end\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for env, want := range map[string]string{
		"SECRET_KEY_BASE": "ACME_SECRET_KEY_BASE", // set by the function only
		"PORT":            "ACME_PORT",            // the function's call comes after the file's
		"PHX_HOST":        "LATE_HOST",            // the file's call comes after the function's
	} {
		if got := p.Settings[env]; got.Name != want {
			t.Errorf("%s: %+v; want it read from %s", env, got, want)
		}
	}
	if got := p.Settings["SECRET_KEY_BASE"].Source; got != "lib/acme_store.ex:6" {
		t.Errorf("SECRET_KEY_BASE's source: %q; want lib/acme_store.ex:6", got)
	}
	if got := p.Settings["DNS_CLUSTER_QUERY"]; got.Name != "" || len(got.Candidates) != 1 || !strings.HasPrefix(got.Candidates[0], "ACME_CLUSTER (through AcmeStore.Config.query!)") {
		t.Errorf("DNS_CLUSTER_QUERY: %+v; want ACME_CLUSTER named as a candidate (query! returns a part of the value)", got)
	}
	// A helper returning the value through `case System.get_env(name) do nil -> default; value
	// -> value end` does not reshape it: the host read through it is named (found by a
	// reviewing helper: it had become a manual step).
	if err := os.WriteFile(filepath.Join(dir, "lib/acme_store/env.ex"), []byte("defmodule AcmeStore.Env do\n  def get(name, default \\\\ nil) do\n"+
		"    case System.get_env(name) do\n      nil -> default\n      value -> value\n    end\n  end\nend\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config/runtime.exs"), []byte("import Config\n\nconfig :acme_store, AcmeStoreWeb.Endpoint, url: [host: AcmeStore.Env.get(\"THE_HOST\", \"example.com\")]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := Read(dir, Options{}); err != nil || p.Settings["PHX_HOST"].Name != "THE_HOST" {
		t.Errorf("a host read through a case that returns the value: %+v (%v); want THE_HOST", p.Settings["PHX_HOST"], err)
	}
	// A parameter of the function called is no local of another function (dev_host's host).
	if err := os.WriteFile(filepath.Join(dir, "lib/acme_store/params.ex"), []byte("defmodule AcmeStore.Params do\n  def dev_host do\n    host = System.get_env(\"DEV_HOST\") || \"localhost\"\n    host\n  end\n\n"+
		"  def config_runtime(host) do\n    import Config\n    config :acme_store, AcmeStoreWeb.Endpoint, url: [host: host, port: 443]\n  end\nend\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config/runtime.exs"), []byte("import Config\nAcmeStore.Params.config_runtime(System.get_env(\"REAL_HOST\"))\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := Read(dir, Options{}); err != nil || p.Settings["PHX_HOST"].Name == "DEV_HOST" {
		t.Errorf("a parameter taken for another function's local: %+v (%v)", p.Settings["PHX_HOST"], err)
	}
	// A call that not every production boot makes provides nothing.
	for _, cond := range []string{"config_env() == :dev", "System.get_env(\"ACME_CONFIG\")", "Acme.enabled?()"} {
		runtime := "import Config\n\nif " + cond + " do\n  AcmeStore.config_runtime()\nend\n"
		if err := os.WriteFile(filepath.Join(dir, "config/runtime.exs"), []byte(runtime), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := Read(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := p.Settings["SECRET_KEY_BASE"]; ok {
			t.Errorf("under if %s: SECRET_KEY_BASE %+v; want none (the call may not run)", cond, got)
		}
	}
}

// TestContentIsTheFileAsRead checks that the router and endpoint Read keeps parsed are given back
// as they were read (an edit starts from them instead of reading them again), and that no other
// file is.
func TestContentIsTheFileAsRead(t *testing.T) {
	router := "defmodule StorefrontWeb.Router do\n  use Phoenix.Router\n\n  scope \"/\" do\n  end\nend\n"
	dir := writeFiles(t, map[string]string{
		"mix.exs":                        minimalMix,
		"config/config.exs":              "import Config\n",
		"lib/storefront.ex":              "defmodule Storefront do\nend\n",
		"lib/storefront_web/endpoint.ex": "defmodule StorefrontWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :acme_store\n  plug StorefrontWeb.Router\nend\n",
		"lib/storefront_web/router.ex":   router,
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lib/storefront_web/router.ex"), []byte("changed since"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := p.Content("lib/storefront_web/router.ex"); !ok || got != router {
		t.Errorf("router: %q, %v", got, ok)
	}
	if got, ok := p.Content("lib/storefront_web/endpoint.ex"); !ok || !strings.Contains(got, "plug StorefrontWeb.Router") {
		t.Errorf("endpoint: %q, %v", got, ok)
	}
	for _, rel := range []string{"lib/storefront.ex", "mix.exs", "config/config.exs", "lib/none.ex", ""} {
		if got, ok := p.Content(rel); ok {
			t.Errorf("%s: %q", rel, got)
		}
	}
}

// TestOtherRepoURLs: a repo of ecto_repos whose URL comes from another variable than the main
// repo's is a database the deployment provides; one that shares the main repo's variable, or
// a repo outside ecto_repos, is not.
func TestOtherRepoURLs(t *testing.T) {
	for _, c := range []struct {
		repos, runtime string
		want           []RepoURL
	}{
		{"[Storefront.Repo, Storefront.Events]", "config :acme_store, Storefront.Events, url: System.get_env(\"EVENTS_URL\", \"http://events:8123/e\")\n",
			[]RepoURL{{Repo: "Storefront.Events", Var: "EVENTS_URL", Default: `"http://events:8123/e"`, Source: "config/runtime.exs:4"}}},
		{"[Storefront.Repo, Storefront.Replica]", "config :acme_store, Storefront.Replica, url: database_url\n", nil},
		{"[Storefront.Repo]", "config :acme_store, Storefront.Events, url: System.get_env(\"EVENTS_URL\")\n", nil},
		// falling back to the main repo's URL: nothing more to provide
		{"[Storefront.Repo, Storefront.Events]", "config :acme_store, Storefront.Events, url: System.get_env(\"EVENTS_URL\") || database_url\n", nil},
		{"[Storefront.Repo, Storefront.Events]", "config :acme_store, Storefront.Events, url: System.get_env(\"EVENTS_URL\", database_url)\n", nil},
		{"[Storefront.Repo, Storefront.Events]", "if url = System.get_env(\"EVENTS_URL\") do\n  config :acme_store, Storefront.Events, url: url\nend\nif System.get_env(\"EVENTS\") do\n  config :acme_store, Storefront.Events, url: System.get_env(\"EVENTS_URL\")\nend\n", nil},
	} {
		dir := writeFiles(t, map[string]string{
			"mix.exs":                        strings.Replace(minimalMix, `{:ecto_sqlite3, "~> 0.17"}`, `{:postgrex, ">= 0.0.0"}`, 1),
			"config/config.exs":              "import Config\nconfig :acme_store, ecto_repos: " + c.repos + "\n",
			"config/runtime.exs":             "import Config\ndatabase_url = System.fetch_env!(\"DATABASE_URL\")\nconfig :acme_store, Storefront.Repo, url: database_url\n" + c.runtime,
			"lib/storefront_web/endpoint.ex": "defmodule StorefrontWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :acme_store\nend\n",
		})
		p, err := Read(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.OtherRepoURLs, c.want) {
			t.Errorf("%s, %q: %+v, want %+v", c.repos, c.runtime, p.OtherRepoURLs, c.want)
		}
	}
}

// TestReadsThroughTheEnvironmentAsAMap: sequinstream/sequin's runtime config takes the whole
// environment (env_vars = System.get_env()) and reads it with Map.get, env["X"] and functions of
// its own given it whole (ConfigParser.secret_key_base(env_vars) -> Map.get(env,
// "SECRET_KEY_BASE")). Those are reads, at the call: the settings are named from them. A map
// that is not the environment, or a function given something else, reads nothing.
func TestReadsThroughTheEnvironmentAsAMap(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"mix.exs":           strings.Replace(minimalMix, `{:ecto_sqlite3, "~> 0.17"}`, `{:postgrex, ">= 0.0.0"}`, 1),
		"config/config.exs": "import Config\nconfig :acme_store, ecto_repos: [Storefront.Repo]\n",
		"config/runtime.exs": `import Config
alias Storefront.ConfigParser
env_vars = System.get_env()
opts = %{"REGION" => "x"}
if config_env() == :prod do
  config :acme_store, Storefront.Repo, url: Map.fetch!(env_vars, "PG_URL")
  config :acme_store, StorefrontWeb.Endpoint,
    url: [host: ConfigParser.server_host(env_vars)],
    http: [port: ConfigParser.server_port(env_vars)],
    secret_key_base: ConfigParser.secret_key_base(env_vars)
  config :acme_store, region: Map.get(opts, "REGION"), zone: ConfigParser.zone(opts), label: env_vars["LABEL"], key: Map.fetch!(env_vars, "API_KEY")
end
if config_env() == :dev do
  config :acme_store, zone: ConfigParser.zone(env_vars)
end
`,
		"lib/storefront/config_parser.ex": `defmodule Storefront.ConfigParser do
  def server_host(env), do: Map.get(env, "SERVER_HOST") || "localhost"
  def server_port(env) do
    String.to_integer(Map.get(env, "SERVER_PORT") || Map.get(env, "PORT") || "7376")
  end
  def secret_key_base(env), do: Map.get(env, "SECRET_KEY_BASE")
  def zone(env), do: Map.get(env, "ZONE")
end
`,
		"lib/storefront_web/endpoint.ex": "defmodule StorefrontWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :acme_store\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for env, want := range map[string]string{"DATABASE_URL": "PG_URL", "PHX_HOST": "SERVER_HOST", "PORT": "SERVER_PORT", "SECRET_KEY_BASE": "SECRET_KEY_BASE"} {
		if got := p.Settings[env].Name; got != want {
			t.Errorf("setting %s: %q (%+v), want %q", env, got, p.Settings[env], want)
		}
	}
	for name, required := range map[string]bool{"PG_URL": true, "SERVER_HOST": false, "SERVER_PORT": false, "PORT": false, "SECRET_KEY_BASE": false, "LABEL": false, "API_KEY": true} {
		if v := p.Contract.Var(name); v == nil || v.Required != required {
			t.Errorf("%s: %+v, want read, required %v", name, v, required)
		}
	}
	if v := p.Contract.Var("PORT"); v == nil || v.AlternativeOf != "" && v.AlternativeOf != "SERVER_PORT" {
		t.Errorf("PORT: %+v", v)
	}
	for _, name := range []string{"REGION", "ZONE"} {
		if v := p.Contract.Var(name); v != nil {
			t.Errorf("%s is read from a map that is not the environment: %+v", name, v)
		}
	}
}

// TestOtherRepoURLsBesideARepoConfiguredByParts: the main repo configured from its parts
// (hostname, username, ...) does not hide a second repo's URL variable.
func TestOtherRepoURLsBesideARepoConfiguredByParts(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"mix.exs":           strings.Replace(minimalMix, `{:ecto_sqlite3, "~> 0.17"}`, `{:postgrex, ">= 0.0.0"}`, 1),
		"config/config.exs": "import Config\nconfig :acme_store, ecto_repos: [Storefront.Repo, Storefront.Events]\n",
		"config/runtime.exs": "import Config\nconfig :acme_store, Storefront.Repo, hostname: System.fetch_env!(\"DB_HOST\"), username: System.fetch_env!(\"DB_USER\"), database: \"app\"\n" +
			"config :acme_store, Storefront.Events, url: System.get_env(\"CLICKHOUSE_DATABASE_URL\", \"http://events_db:8123/events\")\n",
		"lib/storefront_web/endpoint.ex": "defmodule StorefrontWeb.Endpoint do\n  use Phoenix.Endpoint, otp_app: :acme_store\nend\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.OtherRepoURLs) != 1 || p.OtherRepoURLs[0].Var != "CLICKHOUSE_DATABASE_URL" || !p.Settings["DATABASE_URL"].Parts {
		t.Errorf("other repo URLs %+v, main %+v", p.OtherRepoURLs, p.Settings["DATABASE_URL"])
	}
}

// TestMixInTheRelease: with :mix in extra_applications (supabase/realtime), Mix is in the
// release and Mix.env() does not raise there: the warning says what it returns instead.
func TestMixInTheRelease(t *testing.T) {
	ep, epSrc := endpointFor("acme_store", "AcmeStoreWeb.Endpoint")
	for extra, inRelease := range map[string]bool{"[:logger, :mix]": true, "[:logger]": false} {
		mix := strings.Replace(minimalMix, "[app: :acme_store, version: \"0.1.0\", deps: deps()]",
			"[app: :acme_store, version: \"0.1.0\", deps: deps()]\n  end\n\n  def application do\n    [extra_applications: "+extra+"]", 1)
		dir := writeFiles(t, map[string]string{
			"mix.exs": mix, ep: epSrc,
			"config/runtime.exs": "import Config\nconfig :acme_store, :env, Mix.env()\n",
		})
		p, err := Read(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		w := strings.Join(p.Warnings, "\n")
		if strings.Contains(w, "raises UndefinedFunctionError") == inRelease || strings.Contains(w, "puts :mix in the release") != inRelease {
			t.Errorf("extra_applications %s: warnings %q", extra, p.Warnings)
		}
	}
}
