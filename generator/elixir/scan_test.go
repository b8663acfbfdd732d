package elixir

import (
	"strings"
	"testing"
)

func kinds(t *testing.T, src string) []string {
	t.Helper()
	toks, err := Scan(src)
	if err != nil {
		t.Fatalf("Scan(%q): %v", src, err)
	}
	var out []string
	for _, tok := range toks {
		if tok.Kind != Newline {
			out = append(out, tok.Kind.String()+":"+tok.Text())
		}
	}
	return out
}

func TestScanSeparatesCodeFromTextThatLooksLikeCode(t *testing.T) {
	cases := []struct {
		src  string
		want string
	}{
		{`{:phoenix, "~> 1.7"}`, `punct:{ atom::phoenix punct:, string:"~> 1.7" punct:}`},
		{`# {:phoenix, "~> 1.7"}`, `comment:# {:phoenix, "~> 1.7"}`},
		{`x = "a # not a comment" # a comment`, `ident:x punct:= string:"a # not a comment" comment:# a comment`},
		{`"#{"nested #{:deep} }"} end"`, `string:"#{"nested #{:deep} }"} end"`},
		{"@doc \"\"\"\n  do end {:phoenix, \"x\"}\n  \"\"\"\nfoo", "punct:@ ident:doc string:\"\"\"\n  do end {:phoenix, \"x\"}\n  \"\"\" ident:foo"},
		{"'''\ncharlist \"heredoc\"\n'''", "charlist:'''\ncharlist \"heredoc\"\n'''"},
		{`~s(a [nested] "q" end)`, `sigil:~s(a [nested] "q" end)`}, // delimiters do not nest: ~s(a (b) ends at the first )
		{`~r/a\/b#c/iu`, `sigil:~r/a\/b#c/iu`},
		{`~S"no #{interp"`, `sigil:~S"no #{interp"`},
		{"~H\"\"\"\n<div>{@x}</div>\n\"\"\"", "sigil:~H\"\"\"\n<div>{@x}</div>\n\"\"\""},
		{`?" ?# ?\s`, `char:?" char:?# char:?\s`},
		{`[app: :shop, "assets.deploy": ["a"]]`, `punct:[ keyword:app atom::shop punct:, keyword:"assets.deploy" punct:[ string:"a" punct:] punct:]`},
		{`:"quoted atom" :ok? Foo.Bar.baz()`, `atom::"quoted atom" atom::ok? alias:Foo.Bar punct:. ident:baz punct:( punct:)`},
		{`a |> b(&1) && c != d`, `ident:a punct:|> ident:b punct:( punct:& number:1 punct:) punct:&& ident:c punct:!= ident:d`},
		{`x::binary-size(4)`, `ident:x punct::: ident:binary punct:- ident:size punct:( number:4 punct:)`},
		{`1_000.5 0x1F`, `number:1_000.5 number:0x1F`},
	}
	for _, c := range cases {
		got := strings.Join(kinds(t, c.src), " ")
		if got != c.want {
			t.Errorf("Scan(%q)\n got: %s\nwant: %s", c.src, got, c.want)
		}
	}
}

func TestScanReportsUnterminatedInput(t *testing.T) {
	for _, src := range []string{`"open`, "\"\"\"\nnever closed", "\"\"\"\n\"", `~s(open`, `"#{ unterminated"`, "'''\nx"} {
		if _, err := Scan(src); err == nil {
			t.Errorf("Scan(%q): no error for unterminated input", src)
		}
	}
}

func TestScanKeepsLineNumbers(t *testing.T) {
	toks, err := Scan("a\n\"two\nlines\"\nb")
	if err != nil {
		t.Fatal(err)
	}
	code := Code(toks)
	if code[2].Text() != "b" || code[2].Line() != 4 {
		t.Errorf("b at line %d, want 4 (%+v)", code[2].Line(), code)
	}
}

