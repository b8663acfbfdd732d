package project

import (
	"os"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

type mixFile struct {
	path string
	code []elixir.Token
}

func readMix(path string) (*mixFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	toks, err := elixir.Scan(string(b))
	if err != nil {
		return nil, &Error{Path: path, Msg: "cannot read it as Elixir: " + err.Error(), Fix: "check that the file compiles with `mix compile`"}
	}
	return &mixFile{path: path, code: elixir.Code(toks)}, nil
}

// keywordValue returns the token after the first `key:` in the file. A module attribute
// (`app: @app`) is resolved to the value of its `@app :name` definition.
func (m *mixFile) keywordValue(key string) (elixir.Token, bool) {
	for i, t := range m.code {
		if t.Kind == elixir.KeywordKey && t.Text == key && i+1 < len(m.code) {
			if m.code[i+1].Is("@") && i+2 < len(m.code) && m.code[i+2].Kind == elixir.Ident {
				return m.attribute(m.code[i+2].Text)
			}
			return m.code[i+1], true
		}
	}
	return elixir.Token{}, false
}

// attribute returns the value of `@name value` in the file.
func (m *mixFile) attribute(name string) (elixir.Token, bool) {
	for i := 0; i+2 < len(m.code); i++ {
		if m.code[i].Is("@") && m.code[i+1].Is(name) && m.code[i+1].Line == m.code[i+2].Line && m.code[i+2].Kind != elixir.Punct {
			return m.code[i+2], true
		}
	}
	return elixir.Token{}, false
}

// deps returns every `{:name, ...}` tuple head in the file with the requirement string when the
// second element is one.
func (m *mixFile) deps() map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(m.code); i++ {
		if m.code[i].Is("{") && m.code[i+1].Kind == elixir.Atom {
			req := ""
			if i+3 < len(m.code) && m.code[i+2].Is(",") && m.code[i+3].Kind == elixir.String {
				req = elixir.Unquote(m.code[i+3])
			}
			name := elixir.AtomName(m.code[i+1])
			if _, seen := out[name]; !seen {
				out[name] = req
			}
		}
	}
	return out
}

// releaseNames returns the keys of a literal `releases: [name: [...], ...]` list.
func (m *mixFile) releaseNames() (names []string, present bool) {
	for i, t := range m.code {
		if t.Kind != elixir.KeywordKey || t.Text != "releases" {
			continue
		}
		present = true
		if i+1 >= len(m.code) || !m.code[i+1].Is("[") {
			return nil, true // computed elsewhere
		}
		depth := 0
		for _, u := range m.code[i+1:] {
			switch {
			case u.Is("[") || u.Is("{") || u.Is("("):
				depth++
			case u.Is("]") || u.Is("}") || u.Is(")"):
				depth--
			case depth == 1 && u.Kind == elixir.KeywordKey:
				names = append(names, u.Text)
			}
			if depth == 0 {
				break
			}
		}
		return names, true
	}
	return nil, false
}

// aliases returns the names of the keyword keys that look like task aliases ("assets.deploy":).
func (m *mixFile) aliases() map[string]bool {
	out := map[string]bool{}
	for _, t := range m.code {
		if t.Kind == elixir.KeywordKey {
			out[strings.Trim(t.Text, `"`)] = true
		}
	}
	return out
}

// compileConfigs lists the config files a production build reads at compile time: every .exs in
// config/ except runtime.exs (read at boot) and the dev and test files.
func compileConfigs(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".exs") || n == "runtime.exs" || n == "releases.exs" || n == "dev.exs" || n == "test.exs" {
			continue
		}
		out = append(out, "config/"+n)
	}
	return out
}
