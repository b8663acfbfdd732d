package testtools

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Elixir is one elixir process per test binary that parses and formats files on request: an
// Elixir VM takes a few hundred milliseconds to start, and the golden scenarios check dozens of
// files each. Requests are serialised; the process ends when the test binary closes its stdin.
type Elixir struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
	err error
}

// elixirLoop reads one request per line, `<op>\t<name>\t<base64 source>`, and answers one line,
// `<name>\t<base64 answer>`. op is "parse" (Elixir's own parser: the problem, or nothing),
// "format" (what `mix format --check-formatted` decides with Phoenix's locals_without_parens:
// the formatted text when it differs) or "tokens" (Elixir's own tokenizer).
const elixirLoop = `
classify = fn
  {kind, _, _} when kind in [:bin_string, :bin_heredoc] -> "string"
  {kind, _, _, _} when kind in [:bin_heredoc] -> "string"
  {kind, _, _} when kind in [:list_string, :list_heredoc] -> "charlist"
  {kind, _, _, _} when kind in [:list_heredoc] -> "charlist"
  {:sigil, _, _, _, _, _, _} -> "sigil"
  {kind, _, _} when kind in [:atom, :atom_quoted, :atom_safe, :atom_unsafe] -> "atom"
  {kind, _, _} when kind in [:kw_identifier, :kw_identifier_safe, :kw_identifier_unsafe] -> "keyword"
  {kind, _, _} when kind in [:identifier, :paren_identifier, :bracket_identifier, :do_identifier, :op_identifier, :block_identifier] -> "ident"
  {kind, _} when kind in [:do, :end, :fn, true, false, nil] -> "ident"
  {_op, _, value} when value in [:when, :and, :or, :in, :not] -> "ident"
  {:alias, _, _} -> "alias"
  {kind, _, _} when kind in [:int, :flt] -> "number"
  {:char, _, _} -> "char"
  _ -> nil
end
line_of = fn tok -> tok |> elem(1) |> elem(0) end
# A dotted alias (Phoenix.PubSub) is one token for phxdeploy's scanner, three for Elixir's.
merge = fn
  merge, [{:alias, _, _} = a, {:., _}, {:alias, _, _} | rest] -> merge.(merge, [a | rest])
  merge, [t | rest] -> [t | merge.(merge, rest)]
  _, [] -> []
end
tokens = fn src ->
  case :elixir_tokenizer.tokenize(String.to_charlist(src), 1, 1, []) do
    {:ok, _, _, _, toks} ->
      merge.(merge, toks)
      |> Enum.flat_map(fn t -> case classify.(t) do nil -> []; c -> ["#{line_of.(t)}:#{c}"] end end)
      |> Enum.join(" ")
    other -> "error: " <> inspect(other)
  end
end
formatter = elem(Code.eval_file(hd(System.argv())), 0)
opts = Keyword.drop(formatter, [:inputs, :plugins, :subdirectories, :import_deps])
loop = fn loop ->
  case IO.read(:stdio, :line) do
    :eof -> :ok
    line ->
      [op, name, data] = String.split(String.trim_trailing(line, "\n"), "\t")
      src = Base.decode64!(data)
      problem =
        case op do
          "parse" ->
            case Code.string_to_quoted(src, file: name) do
              {:ok, _} -> ""
              {:error, {meta, msg, token}} -> "#{name}:#{meta[:line]}:#{meta[:column]}: #{inspect(msg)} #{inspect(token)}"
            end
          "tokens" -> tokens.(src)
          "format" ->
            try do
              formatted =
                case Code.format_string!(src, [file: name] ++ opts) do
                  [] -> ""
                  iodata -> IO.iodata_to_binary([iodata, ?\n])
                end
              if formatted == src, do: "", else: "#{name} is not formatted:\n#{formatted}"
            rescue
              e -> "#{name}: #{Exception.message(e)}"
            end
        end
      IO.write(name <> "\t" <> Base.encode64(problem) <> "\n")
      loop.(loop)
  end
end
loop.(loop)
`

var (
	sharedOnce sync.Once
	shared     *Elixir
)

// SharedElixir returns the test binary's elixir process, starting it on first use. It skips
// (fails under PHXDEPLOY_REQUIRE_TOOLS=1) when elixir is not installed.
func SharedElixir(t testing.TB) *Elixir {
	t.Helper()
	Require(t, "elixir", "elixir")
	sharedOnce.Do(func() {
		shared = &Elixir{}
		cmd := exec.Command("elixir", "-e", elixirLoop, FormatterFile())
		in, err := cmd.StdinPipe()
		if err != nil {
			shared.err = err
			return
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			shared.err = err
			return
		}
		if err := cmd.Start(); err != nil {
			shared.err = err
			return
		}
		shared.in, shared.out = in, bufio.NewReader(out)
	})
	if shared.err != nil {
		t.Fatalf("starting elixir: %v", shared.err)
	}
	return shared
}

func (e *Elixir) ask(op string, files map[string][]byte) (map[string]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string]string{}
	for _, n := range names {
		if _, err := fmt.Fprintf(e.in, "%s\t%s\t%s\n", op, n, base64.StdEncoding.EncodeToString(files[n])); err != nil {
			return nil, err
		}
		line, err := e.out.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("elixir stopped answering: %v", err)
		}
		name, data, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		problem, err := base64.StdEncoding.DecodeString(data)
		if err != nil || name != n {
			return nil, fmt.Errorf("elixir answered %q for %s", line, n)
		}
		if len(problem) > 0 {
			out[n] = string(problem)
		}
	}
	return out, nil
}

// Parse parses every file (name -> content) with Elixir's own parser and returns the problems.
func (e *Elixir) Parse(files map[string][]byte) []string {
	got, err := e.ask("parse", files)
	if err != nil {
		return []string{err.Error()}
	}
	return values(got)
}

// Tokens returns, for each file, Elixir's own tokens as "line:class" words (class: string,
// charlist, sigil, atom, keyword, ident, alias, number, char; punctuation and operators left
// out; a dotted alias is one token), or "error: ..." when Elixir cannot tokenize it.
func (e *Elixir) Tokens(t testing.TB, files map[string][]byte) map[string]string {
	t.Helper()
	got, err := e.ask("tokens", files)
	if err != nil {
		t.Fatal(err)
	}
	for n := range files {
		if _, ok := got[n]; !ok {
			got[n] = ""
		}
	}
	return got
}

// Unformatted returns the files `mix format --check-formatted` would change, with what it
// would write.
func (e *Elixir) Unformatted(t testing.TB, files map[string][]byte) map[string]string {
	t.Helper()
	got, err := e.ask("format", files)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
