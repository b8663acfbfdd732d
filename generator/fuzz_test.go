package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// seedFiles adds every fixture file whose name ends with suffix to the fuzz corpus.
func seedFiles(f *testing.F, suffix string) {
	root := filepath.Join("..", "testdata")
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

func fuzzData() *Data {
	p := &Project{App: "shop", WebApp: "shop", Base: "Shop", WebModule: "ShopWeb", Release: "shop", Database: "postgres"}
	return NewData(p, &Settings{Targets: Targets, Name: "shop", Database: "postgres", Clustering: true, Port: 4000})
}

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
	d := fuzzData()
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return patchRuntime(s, d) })
	})
}

func FuzzPatchDeps(f *testing.F) {
	seedFiles(f, "mix.exs")
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) {
			return patchDeps(s, "mix.exs", `{:dns_cluster, "~> 0.2.0"}`, "dns_cluster")
		})
	})
}

func FuzzPatchChildren(f *testing.F) {
	seedFiles(f, "application.ex")
	d := fuzzData()
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return patchChildren(s, "application.ex", d) })
	})
}

func FuzzPatchRouter(f *testing.F) {
	seedFiles(f, "router.ex")
	d := fuzzData()
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return patchRouter(s, "router.ex", d) })
	})
}

func FuzzPatchForceSSL(f *testing.F) {
	seedFiles(f, "prod.exs")
	f.Add("import Config\nconfig :shop, ShopWeb.Endpoint,\n  force_ssl: [hsts: true, exclude: [\"localhost\"]]\n")
	f.Add("import Config\nconfig :shop, ShopWeb.Endpoint,\n  force_ssl: [\n    exclude: [\n      paths: [\"/other\"]\n    ]\n  ]\n")
	d := fuzzData()
	f.Fuzz(func(t *testing.T, src string) {
		checkPatch(t, src, func(s string) (string, error) { return patchForceSSL(s, "prod.exs", d, "1.19.0") })
	})
}

func FuzzPatchEnvSh(f *testing.F) {
	f.Add("#!/bin/sh\nexport A=1\n")
	f.Add("")
	f.Add("#!/bin/sh\r\nexport A=1\r\n")
	rendered := "#!/bin/sh\n" + envBlockBegin + " block\nexport RELEASE_NODE=x\n" + envBlockEnd + "\n"
	f.Fuzz(func(t *testing.T, src string) {
		out, err := patchEnvSh(src, rendered)
		if err != nil {
			return
		}
		again, _ := patchEnvSh(out, rendered)
		if again != out {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
		if _, _, marked := markedSpan(src); !marked && !strings.HasPrefix(out, src) {
			t.Fatalf("the user's lines were changed:\n%q\n%q", src, out)
		}
	})
}
