package patch

import (
	"os"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Shapes seen in public Phoenix apps (testdata/shapes): each patcher must place its edit where
// the shape needs it, keep the file parsing, and be stable on a second pass.
func TestRealWorldShapes(t *testing.T) {
	cases := []struct {
		file  string
		patch func(string) (string, error)
		check func(t *testing.T, out string)
	}{
		{"filtered_children_application.ex", func(s string) (string, error) { return Children(s, "application.ex", dnsClusterChild) },
			func(t *testing.T, out string) {
				// `!parent && Child` elements and `|> Enum.filter(& &1)`: DNSCluster goes before the
				// comment that introduces PubSub.
				want := "        {DNSCluster, query: Application.get_env(:shop, :dns_cluster_query) || :ignore},\n        # Start the PubSub system\n        {Phoenix.PubSub, name: LiveBeats.PubSub},"
				if !strings.Contains(out, want) {
					t.Errorf("DNSCluster not before PubSub's comment:\n%s", out)
				}
			}},
		{"parens_catchall_router.ex", func(s string) (string, error) { return Router(s, "router.ex", "/health", "ShopWeb.Health") },
			func(t *testing.T, out string) {
				health, api, slug := strings.Index(out, `forward "/health"`), strings.Index(out, `scope "/api"`), strings.Index(out, `live("/:slug"`)
				if health < 0 || health > api || health > slug {
					t.Errorf("the health scope must come before every other scope and the catch-all route:\n%s", out)
				}
			}},
		{"staging_helper_runtime.exs", func(s string) (string, error) { return Runtime(s, "config/runtime.exs", shop) },
			func(t *testing.T, out string) {
				// Read through a helper, under other names, in a block for prod and staging: nothing
				// is added twice; only what is missing goes into that block (it runs in prod).
				for _, dup := range []string{`"DATABASE_URL"`, `"SECRET_KEY_BASE")`, `"PHX_HOST"`, `"POOL_SIZE"`} {
					if strings.Contains(out, dup) {
						t.Errorf("added %s although the file already provides it:\n%s", dup, out)
					}
				}
				_, block, _ := strings.Cut(out, "\nif config_env() in [:prod, :staging] do\n")
				if strings.Contains(out, "\nif config_env() == :prod do\n") || !strings.Contains(block, "socket_options: maybe_ipv6") || !strings.HasSuffix(strings.TrimSpace(block), `System.get_env("DNS_CLUSTER_QUERY")`+"\nend") {
					t.Errorf("the missing settings are not in the block for prod and staging:\n%s", out)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/shapes/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.patch(string(b))
			if err != nil {
				t.Fatalf("stepped back: %v", err)
			}
			if !elixir.Balanced(out) {
				t.Fatalf("the edit does not parse:\n%s", out)
			}
			if again, _ := c.patch(out); again != out {
				t.Errorf("a second pass changed the file again")
			}
			c.check(t, out)
		})
	}
}
