package project

import (
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/internal/match"
)

type mixFile struct {
	code []elixir.Token
}

// mix reads a mix.exs; nil when it does not exist.
func (f *files) mix(rel string) (*mixFile, error) {
	code, err := f.code(rel)
	if err != nil || code == nil {
		return nil, err
	}
	return &mixFile{code: code}, nil
}

// keywordValue returns the token after the first `key:` in the file. A module attribute
// (`app: @app`) is resolved to the value of its `@app :name` definition.
func (m *mixFile) keywordValue(key string) (elixir.Token, bool) {
	for i, t := range m.code {
		if t.Kind == elixir.KeywordKey && t.Text() == key && i+1 < len(m.code) {
			if m.code[i+1].Is("@") && i+2 < len(m.code) && m.code[i+2].Kind == elixir.Ident {
				return m.attribute(m.code[i+2].Text())
			}
			return m.code[i+1], true
		}
	}
	return elixir.Token{}, false
}

// attribute returns the value of `@name value` in the file.
func (m *mixFile) attribute(name string) (elixir.Token, bool) {
	for i := 0; i+2 < len(m.code); i++ {
		if m.code[i].Is("@") && m.code[i+1].Is(name) && m.code[i+1].Line() == m.code[i+2].Line() && m.code[i+2].Kind != elixir.Punct {
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
		if t.Kind != elixir.KeywordKey || t.Text() != "releases" {
			continue
		}
		present = true
		if i+1 >= len(m.code) || !m.code[i+1].Is("[") {
			return nil, true // computed elsewhere
		}
		for _, u := range m.direct(i + 1) {
			if u.Kind == elixir.KeywordKey {
				names = append(names, u.Text())
			}
		}
		return names, true
	}
	return nil, false
}

// configProviders returns the modules a literal `config_providers: [{Mod, ...}]` names.
func (m *mixFile) configProviders() []string {
	var out []string
	for i, t := range m.code {
		if t.Kind != elixir.KeywordKey || t.Text() != "config_providers" || i+1 >= len(m.code) || !m.code[i+1].Is("[") {
			continue
		}
		depth := 0
		for k := i + 1; k < len(m.code); k++ {
			switch {
			case m.code[k].Is("[") || m.code[k].Is("{") || m.code[k].Is("("):
				depth++
				if m.code[k].Is("{") && depth == 2 && k+1 < len(m.code) && m.code[k+1].Kind == elixir.Alias && !slices.Contains(out, m.code[k+1].Text()) {
					out = append(out, m.code[k+1].Text())
				}
			case m.code[k].Is("]") || m.code[k].Is("}") || m.code[k].Is(")"):
				depth--
			}
			if depth == 0 {
				break
			}
		}
	}
	return out
}

// aliases returns the names of the keyword keys that look like task aliases ("assets.deploy":).
func (m *mixFile) aliases() map[string]bool {
	out := map[string]bool{}
	for _, t := range m.code {
		if t.Kind == elixir.KeywordKey {
			out[strings.Trim(t.Text(), `"`)] = true
		}
	}
	return out
}

// compileConfigs lists the config files a production build reads at compile time: every .exs in
// config/ except runtime.exs (read at boot) and the dev and test files. Their names go into a
// Dockerfile COPY, so a name that cannot stand there is an error.
func compileConfigs(f *files) ([]string, error) {
	if !f.isDir("config") {
		return nil, nil
	}
	entries, err := f.d.ReadDir("config")
	if err != nil {
		return nil, &Error{Path: f.name("config"), Msg: "cannot be read: " + err.Error()}
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		// Dotfiles (.credo.exs, .formatter.exs) are tools' configuration, not the app's.
		if !strings.HasSuffix(n, ".exs") || strings.HasPrefix(n, ".") || n == "runtime.exs" || n == "releases.exs" || n == "dev.exs" || n == "test.exs" {
			continue
		}
		if e.IsDir() {
			return nil, &Error{Path: f.name("config/" + n), Msg: "is a directory, not a config file", Fix: "a config file must be a file"}
		}
		if !match.ConfigName(n) {
			return nil, &Error{Path: f.name("config/" + n), Msg: "this file name cannot be written into a Dockerfile COPY", Fix: "rename it to letters, digits, dots, dashes and underscores"}
		}
		out = append(out, "config/"+n)
	}
	return out, nil
}

// aliasCommands returns the string commands of a task alias (`"assets.deploy": ["esbuild default
// --minify", "phx.digest"]`), or nil.
func (m *mixFile) aliasCommands(name string) []string {
	for i, t := range m.code {
		if t.Kind != elixir.KeywordKey || strings.Trim(t.Text(), `"`) != name || i+1 >= len(m.code) {
			continue
		}
		var out []string
		if m.code[i+1].Kind == elixir.String {
			return []string{elixir.Unquote(m.code[i+1])}
		}
		if !m.code[i+1].Is("[") {
			return nil
		}
		for _, u := range m.direct(i + 1) {
			if u.Kind == elixir.String {
				out = append(out, elixir.Unquote(u))
			}
		}
		return out
	}
	return nil
}

// direct returns the tokens directly inside the bracket that opens at i (not those of nested
// brackets).
func (m *mixFile) direct(i int) []elixir.Token {
	var out []elixir.Token
	depth := 0
	for _, u := range m.code[i:] {
		switch {
		case u.Is("[") || u.Is("{") || u.Is("("):
			depth++
		case u.Is("]") || u.Is("}") || u.Is(")"):
			depth--
		case depth == 1:
			out = append(out, u)
		}
		if depth == 0 {
			break
		}
	}
	return out
}

// extraApplication reports whether application/0's extra_applications lists :name.
func (m *mixFile) extraApplication(name string) bool {
	for i, t := range m.code {
		if t.Kind == elixir.KeywordKey && t.Text() == "extra_applications" && i+1 < len(m.code) && m.code[i+1].Is("[") {
			for _, u := range m.direct(i + 1) {
				if u.Kind == elixir.Atom && elixir.AtomName(u) == name {
					return true
				}
			}
		}
	}
	return false
}
