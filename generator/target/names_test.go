package target

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// written are the checks of names.go with the expressions they stand for.
var written = []struct {
	name  string
	check matchFunc
	re    *regexp.Regexp
}{
	{"dnsLabel", dnsLabelRe, regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)},
	{"clusterDomain", clusterDomainRe, regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$`)},
	{"user", userRe, regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)},
	{"image", imageRe, regexp.MustCompile(`^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$`)},
}

var nameSeeds = []string{"", "a", "A", "-", "a-", "-a", "a-b", "a--b", "_x", "x_", "cluster.local", "a.b.c", "a..b", ".a", "a.",
	"shop", "registry.example.com/shop:1.0.0", "ghcr.io/acme/shop:1.4.2", "localhost:5000/shop", "localhost:5000/shop:v1",
	"r.example.com/shop@sha256:" + strings.Repeat("a", 64), "r.example.com/shop:1@sha256:" + strings.Repeat("0f", 32),
	"shop@sha256:" + strings.Repeat("a", 63), "shop:" + strings.Repeat("t", 128), "shop:" + strings.Repeat("t", 129),
	strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a", 32), strings.Repeat("a", 33), "a:b:c", "a::b", "a:-b", "a:B",
	"a/b:c.d-e_f", "ÿ", "a\n", "a\nb"}

func FuzzWrittenNames(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range written {
			if got, want := w.check.MatchString(s), w.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the expression says %v", w.name, s, got, want)
			}
		}
	})
}

// TestWrittenNamesAgreeWithTheirExpressions tries strings of the characters that matter, of
// the lengths where the limits are.
func TestWrittenNamesAgreeWithTheirExpressions(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const chars = "ab09-._/:@AZ_f"
	for range 200000 {
		n := r.IntN(12)
		switch r.IntN(10) {
		case 0:
			n = 60 + r.IntN(8)
		case 1:
			n = 120 + r.IntN(80)
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		s := string(b)
		if r.IntN(4) == 0 {
			s += "@sha256:" + strings.Repeat("ab", 34)[:60+r.IntN(8)]
		}
		for _, w := range written {
			if got, want := w.check.MatchString(s), w.re.MatchString(s); got != want {
				t.Fatalf("%s(%q) = %v, the expression says %v", w.name, s, got, want)
			}
		}
	}
}
