package patch

import (
	"errors"
	"strings"
	"testing"
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
