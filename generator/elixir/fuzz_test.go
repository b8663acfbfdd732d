package elixir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzScan(f *testing.F) {
	_ = filepath.WalkDir(filepath.Join("..", "..", "testdata"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".ex") || strings.HasSuffix(p, ".exs")) {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, src string) {
		toks, err := Scan(src)
		last := 0
		for _, tok := range toks {
			if tok.Start < last || tok.End < tok.Start || tok.End > len(src) {
				t.Fatalf("token %+v out of order or out of bounds (previous end %d)", tok, last)
			}
			last = tok.End
		}
		if err == nil {
			_, _ = Parse(src) // must not panic
		}
	})
}
