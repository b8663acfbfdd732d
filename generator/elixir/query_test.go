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
