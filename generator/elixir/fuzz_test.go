package elixir

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
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
		// a large source's halves are scanned on two cores: the same tokens, or the same error
		halves, _ := newScanner(src, 6, true)
		if herr := halves.codeInHalves(); fmt.Sprint(herr) != fmt.Sprint(err) {
			t.Fatalf("scanned in halves: %v; whole: %v", herr, err)
		}
		if err != nil {
			return
		}
		var comments []Token
		for _, tok := range toks {
			if tok.Kind == Comment {
				comments = append(comments, tok)
			}
		}
		if !slices.EqualFunc(halves.toks, Code(toks), sameToken) || !slices.EqualFunc(halves.comments, comments, sameToken) || halves.pos != len(src) {
			t.Fatalf("scanned in halves: %v, comments %v\nwhole: %v, comments %v", texts(halves.toks), texts(halves.comments), texts(Code(toks)), texts(comments))
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
	// a source of the same length that differs only between the samples of the key: the same
	// key, another tree
	at := len(src)/16*3 + 200
	at = strings.Index(src[at:], "f,") + at
	edited := src[:at] + "g" + src[at+1:]
	if parsed.key(edited) != parsed.key(src) {
		t.Fatal("the edit changed a sampled byte: move it")
	}
	if same, _ := Parse(edited); same == first || same.Src != edited {
		t.Error("a source that shares the key of another got its tree")
	}
	runtime.KeepAlive(first)
}

// sameToken reports whether two tokens of scans of one source are the same token (each scan
// has its own copy of the source).
func sameToken(a, b Token) bool {
	return a.Kind == b.Kind && a.start == b.start && a.end == b.end && a.line == b.line && a.Text() == b.Text()
}

// FuzzParseInserted checks that the tree ParseInserted builds from a tree and the text inserted
// into its source is the tree of the whole new source, wherever the text goes and whatever it
// is (where inserted declines, ParseInserted parses the whole).
func FuzzParseInserted(f *testing.F) {
	router, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "phx18_postgres", "lib", "shop_web", "router.ex"))
	first, health := testtools.HealthForward(string(router))
	for _, at := range []int{0, 1, first, len(router)} {
		f.Add(string(router), at, health)
	}
	f.Add("x = ?\\\ny\n", 7, "\x80z\n") // after a character literal that ends with the line break
	f.Add("a = \"\n\"\nb\n", 5, "c\n")
	f.Add("a\n# c\nb\n", 2, "\"s\n")
	f.Add("a.\nb\n", 3, "end\n")
	f.Add("def f do\n  :ok\nend\n", 9, "  x = 1\n")
	f.Add("def f do\n  :ok\nend\n", 15, "  x = [1,\n fn -> g(2) end]\n")                                 // before a block's end
	f.Add("defmodule A do\nend\ndefmodule B do\nend\n", 19, "scope \"/\" do\n  get \"/\", X, :y\nend\n") // between two
	f.Add("a(\n  b,\n  c\n)\n", 7, "  x.\n")                                                             // a dot before the next token
	f.Add("a.\nb\n", 3, "do\nend\n")                                                                     // after a dot: a field, not a block
	f.Add("f do\n:ok\nend\n", 9, "y.\n")                                                                 // the block's end becomes a field
	deep := strings.Repeat("[", MaxDepth-1) + "\n" + strings.Repeat("]", MaxDepth-1) + "\n"
	f.Add(deep, MaxDepth, "[[1]]\n") // nested too deep with the insertion
	f.Fuzz(func(t *testing.T, src string, at int, text string) {
		old, err := parse(src)
		if err != nil {
			return
		}
		// mostly at a line start, the place a patcher inserts at
		at = min(max(at, 0), len(src))
		if at%3 != 0 {
			at = strings.LastIndexByte(src[:at], '\n') + 1
		}
		out := src[:at] + text + src[at:]
		want, wantErr := parse(out)
		got, ok := inserted(old, out, at, len(text))
		if !ok {
			return
		}
		if wantErr != nil {
			t.Fatalf("inserted built a tree; parsing the whole fails: %v", wantErr)
		}
		sameTree(t, got, want)
	})
}

// sameTree fails unless two trees of one source have the same tokens, comments and nesting.
func sameTree(t *testing.T, got, want *Tree) {
	t.Helper()
	if got.Src != want.Src {
		t.Fatalf("sources differ")
	}
	if !slices.EqualFunc(got.Code, want.Code, sameToken) {
		t.Fatalf("code tokens differ:\n got %v\nwant %v", texts(got.Code), texts(want.Code))
	}
	if !slices.EqualFunc(got.comments, want.comments, sameToken) {
		t.Fatalf("comments differ:\n got %v\nwant %v", texts(got.comments), texts(want.comments))
	}
	var nodes func(a, b *Node)
	nodes = func(a, b *Node) {
		if a.Kind != b.Kind || a.Open != b.Open || a.Close != b.Close || len(a.Children) != len(b.Children) {
			t.Fatalf("node %q %d-%d (%d children), want %q %d-%d (%d children)", a.Kind, a.Open, a.Close, len(a.Children), b.Kind, b.Open, b.Close, len(b.Children))
		}
		for i := range a.Children {
			if a.Children[i].Parent != a {
				t.Fatalf("a child's parent is not its node")
			}
			nodes(a.Children[i], b.Children[i])
		}
	}
	nodes(got.Root, want.Root)
}

func texts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, tok := range toks {
		out[i] = fmt.Sprintf("%s@%d:%d", tok.Text(), tok.Start(), tok.Line())
	}
	return out
}

// TestParseInsertedScansOnlyTheInsertion: the health forward inserted before a large router's
// first scope is scanned alone, and the tree is the whole source's; where the tokens could
// differ, inserted declines (and ParseInserted parses the whole).
func TestParseInsertedScansOnlyTheInsertion(t *testing.T) {
	// large enough to be scanned in halves, and for splice to move its tokens on two cores
	src := testtools.BigRouter(t, 20_000)
	old, err := parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(src) < halvesMin || len(old.Code) < 2*spliceHalf+100 {
		t.Fatalf("a router of %d bytes and %d tokens is too small for this test", len(src), len(old.Code))
	}
	if whole, _ := Scan(src); !slices.EqualFunc(old.Code, Code(whole), sameToken) {
		t.Fatal("the halves' tokens are not a whole scan's")
	}
	at, text := testtools.HealthForward(src)
	out := src[:at] + text + src[at:]
	got, ok := inserted(old, out, at, len(text))
	if !ok {
		t.Fatal("inserted declined an insertion of whole lines at a line start")
	}
	want, _ := parse(out)
	sameTree(t, got, want)
	if viaParse, err := ParseInserted(old, out, at, len(text)); err != nil || viaParse.Src != out {
		t.Fatalf("ParseInserted: %v", err)
	}

	for _, c := range []struct {
		name string
		at   int
		text string
	}{
		{"not at a line start", at + 1, text},
		{"not ending its line", at, strings.TrimRight(text, "\n")},
		{"inside a string", strings.Index(src, "\"/") + 1, text},
		{"nothing", at, ""},
	} {
		out := src[:c.at] + c.text + src[c.at:]
		if _, ok := inserted(old, out, c.at, len(c.text)); ok {
			t.Errorf("%s: inserted did not decline", c.name)
		}
		if tree, err := ParseInserted(old, out, c.at, len(c.text)); err == nil {
			want, _ := parse(out)
			sameTree(t, tree, want)
		}
	}
	if _, ok := inserted(old, out[:len(out)-1], at, len(text)); ok {
		t.Error("inserted took a source that is not the old one with the text inserted")
	}
}
