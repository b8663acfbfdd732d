package elixir

import (
	"slices"
	"testing"
)

// A line that begins with an operator joining two operands continues the expression above it
// (TeslaMate's endpoint config pipes its http options on the next line, then sets url: the url
// was not seen, and phxdeploy added its own over the project's VIRTUAL_HOST).
func TestLineStartingWithABinaryOperatorContinues(t *testing.T) {
	src := `config :app, App.Endpoint,
  http:
    Util.binding()
    |> Keyword.merge(protocol_options: [])
    |> Keyword.put(:port, 4000),
  url: [host: System.get_env("VIRTUAL_HOST", "localhost")]

def f(x)
    when is_integer(x)
    and x > 0 do
  x
end

x = 1
-1
!true
@attr
range = 1
  ..10
a = b
  ~> c
  <~ d
  +++ e
  --- f
  ^^^ g
~~~h
`
	tree, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFacts(tree)
	if !f.Sets([]string{"App.Endpoint"}, "url.host") {
		t.Errorf("url.host after a piped http value: not seen (calls %+v)", f.Calls)
	}
	var starts []string
	for i, tok := range tree.Code {
		if StatementStart(tree.Code, i) {
			starts = append(starts, tok.Text())
		}
	}
	// .., ~>, <~, +++, ---, ^^^ continue (as Elixir 1.14 reads them); ~~~ begins an expression
	want := []string{"config", "def", "x", "end", "x", "-", "!", "@", "range", "a", "~~~"}
	if !slices.Equal(starts, want) {
		t.Errorf("statements start at %q, want %q", starts, want)
	}
}

// TestStatementEndBeforeALineStartingWithABracket: a statement ends where the next line begins
// one, brackets included (Plausible's runtime config: `ch_db_url = get_var(...)` then
// `{pool_size, ""} = ...`); a bracket that continues the line above does not end it.
func TestStatementEndBeforeALineStartingWithABracket(t *testing.T) {
	for src, want := range map[string]string{
		"a =\n  f(\"A\")\n\n{b, \"\"} = g()\n": "{",
		"a = f(1)\n[x | y] = g()\n":            "[",
		"a = f(1)\n<<x>> = g()\n":              "<<",
		"a = f(1)\n(x = 2)\n":                  "(",
		"a =\n  [1,\n   2]\nb = 3\n":           "b",
		"a = f(1,\n  {2, 3})\nb = 3\n":         "b",
		"a = f(1) ++\n  [2]\nb = 3\n":          "b",
		"a =\n  f(\"A\") == \"true\" or\n    (g(\"B\") != nil and x)\nb = 3\n": "b",
		"a = x in [\"1\"] and\n  {c(), d()} == {:prod, :host}\nb = 3\n":        "b",
	} {
		tree, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		end := StatementEnd(tree.Code, tree.Root, 0)
		if end >= len(tree.Code) || tree.Code[end].Text() != want {
			got := "the end"
			if end < len(tree.Code) {
				got = tree.Code[end].Text()
			}
			t.Errorf("%q: the first statement ends before %q, want before %q", src, got, want)
		}
	}
}
