package generator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// difflibDiff is go-difflib's unified diff, which UnifiedDiff reproduces.
func difflibDiff(a, b []string) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: a, B: b, FromFile: "a/f", ToFile: "b/f", Context: 3})
	return d
}

// TestUnifiedDiffIsDifflibs compares the diff with go-difflib's on files of few distinct lines
// (where the choice between equal matches shows) and on large ones (where popular lines are
// purged), edited at random.
func TestUnifiedDiffIsDifflibs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 400 {
		size := r.IntN(30)
		if n%10 == 0 {
			size = 200 + r.IntN(400)
		}
		alphabet := 2 + r.IntN(12)
		line := func() string {
			if r.IntN(8) == 0 {
				return "\n"
			}
			return fmt.Sprintf("line %d\n", r.IntN(alphabet))
		}
		a := make([]string, size)
		for i := range a {
			a[i] = line()
		}
		b := append([]string(nil), a...)
		for range 1 + r.IntN(6) {
			at := r.IntN(len(b) + 1)
			switch r.IntN(3) {
			case 0:
				b = append(b[:at], append([]string{line(), line()}, b[at:]...)...)
			case 1:
				if at < len(b) {
					b = append(b[:at], b[at+1:]...)
				}
			default:
				if at < len(b) {
					b[at] = line()
				}
			}
		}
		if got, want := unifiedDiff("a/f", "b/f", a, b, 3), difflibDiff(a, b); got != want {
			t.Fatalf("case %d:\na: %q\nb: %q\n got:\n%s\nwant:\n%s", n, a, b, got, want)
		}
	}
	// new files (written without matching), empty ones, a last line without a line break
	for _, c := range [][2]string{{"", ""}, {"x\n", ""}, {"", "x"}, {"", "x\n"}, {"", "a\nb"}, {"", "\n\n"}, {"", strings.Repeat("line\n", 500) + "last"},
		{"a\nb\n", "a\nb\n"}, {"a", "a\n"}} {
		a, b := diffLines([]byte(c[0])), diffLines([]byte(c[1]))
		if got, want := UnifiedDiff("a/f", "b/f", []byte(c[0]), []byte(c[1])), difflibDiff(a, b); got != want {
			t.Errorf("%q -> %q:\n got %q\nwant %q", c[0], c[1], got, want)
		}
	}
}

// BenchmarkUnifiedDiffBigRouter is the diff init shows for the 20,000-line router: the health
// forward inserted before its first scope.
func BenchmarkUnifiedDiffBigRouter(b *testing.B) {
	src := testtools.BigRouter(b, 20_000)
	at, text := testtools.HealthForward(src)
	out := src[:at] + text + src[at:]
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if UnifiedDiff("a/router.ex", "b/router.ex", []byte(src), []byte(out)) == "" {
			b.Fatal("no diff")
		}
	}
}
