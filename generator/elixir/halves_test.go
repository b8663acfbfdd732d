package elixir

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestScanInHalvesOnLargeSources: the fuzzers' inputs are small, and a source is scanned in
// halves from 128 KiB. Sources of 128-256 KiB made of the testdata's Elixir files and of
// strings, heredocs, sigils and character literals that span lines, half of them with a heredoc
// across the middle (the first half's last token then goes on past the split), and one with an
// unterminated string in its second half: the same tokens, or the same error, as a whole scan.
func TestScanInHalvesOnLargeSources(t *testing.T) {
	var pieces []string
	filepath.WalkDir("../../testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".ex") || strings.HasSuffix(p, ".exs")) {
			b, _ := os.ReadFile(p)
			pieces = append(pieces, string(b))
		}
		return nil
	})
	extras := []string{"x = \"\"\"\nheredoc\n  line\n\"\"\"\n", "s = ~S(\na\n)\n", "c = ?\\\n", "# comment\n", "y = \"str\nacross\"\n", "z = 'ch\nars'\n", "w = \"#{a\n}\"\n", "q = ~w[\na b\n]\n"}
	r := rand.New(rand.NewPCG(1, 1))
	errs := 0
	for n := 0; n < 61; n++ {
		var b strings.Builder
		for b.Len() < halvesMin+r.IntN(halvesMin) {
			if r.IntN(3) == 0 {
				b.WriteString(extras[r.IntN(len(extras))])
			} else {
				b.WriteString(pieces[r.IntN(len(pieces))])
				b.WriteString("\n")
			}
		}
		src := b.String()
		if n == 60 {
			src += "broken = \"never closed\n"
		}
		// put a long string right across the middle sometimes
		if n%2 == 0 {
			mid := strings.IndexByte(src[len(src)/2-200:], '\n') + len(src)/2 - 200 + 1
			src = src[:mid] + "big = \"\"\"\n" + strings.Repeat("text\n", 100) + "\"\"\"\n" + src[mid:]
		}
		whole, err := Scan(src)
		h, _ := newScanner(src, 6, true)
		herr := h.codeInHalves()
		if (err == nil) != (herr == nil) || err != nil && err.Error() != herr.Error() {
			t.Fatalf("%d: errors differ: %v vs %v", n, err, herr)
		}
		if err != nil {
			errs++
			continue
		}
		if !slices.EqualFunc(h.toks, Code(whole), sameToken) {
			t.Fatalf("%d: tokens differ", n)
		}
	}
	if errs != 1 {
		t.Errorf("%d sources did not scan, want the one broken on purpose", errs)
	}
}
