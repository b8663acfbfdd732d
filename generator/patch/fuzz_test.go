package patch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/setting"
)

// seedFiles adds every fixture file whose name ends with suffix to the fuzz corpus.
func seedFiles(f *testing.F, suffix string) {
	root := filepath.Join("..", "..", "testdata")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, suffix) {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
				f.Add(strings.ReplaceAll(string(b), "\n", "\r\n"))
			}
		}
		return nil
	})
}

// shop is the setting context of a Phoenix project with Postgres that clusters with dns_cluster.
var shop = setting.Context{App: "shop", WebApp: "shop", Repos: []string{"Shop.Repo"}, Endpoint: "ShopWeb.Endpoint",
	Database: "postgres", DNSCluster: true, DatabaseURLExample: "ecto://USER:PASS@HOST/DATABASE"}

const dnsClusterChild = "{DNSCluster, query: Application.get_env(:shop, :dns_cluster_query) || :ignore}"

// checkPatch asserts the patchers' contract: the input unchanged, or output that still parses
// and that a second pass leaves alone.
func checkPatch(t *testing.T, src string, patch func(string) (string, error)) {
	out, err := patch(src)
	if err != nil || out == src {
		return
	}
	if !elixir.Balanced(out) {
		t.Fatalf("patched output does not parse:\n--- input\n%s\n--- output\n%s", src, out)
	}
	again, err := patch(out)
	if err != nil || again != out {
		t.Fatalf("patch is not idempotent (err %v):\n--- first\n%s\n--- second\n%s", err, out, again)
	}
}

func FuzzPatchRuntime(f *testing.F) {
	seedFiles(f, "runtime.exs")
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return Runtime(s, "config/runtime.exs", shop) })
	})
}

func FuzzPatchDeps(f *testing.F) {
	seedFiles(f, "mix.exs")
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) {
			return Deps(s, "mix.exs", `{:dns_cluster, "~> 0.2.0"}`, "dns_cluster")
		})
	})
}

func FuzzPatchChildren(f *testing.F) {
	seedFiles(f, "application.ex")
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return Children(s, "application.ex", dnsClusterChild) })
	})
}

func FuzzPatchRouter(f *testing.F) {
	seedFiles(f, "router.ex")
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return Router(s, "router.ex", "/health", "ShopWeb.Health") })
	})
}

func FuzzPatchForceSSL(f *testing.F) {
	seedFiles(f, "prod.exs")
	f.Add("import Config\nconfig :shop, ShopWeb.Endpoint,\n  force_ssl: [hsts: true, exclude: [\"localhost\"]]\n")
	f.Add("import Config\nconfig :shop, ShopWeb.Endpoint,\n  force_ssl: [\n    exclude: [\n      paths: [\"/other\"]\n    ]\n  ]\n")
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return ForceSSL(s, "prod.exs", "/health", "/health/live", "1.19.0") })
	})
}

func FuzzPatchEnvSh(f *testing.F) {
	f.Add("#!/bin/sh\nexport A=1\n")
	f.Add("")
	f.Add("#!/bin/sh\r\nexport A=1\r\n")
	rendered := "#!/bin/sh\n" + EnvBlockBegin + " block\nexport RELEASE_NODE=x\n" + EnvBlockEnd + "\n"
	f.Fuzz(func(t *testing.T, src string) {
		out, err := EnvSh(src, rendered)
		if err != nil {
			return
		}
		again, _ := EnvSh(out, rendered)
		if again != out {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
		if _, _, marked := markedSpan(src); !marked && !strings.HasPrefix(out, src) {
			t.Fatalf("the user's lines were changed:\n%q\n%q", src, out)
		}
	})
}
