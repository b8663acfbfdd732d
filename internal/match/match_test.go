package match

import (
	"regexp"
	"testing"
)

// patterns pairs each function with the expression it is.
var patterns = []struct {
	name string
	fn   func(string) bool
	re   *regexp.Regexp
}{
	{"Host", Host, regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$`)},
	{"Version", Version, regexp.MustCompile(`^\d+\.\d+(\.\d+)*$`)},
	{"Debian", Debian, regexp.MustCompile(`^[a-z]+(-[0-9]{8})?(-slim)?$`)},
	{"Package", Package, regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]+$`)},
	{"Region", Region, regexp.MustCompile(`^[a-z]{3}$`)},
	{"VMSize", VMSize, regexp.MustCompile(`^(shared-cpu|performance)-\d+x$`)},
	{"Memory", func(s string) bool { _, _, ok := Memory(s); return ok }, memoryRe},
	{"InstallDir", InstallDir, regexp.MustCompile(`^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$`)},
	{"Number", Number, regexp.MustCompile(`^-?[0-9][0-9_]*(\.[0-9]+)?$`)},
	{"ShellSafe", ShellSafe, regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)},
	{"Atom", Atom, regexp.MustCompile(`^[a-z][a-z0-9_]*$`)},
	{"Module", Module, regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*$`)},
	{"Segment", Segment, regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)},
	{"ConfigName", ConfigName, regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*\.exs$`)},
}

var memoryRe = regexp.MustCompile(`^([1-9][0-9]{0,5})(mb|gb)$`)

var seeds = []string{
	"", "a", "A", "0", "-", ".", "shop.example.com", "a-b.c", "-a.b", "a-.b", "a..b", "a.", "1.18.4", "1.18", "1", "1..2",
	"trixie-20260610-slim", "bookworm", "bookworm-slim", "a-12345678", "a-1234567-slim", "a-slim-slim", "libstdc++6", "g",
	"iad", "IAD", "iadx", "shared-cpu-1x", "performance-16x", "shared-cpu-x", "shared-cpu-1", "512mb", "1gb", "0mb", "1234567mb",
	"/opt/shop", "/opt//shop", "/opt/", "/", "opt", "/.hidden", "/a/-b", "-1_000.5", "1.", "--1", "_1", "a b", "a'b", "x=y,z",
	"shop", "shop_web", "Shop", "ShopWeb.Endpoint", "Shop..Web", "Shop.web", "prod.exs", ".exs", "a.exs.exs", "é", "a\n",
}

func TestPatternsAreTheirExpressions(t *testing.T) {
	for _, s := range seeds {
		check(t, s)
	}
}

func check(t *testing.T, s string) {
	t.Helper()
	for _, p := range patterns {
		if got, want := p.fn(s), p.re.MatchString(s); got != want {
			t.Errorf("%s(%q) = %v; %s says %v", p.name, s, got, p.re, want)
		}
	}
	if n, u, ok := Memory(s); ok {
		m := memoryRe.FindStringSubmatch(s)
		if m == nil || m[1] != n || m[2] != u {
			t.Errorf("Memory(%q) = %q, %q; the expression's groups are %q", s, n, u, m)
		}
	}
}

func FuzzPatternsAreTheirExpressions(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(check)
}
