package project

import (
	"os"
	"regexp"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// configNamespace finds `config :app, namespace: Mod` (also inside a longer keyword list).
func configNamespace(path, app string) string {
	code, _ := fileCode(path)
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("config") || code[i+1].Kind != elixir.Atom || elixir.AtomName(code[i+1]) != app {
			continue
		}
		// scan this call's arguments up to the next `config` at the same level
		for j := i + 2; j+1 < len(code) && !code[j].Is("config") && !code[j].Is("import"); j++ {
			if code[j].Kind == elixir.KeywordKey && code[j].Text == "namespace" && code[j+1].Kind == elixir.Alias {
				return code[j+1].Text
			}
		}
	}
	return ""
}

// fileCode reads and scans an Elixir file; ok is false when it is missing or cannot be scanned.
func fileCode(path string) (code []elixir.Token, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	return scanCode(b)
}

func scanCode(b []byte) ([]elixir.Token, bool) {
	toks, err := elixir.Scan(string(b))
	if err != nil {
		return nil, false
	}
	return elixir.Code(toks), true
}

// configRepos reads `ecto_repos: [A.Repo, ...]` from `config :app, ...`.
func configRepos(path, app string) []string {
	code, _ := fileCode(path)
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("config") || code[i+1].Kind != elixir.Atom || elixir.AtomName(code[i+1]) != app {
			continue
		}
		for j := i + 2; j+1 < len(code) && !code[j].Is("config"); j++ {
			if code[j].Kind == elixir.KeywordKey && code[j].Text == "ecto_repos" && code[j+1].Is("[") {
				var repos []string
				for k := j + 2; k < len(code) && !code[k].Is("]"); k++ {
					if code[k].Kind == elixir.Alias {
						repos = append(repos, code[k].Text)
					}
				}
				return repos
			}
		}
	}
	return nil
}

// forceSSL reports whether config/prod.exs sets force_ssl in code (not in a comment).
func forceSSL(path string) bool {
	code, _ := fileCode(path)
	for _, t := range code {
		if t.Kind == elixir.KeywordKey && t.Text == "force_ssl" {
			return true
		}
	}
	return false
}

// detectFiles finds the application module, the router and the endpoint, and a health check

// plugsSSL reports whether the endpoint plugs Plug.SSL itself (in code, not in a comment).
func plugsSSL(path string) bool {
	code, _ := fileCode(path)
	for i := 0; i+1 < len(code); i++ {
		if code[i].Is("plug") && code[i+1].Kind == elixir.Alias && code[i+1].Text == "Plug.SSL" {
			return true
		}
	}
	return false
}

var lockVersionRe = regexp.MustCompile(`"([a-z0-9_]+)":\s*\{:hex,\s*:[a-z0-9_]+,\s*"([0-9][^"]*)"`)

func readLockVersion(path, dep string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, m := range lockVersionRe.FindAllStringSubmatch(string(b), -1) {
		if m[1] == dep {
			return m[2]
		}
	}
	return ""
}