// A character literal of a line break (?\ at the end of a line) ends its line: the code after
// it is on the next (it stayed on the same before).
func TestCharLiteralOfALineBreakEndsTheLine(t *testing.T) {
	code, err := ScanCode("x = ?\\\ny\n")
	if err != nil {
		t.Fatal(err)
	}
	if last := code[len(code)-1]; last.Text() != "y" || last.Line() != 2 {
		t.Errorf("%q on line %d, want y on line 2", last.Text(), last.Line())
	}
}

func TestScanCoversEveryByte(t *testing.T) {
	src := "defmodule A do\n  # c\n  def f(x), do: x <> \"s\" # t\nend\n"
	toks, err := Scan(src)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	last := 0
	for _, tok := range toks {
		if tok.Start() < last {
			t.Fatalf("tokens overlap at %d", tok.Start())
		}
		b.WriteString(strings.Repeat(" ", tok.Start()-last))
		b.WriteString(src[tok.Start():tok.End()])
		last = tok.End()
	}
	if strings.ReplaceAll(b.String(), " ", "") != strings.ReplaceAll(src, " ", "") {
		t.Errorf("tokens do not cover the source:\n%s", b.String())
	}
}

// TestDeepNestingIsAnErrorNotACrash: 600,000 nested interpolations, or brackets, are refused
// with an error instead of overflowing the stack.
func TestDeepNestingIsAnErrorNotACrash(t *testing.T) {
	for name, src := range map[string]string{
		"interpolations": strings.Repeat(`"#{`, 600_000),
		"brackets":       strings.Repeat("[", 600_000) + strings.Repeat("]", 600_000),
		"blocks":         strings.Repeat("fn -> ", 600_000) + strings.Repeat(" end", 600_000),
	} {
		_, err := Parse(src)
		if err == nil || !strings.Contains(err.Error(), "nested more than") {
			t.Errorf("%s: %v; want an error about nesting", name, err)
		}
	}
}

// TestKeywordsAfterADotAreNames: `line.period.end` is a field, not the end of a block.
func TestKeywordsAfterADotAreNames(t *testing.T) {
	src := "defmodule A do\n  def f(line), do: %{end_date: line.period.end, d: line.do, f: x.fn}\nend\n"
	if _, err := Parse(src); err != nil {
		t.Errorf("%v", err)
	}
}

// TestSigilDelimitersDoNotNest: Elixir ends ~s(a (b) at the first ")"; what follows is code.
func TestSigilDelimitersDoNotNest(t *testing.T) {
	src := "banner = ~s(notes (see docs)\nnote = \")\nif config_env() == :prod do\n  :ok\nend\n\"\n"
	toks, err := Scan(src)
	if err != nil {
		t.Fatal(err)
	}
	var strs []string
	for _, tok := range Code(toks) {
		if tok.Kind == String || tok.Kind == Sigil {
			strs = append(strs, tok.Text())
		}
	}
	if len(strs) != 2 || strs[0] != "~s(notes (see docs)" || !strings.HasPrefix(strs[1], "\")") {
		t.Errorf("strings and sigils: %q", strs)
	}
}

// TestOpLenIsTheLists checks opLen against its definition, the operator lists tried in order,
// on every string of one to three characters from the operators' bytes and a few others.
func TestOpLenIsTheLists(t *testing.T) {
	byList := func(rest string) int {
		for _, op := range append(append([]string{}, threeCharOps...), twoCharOps...) {
			if strings.HasPrefix(rest, op) {
				return len(op)
			}
		}
		return 1
	}
	chars := "=!.<>|&^~:+-*/\\a ,("
	var all []string
	for _, a := range chars {
		all = append(all, string(a))
		for _, b := range chars {
			all = append(all, string(a)+string(b))
			for _, c := range chars {
				all = append(all, string(a)+string(b)+string(c))
			}
		}
	}
	for _, s := range all {
		if got, want := opLen(s), byList(s); got != want {
			t.Errorf("opLen(%q) = %d, the lists give %d", s, got, want)
		}
	}
}
