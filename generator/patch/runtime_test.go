package patch

import (
	"errors"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/setting"
)

// TestRuntimeManualReasonsNameTheFile: in a project from Elixir 1.9-1.10 the runtime config is
// config/releases.exs, and a manual step must say so.
func TestRuntimeManualReasonsNameTheFile(t *testing.T) {
	for src, why := range map[string]string{
		"import Config\nimport_config \"prod.secret.exs\"\n":                 "loads other files",
		"import Config\nif config_env() == :prod do config :a, b: 1 end\n":   "written on one line",
		"import Config\nconfig :shop, ShopWeb.Endpoint, url: [host: \"x\"\n": "cannot be read as Elixir",
	} {
		_, err := Runtime(src, "config/releases.exs", shop)
		var m *Manual
		if !errors.As(err, &m) || !strings.Contains(m.Reason, "config/releases.exs") || !strings.Contains(m.Reason, why) ||
			strings.Contains(m.Reason, "runtime.exs") {
			t.Errorf("%q: reason %v; want one naming config/releases.exs and %q", src, err, why)
		}
	}
}

// TestRuntimeLoadingAnotherFile: Code.eval_file, Config.Reader.read! and import_config load
// settings phxdeploy cannot see, a manual step; Config.Reader.merge (a keyword merge) and
// Code.ensure_loaded? do not, and the settings are added.
func TestRuntimeLoadingAnotherFile(t *testing.T) {
	for src, loads := range map[string]bool{
		"import Config\nCode.eval_file(\"extra.exs\")\n":                                      true,
		"import Config\nCode.require_file(\"extra.exs\", __DIR__)\n":                          true,
		"import Config\nfor {k, v} <- Config.Reader.read!(\"extra.exs\"), do: config(k, v)\n": true,
		"import Config\nimport_config \"prod.secret.exs\"\n":                                  true,
		"import Config\nopts = Config.Reader.merge([a: [b: 1]], [a: [c: 2]])\n":               false,
		"import Config\nif Code.ensure_loaded?(Jason), do: config(:a, json: Jason)\n":         false,
	} {
		out, err := Runtime(src, "config/runtime.exs", shop)
		var m *Manual
		gotLoads := errors.As(err, &m) && strings.Contains(m.Reason, "loads other files")
		if gotLoads != loads || !loads && (err != nil || !strings.Contains(out, "DATABASE_URL")) {
			t.Errorf("%q: %q, %v; want it to load another file: %v", src, out, err, loads)
		}
	}
}

// A runtime config that calls the project's code is left to the user with only the settings
// phxdeploy did not find (c.Provided holds those the called function sets), and left as it is
// when every setting is found.
func TestRuntimeCallingProjectCodeAsksOnlyForWhatIsMissing(t *testing.T) {
	src := "import Config\nShop.Config.runtime()\n"
	c := shop
	c.Provided = map[string]bool{}
	for _, s := range setting.For(c) {
		c.Provided[s.Env] = true
	}
	if out, err := Runtime(src, "config/runtime.exs", c); err != nil || out != src {
		t.Errorf("every setting provided: %q, %v; want the file as it is", out, err)
	}
	c.Provided = map[string]bool{"SECRET_KEY_BASE": true}
	_, err := Runtime(src, "config/runtime.exs", c)
	var m *Manual
	if !errors.As(err, &m) || !strings.Contains(m.Reason, "calls Shop.Config") {
		t.Fatalf("%v; want a manual step naming the call", err)
	}
	if strings.Contains(m.Snippet, "secret_key_base") || !strings.Contains(m.Snippet, "DATABASE_URL") {
		t.Errorf("snippet:\n%s\nwant the database URL and not secret_key_base (the called function sets it)", m.Snippet)
	}
}

// TestRuntimeForTheBuildEnv: a release built with another MIX_ENV (Plausible's ce) runs the
// runtime config with config_env() == :ce, so settings go in a block that runs then: one testing
// config_env() == :ce or in a list holding :ce, else a new `if config_env() == :ce`; a prod
// block does not run there.
func TestRuntimeForTheBuildEnv(t *testing.T) {
	c := shop
	c.BuildEnv = "ce"
	for src, want := range map[string]string{
		"import Config\nif config_env() in [:prod, :ce, :load] do\n  config :shop, a: 1\nend\n": "\nif config_env() in [:prod, :ce, :load] do\n",
		"import Config\nif :ce == config_env() do\n  config :shop, a: 1\nend\n":                 "\nif :ce == config_env() do\n",
		"import Config\nif config_env() in [:prod] ++ extra() do\n  config :shop, a: 1\nend\n":  "\nend\n\nif config_env() == :ce do\n",
		"import Config\n": "\nif config_env() == :ce do\n",
	} {
		out, err := Runtime(src, "config/runtime.exs", c)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if !strings.Contains(out, want) || !strings.Contains(out, "DATABASE_URL") || strings.Count(out, "DATABASE_URL") != strings.Count(out[strings.Index(out, want):], "DATABASE_URL") {
			t.Errorf("%q:\n%s\nwant the settings after %q", src, out, want)
		}
	}
	var m *Manual
	if _, err := Runtime("import Config\nimport_config \"x.exs\"\n", "config/runtime.exs", c); !errors.As(err, &m) || !strings.Contains(m.Snippet, "if config_env() == :ce do") {
		t.Errorf("the manual step's snippet: %v", err)
	}
	// settings only under a prod block never run: a manual step, not a block beside it
	if _, err := Runtime("import Config\nif config_env() == :prod do\n  config :shop, a: 1\nend\n", "config/runtime.exs", c); !errors.As(err, &m) ||
		!strings.Contains(m.Reason, "MIX_ENV=ce, so that block never runs") || !strings.Contains(m.Snippet, "if config_env() == :ce do") {
		t.Errorf("a prod block only: %v", err)
	}
}
