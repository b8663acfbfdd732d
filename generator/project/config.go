package project

import (
	"bytes"
	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// configNamespace finds `config :app, namespace: Mod` (also inside a longer keyword list).
func configNamespace(code []elixir.Token, app string) string {
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("config") || code[i+1].Kind != elixir.Atom || elixir.AtomName(code[i+1]) != app {
			continue
		}
		// scan this call's arguments up to the next `config` at the same level
		for j := i + 2; j+1 < len(code) && !code[j].Is("config") && !code[j].Is("import"); j++ {
			if code[j].Kind == elixir.KeywordKey && code[j].Text() == "namespace" && code[j+1].Kind == elixir.Alias {
				return code[j+1].Text()
			}
		}
	}
	return ""
}

// configRepos reads `ecto_repos: [A.Repo, ...]` from `config :app, ...`.
func configRepos(code []elixir.Token, app string) []string {
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("config") || code[i+1].Kind != elixir.Atom || elixir.AtomName(code[i+1]) != app {
			continue
		}
		for j := i + 2; j+1 < len(code) && !code[j].Is("config"); j++ {
			if code[j].Kind == elixir.KeywordKey && code[j].Text() == "ecto_repos" && code[j+1].Is("[") {
				var repos []string
				for k := j + 2; k < len(code) && !code[k].Is("]"); k++ {
					if code[k].Kind == elixir.Alias {
						repos = append(repos, code[k].Text())
					}
				}
				return repos
			}
		}
	}
	return nil
}

// setsForceSSL returns the line where a config file sets force_ssl in code (not in a comment), or 0.
func setsForceSSL(code []elixir.Token) int {
	for _, t := range code {
		if t.Kind == elixir.KeywordKey && t.Text() == "force_ssl" {
			return t.Line()
		}
	}
	return 0
}

// plugsSSL returns the line where the endpoint plugs Plug.SSL itself, or 0.
func plugsSSL(code []elixir.Token) int {
	for i := 0; i+1 < len(code); i++ {
		if code[i].Is("plug") && code[i+1].Kind == elixir.Alias && code[i+1].Text() == "Plug.SSL" {
			return code[i].Line()
		}
	}
	return 0
}

// lockVersion returns the version mix.lock pins for dep, or "": the first entry
// `"dep": {:hex, :package, "version"` of the lock (as FindAll of the expression
// "([a-z0-9_]+)":\s*\{:hex,\s*:[a-z0-9_]+,\s*"([0-9][0-9A-Za-z.+-]*)" finds them, left to right
// without overlaps, read by hand: FuzzLockMatchers checks it against the expression).
func lockVersion(lock []byte, dep string) string {
	for i := 0; i < len(lock); {
		q := bytes.IndexByte(lock[i:], '"')
		if q < 0 {
			return ""
		}
		i += q
		name, version, end := lockEntryAt(lock, i)
		if end < 0 {
			i++
			continue
		}
		if string(name) == dep {
			return string(version)
		}
		i = end
	}
	return ""
}

// lockEntryAt matches `"name": {:hex, :package, "version"` at b[i] (a quote): the name, the
// version and the index past the match, or end -1.
func lockEntryAt(b []byte, i int) (name, version []byte, end int) {
	j := i + 1
	for j < len(b) && lockNameByte(b[j]) {
		j++
	}
	if j == i+1 || !hasAt(b, j, `":`) {
		return nil, nil, -1
	}
	name = b[i+1 : j]
	j = skipSpace(b, j+2)
	if !hasAt(b, j, "{:hex,") {
		return nil, nil, -1
	}
	j = skipSpace(b, j+len("{:hex,"))
	if !hasAt(b, j, ":") {
		return nil, nil, -1
	}
	k := j + 1
	for k < len(b) && lockNameByte(b[k]) {
		k++
	}
	if k == j+1 || !hasAt(b, k, ",") {
		return nil, nil, -1
	}
	k = skipSpace(b, k+1)
	if !hasAt(b, k, `"`) || k+1 >= len(b) || b[k+1] < '0' || b[k+1] > '9' {
		return nil, nil, -1
	}
	v := k + 2
	for v < len(b) && (b[v] >= '0' && b[v] <= '9' || b[v] >= 'A' && b[v] <= 'Z' || b[v] >= 'a' && b[v] <= 'z' || b[v] == '.' || b[v] == '+' || b[v] == '-') {
		v++
	}
	if !hasAt(b, v, `"`) {
		return nil, nil, -1
	}
	return name, b[k+1 : v], v + 1
}

func lockNameByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' }

// skipSpace skips what \s matches in Go's expressions: \t \n \f \r and space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\f' || b[i] == '\r') {
		i++
	}
	return i
}

func hasAt(b []byte, i int, s string) bool { return i <= len(b) && bytes.HasPrefix(b[i:], []byte(s)) }

// lockNames returns the names of the packages mix.lock locks: each `"name": {` at the start of
// a line, blanks before it (as FindAll of (?m)^\s*"([a-z0-9_]+)":\s*\{ finds them, read by hand:
// FuzzLockMatchers checks it against the expression).
func lockNames(lock []byte) []string {
	var out []string
	for i := 0; i <= len(lock); {
		// i is the start of a line; the blanks after it may run over several lines
		j := skipSpace(lock, i)
		if hasAt(lock, j, `"`) {
			k := j + 1
			for k < len(lock) && lockNameByte(lock[k]) {
				k++
			}
			if k > j+1 && hasAt(lock, k, `":`) {
				if e := skipSpace(lock, k+2); hasAt(lock, e, "{") {
					out = append(out, string(lock[j+1:k]))
					i = e + 1 // the next match starts at a line's start after the brace
				}
			}
		}
		// every line start in the blanks before j leads to j and fails there too: the next
		// candidate is the first line after j (from i, blank lines cost quadratic time)
		if i < j {
			i = j
		}
		n := bytes.IndexByte(lock[i:], '\n')
		if n < 0 {
			break
		}
		i += n + 1
	}
	return out
}
