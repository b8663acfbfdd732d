package project

import (
	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/internal/lazyre"
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

var lockNameRe = lazyre.New(`(?m)^\s*"([a-z0-9_]+)":\s*\{`)

var lockVersionRe = lazyre.New(`"([a-z0-9_]+)":\s*\{:hex,\s*:[a-z0-9_]+,\s*"([0-9][0-9A-Za-z.+-]*)"`)

// lockVersion returns the version mix.lock pins for dep, or "".
func lockVersion(lock []byte, dep string) string {
	for _, m := range lockVersionRe.FindAllSubmatch(lock, -1) {
		if string(m[1]) == dep {
			return string(m[2])
		}
	}
	return ""
}

// lockNames returns the names of the packages mix.lock locks.
func lockNames(lock []byte) []string {
	var out []string
	for _, m := range lockNameRe.FindAllSubmatch(lock, -1) {
		out = append(out, string(m[1]))
	}
	return out
}
