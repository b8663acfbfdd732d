package elixir_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// TestExCallAgreesWithMixFormat lays out calls with names of every length from 1 to 60 and
// checks that Elixir's formatter leaves each one exactly as exCall wrote it.
func TestExCallAgreesWithMixFormat(t *testing.T) {
	exCall := elixir.FormatCallAny
	var snippets []string
	for n := 1; n <= 60; n++ {
		app := strings.Repeat("a", n)
		mod := "M" + strings.Repeat("m", n)
		shapes := []struct {
			indent int
			args   []any
			kws    []any
		}{
			{0, []any{":" + app, mod + "Web.Endpoint"}, []any{`http: [port: String.to_integer(System.get_env("PORT", "4000"))]`}},
			{2, []any{":" + app, mod + "Web.Endpoint"}, []any{"server: true"}},
			{2, []any{":" + app, ":dns_cluster_query", `System.get_env("DNS_CLUSTER_QUERY")`}, nil},
			{2, []any{":" + app, mod + ".Repo"}, []any{"url: database_url", `pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10")`, "socket_options: maybe_ipv6"}},
			{2, []any{":" + app, mod + "Web.Endpoint"}, []any{`url: [host: host, port: 443, scheme: "https"]`, "http: [\n  # every interface\n  ip: {0, 0, 0, 0, 0, 0, 0, 0}\n]", "secret_key_base: secret_key_base"}},
		}
		for _, s := range shapes {
			out, err := exCall(s.indent, "config", s.args, s.kws)
			if err != nil {
				t.Fatal(err)
			}
			if s.indent > 0 { // wrap indented calls in a block, as they appear in runtime.exs
				out = "if true do\n" + out + "\nend"
			}
			snippets = append(snippets, out+"\n")
		}
	}
	files := map[string][]byte{}
	for i, s := range snippets {
		files[fmt.Sprintf("%03d.exs", i)] = []byte(s)
	}
	for f, formatted := range testtools.SharedElixir(t).Unformatted(t, files) {
		t.Errorf("exCall and the formatter disagree on %s:\n--- exCall\n%s--- mix format\n%s", f, files[f], formatted)
	}
}

func TestExCallRejectsNonStrings(t *testing.T) {
	if _, err := elixir.FormatCallAny(0, "config", []any{1}, nil); err == nil {
		t.Error("a non-string argument must be an error")
	}
}
