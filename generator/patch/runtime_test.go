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
