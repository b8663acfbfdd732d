package project

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/match"
)

var envValueRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Z0-9]$`)

// FuzzRead reads whole projects whose mix.exs, config, runtime config and router come from the
// fuzzer: Read never panics or hangs, and whatever it accepts has names fit to write anywhere.
func FuzzRead(f *testing.F) {
	read := func(p string) string {
		b, _ := os.ReadFile(filepath.Join("..", "..", "testdata", p))
		return string(b)
	}
	for _, fx := range []string{"phx18_postgres", "phx17_postgres", "phx16_mysql", "phx18_sqlite", "phx18_noecto"} {
		f.Add(read(fx+"/mix.exs"), read(fx+"/config/config.exs"), read(fx+"/config/runtime.exs"), read(fx+"/lib/shop_web/router.ex"))
	}
	f.Add(`defmodule M do def project, do: [app: :"x\n$(id)", deps: [{:phoenix, "1.7.0"}]] end`, "", "", "")
	f.Add(`defmodule M do def project, do: [app: :a, releases: [{:"b c", []}], deps: [{:phoenix, ""}]] end`, "import Config\nconfig :a, namespace: Évil\n", "", "")
	f.Fuzz(func(t *testing.T, mix, config, runtime, router string) {
		dir := t.TempDir()
		for name, content := range map[string]string{"mix.exs": mix, "config/config.exs": config, "config/runtime.exs": runtime, "lib/shop_web/router.ex": router} {
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		p, err := Read(dir, Options{})
		if err != nil {
			return
		}
		// reading the router only as far as a health route needs finds the same one
		if h, err := Read(dir, Options{HealthRoutes: true}); err != nil || h.ExistingHealthPath != p.ExistingHealthPath {
			t.Fatalf("with HealthRoutes: health route %q (%v), want %q", h.ExistingHealthPath, err, p.ExistingHealthPath)
		}
		for _, a := range append([]string{p.App, p.WebApp, p.Release}, p.Releases...) {
			if !ValidAtom(a) {
				t.Fatalf("accepted the name %q", a)
			}
		}
		for _, m := range append([]string{p.Base, p.WebModule}, p.Repos...) {
			if !match.Module(m) {
				t.Fatalf("accepted the module %q", m)
			}
		}
		for phoenix, name := range p.Names() {
			if !envValueRe.MatchString(name) {
				t.Fatalf("accepted %q as the name of %s", name, phoenix)
			}
		}
		for _, v := range append(append([]Var{}, p.Contract.Runtime...), p.Contract.Build...) {
			if !envValueRe.MatchString(v.Name) {
				t.Fatalf("accepted %q as the name of a variable", v.Name)
			}
		}
	})
}

// FuzzJoinPath checks joinPath against the path.Join it stands for.
func FuzzJoinPath(f *testing.F) {
	for _, c := range [][2]string{{"", ""}, {"/", "/"}, {"/api", "/v1/"}, {"api", "v1"}, {"/a/../b", "./c"}, {"//", "..//x/"}, {"/a", ""}, {"", "/x/."}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, prefix, p string) {
		want := path.Join("/", prefix, p)
		if strings.HasSuffix(p, "/") && want != "/" {
			want += "/"
		}
		if got := joinPath(prefix, p); got != want {
			t.Fatalf("joinPath(%q, %q) = %q, path.Join gives %q", prefix, p, got, want)
		}
	})
}

// FuzzIsClean checks isClean against path.Clean, and appendPath against joinPath.
func FuzzIsClean(f *testing.F) {
	for _, c := range []string{"/", "//", "/a", "/a/", "/a/.", "/a/..", "/.a", "/..a", "/a/./b", "/a//b", "a", "", "/a/b/c"} {
		f.Add(c, "/x")
	}
	f.Fuzz(func(t *testing.T, p, q string) {
		want := len(p) > 0 && p[0] == '/' && path.Clean(p) == p
		if isClean(p) != want || isClean([]byte(p)) != want {
			t.Fatalf("isClean(%q) = %v, path.Clean gives %q", p, !want, path.Clean(p))
		}
		if got := string(appendPath([]byte("x"), p, q)); got != "x"+joinPath(p, q) {
			t.Fatalf("appendPath(%q, %q) = %q, want %q", p, q, got[1:], joinPath(p, q))
		}
	})
}

// FuzzLockMatchers checks the hand-written readers of mix.lock against the expressions they
// stand for.
func FuzzLockMatchers(f *testing.F) {
	versionRe := regexp.MustCompile(`"([a-z0-9_]+)":\s*\{:hex,\s*:[a-z0-9_]+,\s*"([0-9][0-9A-Za-z.+-]*)"`)
	nameRe := regexp.MustCompile(`(?m)^\s*"([a-z0-9_]+)":\s*\{`)
	b, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "phx18_postgres", "mix.lock"))
	f.Add(b, "phoenix")
	f.Add([]byte(`%{"x": {:hex, :x, "1.0"phoenix": {:hex, :phoenix, "1.7.0"`), "phoenix")
	f.Add([]byte("\n\n  \"a\": {\n\"b\":\t\n{ \"c\":{"), "a")
	f.Add([]byte(`"plug": {:hex, :plug, "1.15.3", "x"}`+"\n"+`"plug": {:hex,:plug,"2"`), "plug")
	f.Fuzz(func(t *testing.T, lock []byte, dep string) {
		want := ""
		for _, m := range versionRe.FindAllSubmatch(lock, -1) {
			if string(m[1]) == dep {
				want = string(m[2])
				break
			}
		}
		if got := lockVersion(lock, dep); got != want {
			t.Fatalf("lockVersion(%q) = %q, the expression gives %q", dep, got, want)
		}
		var names []string
		for _, m := range nameRe.FindAllSubmatch(lock, -1) {
			names = append(names, string(m[1]))
		}
		if got := lockNames(lock); !slices.Equal(got, names) {
			t.Fatalf("lockNames = %q, the expression gives %q", got, names)
		}
	})
}
