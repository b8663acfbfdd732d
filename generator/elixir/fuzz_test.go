package elixir

import (
	"os"
	"path/filepath"
	"slices"
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
		last, breaks := 0, 0
		for _, tok := range toks {
			if tok.Start() < last || tok.End() < tok.Start() || tok.End() > len(src) {
				t.Fatalf("token %+v out of order or out of bounds (previous end %d)", tok, last)
			}
			// a token's line is one more than the line breaks before it (ParseInserted moves
			// the lines of the tokens after an insertion by the breaks inserted)
			if breaks += strings.Count(src[last:tok.Start()], "\n"); tok.Line() != breaks+1 {
				t.Fatalf("token %q at %d is on line %d, after %d line breaks", tok.Text(), tok.Start(), tok.Line(), breaks)
			}
			breaks += strings.Count(src[tok.Start():tok.End()], "\n")
			last = tok.End()
		}
		if err != nil {
			return
		}
		tree, err := Parse(src)
		if err != nil {
			return
		}
		// Parse collects the code tokens as it scans: the same as Scan's, less comments and
		// line breaks; Inside answers as it would over every token.
		code := Code(toks)
		if sc, _ := ScanCode(src); !slices.EqualFunc(sc, code, sameToken) {
			t.Fatalf("ScanCode differs from Code(Scan)")
		}
		if len(tree.Code) != len(code) {
			t.Fatalf("Parse has %d code tokens, Scan %d", len(tree.Code), len(code))
		}
		for i := range code {
			if !sameToken(tree.Code[i], code[i]) {
				t.Fatalf("code token %d: Parse %+v, Scan %+v", i, tree.Code[i], code[i])
			}
		}
		for off := 0; off <= len(src); off++ {
			inside := false
			for _, tok := range toks {
				inside = inside || tok.Start() < off && off < tok.End()
			}
			if tree.Inside(off) != inside {
				t.Fatalf("Inside(%d) = %v, want %v", off, tree.Inside(off), inside)
			}
		}
	})
}

func TestParseReusesTheTreeOfALargeSourceInUse(t *testing.T) {
	src := strings.Repeat("defmodule A do\n  def f, do: :ok # a comment\nend\n", reuseMin/40)
	first, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Parse(strings.Clone(src))
	if again != first {
		t.Error("a large source parsed again while its tree is in use: want the same tree")
	}
	other, _ := Parse(src + "\n")
	if other == first || other.Src != src+"\n" {
		t.Error("a different source got the tree of another")
	}
}

// sameToken reports whether two tokens of scans of one source are the same token (each scan
// has its own copy of the source).
func sameToken(a, b Token) bool {
	return a.Kind == b.Kind && a.start == b.start && a.end == b.end && a.line == b.line && a.Text() == b.Text()
}
