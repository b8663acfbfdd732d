package elixir_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// elixirSources returns every Elixir file of the fixtures (testdata/) and every Elixir file
// the golden scenarios hold (golden/*.golden sections named *.ex or *.exs).
func elixirSources(t *testing.T) map[string][]byte {
	t.Helper()
	root := testtools.RepoRoot()
	files := map[string][]byte{}
	for _, dir := range []string{"testdata", "generator/patch/testdata/shapes"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".ex") || strings.HasSuffix(p, ".exs")) {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[rel] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	section := regexp.MustCompile(`(?m)^-- (\S+\.exs?): (create|patch) --\n`)
	goldens, _ := filepath.Glob(filepath.Join(root, "golden", "*.golden"))
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range section.FindAllSubmatchIndex(b, -1) {
			end := len(b)
			if next := regexp.MustCompile(`(?m)^-- .* --$`).FindIndex(b[m[1]:]); next != nil {
				end = m[1] + next[0]
			}
			files[filepath.Base(g)+":"+string(b[m[2]:m[3]])] = b[m[1]:end]
		}
	}
	if len(files) < 50 {
		t.Fatalf("found only %d Elixir files to compare", len(files))
	}
	return files
}

var kindClass = map[elixir.Kind]string{
	elixir.String: "string", elixir.Charlist: "charlist", elixir.Sigil: "sigil", elixir.Atom: "atom",
	elixir.KeywordKey: "keyword", elixir.Ident: "ident", elixir.Alias: "alias", elixir.Number: "number", elixir.Char: "char",
}

// TestScannerAgreesWithElixirsTokenizer scans every Elixir file of the fixtures and the golden
// output with phxdeploy's scanner and with Elixir's own tokenizer, and compares the token kinds
// line by line: strings, heredocs, sigils, atoms, keywords, names and numbers must be seen where
// Elixir sees them, so that no edit ever lands inside a string or misses code.
func TestScannerAgreesWithElixirsTokenizer(t *testing.T) {
	files := elixirSources(t)
	want := testtools.SharedElixir(t).Tokens(t, files)
	compared := 0
	for name, src := range files {
		toks, err := elixir.Scan(string(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var got []string
		for _, tok := range elixir.Code(toks) {
			if c, ok := kindClass[tok.Kind]; ok {
				got = append(got, fmt.Sprintf("%d:%s", tok.Line(), c))
			}
		}
		if strings.HasPrefix(want[name], "error:") {
			t.Errorf("%s: Elixir cannot tokenize it: %s", name, want[name])
			continue
		}
		exp := strings.Fields(want[name])
		for i := 0; i < len(got) || i < len(exp); i++ {
			g, e := "(end)", "(end)"
			if i < len(got) {
				g = got[i]
			}
			if i < len(exp) {
				e = exp[i]
			}
			if g != e {
				t.Errorf("%s: token %d: phxdeploy's scanner sees %s, Elixir's tokenizer %s", name, i, g, e)
				break
			}
		}
		compared++
	}
	t.Logf("compared the tokens of %d Elixir files", compared)
}

// TestHeredocEndingInABackslash: a line continuation at the end of a heredoc's last line must not
// hide its closing quotes.
func TestHeredocEndingInABackslash(t *testing.T) {
	src := "defmodule Shop.MixProject do\n  @moduledoc \"\"\"\n  A shop. \\\n  \"\"\"\n  def project, do: [app: :shop]\nend\n"
	toks, err := elixir.Scan(src)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tok := range elixir.Code(toks) {
		if tok.Kind == elixir.KeywordKey {
			kinds = append(kinds, fmt.Sprintf("%s@%d", tok.Text(), tok.Line()))
		}
	}
	if strings.Join(kinds, " ") != "do@5 app@5" {
		t.Errorf("keywords after the heredoc: %v, want do@5 app@5", kinds)
	}
}
