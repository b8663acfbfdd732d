package project

import (
	"regexp"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/setting"
)

var envNameRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Z0-9]$`)

// envNames reads a runtime config and returns, for each variable of the settings table, the name
// the project reads it under: the one environment-variable-like string in the expression that
// configures the setting's key (directly, or through a variable assigned in the file). A
// variable read under its Phoenix name, or not found, keeps its Phoenix name.
func envNames(src string, repos []string, endpoint, database string) map[string]string {
	out := map[string]string{}
	for _, v := range setting.Names() {
		out[v] = v
	}
	t, err := elixir.Parse(src)
	if err != nil {
		return out
	}
	facts := elixir.NewFacts(t)
	c := setting.Context{Repos: repos, Endpoint: endpoint, Database: database, DNSCluster: true}
	for _, s := range setting.All {
		// A setting the project does not need is not looked for: `database:` names the file of
		// a SQLite database, but the database of a Postgres one.
		if facts.Reads(s.Env) || !s.Applies(c) {
			continue
		}
		if name := configuredFrom(t, facts, s, s.Targets(c)); name != "" {
			out[s.Env] = name
		}
	}
	return out
}

// configuredFrom finds the environment variable behind a setting's first key.
func configuredFrom(t *elixir.Tree, f *elixir.Facts, s setting.Setting, targets []string) string {
	code := t.Code
	for _, c := range f.Calls {
		if !slices.Contains(targets, c.Target) {
			continue
		}
		var from, to int
		if s.Scope == setting.AppKey {
			// config :app, :key, value: the value follows the key
			from, to = c.First+5, elixir.StatementEnd(code, c.Node, c.First)
		} else {
			var ok bool
			if from, to, ok = t.KeywordValue(c, s.Keys[0]); !ok {
				continue
			}
		}
		if name := envIn(t, from, to, 0); name != "" && (s.Env != "ECTO_IPV6" || flagLike(t, from, to)) {
			return name
		}
	}
	return ""
}

// envIn returns the one environment-variable-like string literal in code[from:to]; a bare
// variable is followed to its assignment in the file (a few levels deep at most).
func envIn(t *elixir.Tree, from, to, depth int) string {
	code := t.Code
	found := ""
	for i := from; i < to && i < len(code); i++ {
		tok := code[i]
		if tok.Kind == elixir.String {
			if s := elixir.Unquote(tok); envNameRe.MatchString(s) && !yamlWord(s) {
				if found != "" && found != s {
					return "" // two candidates: do not guess
				}
				found = s
			}
		}
	}
	if found != "" || depth > 3 || to-from != 1 || from >= len(code) || code[from].Kind != elixir.Ident {
		return found
	}
	// `url: database_url`: find `database_url =` and look at what it is assigned.
	for i := 0; i+1 < len(code); i++ {
		if code[i].Kind == elixir.Ident && code[i].Text == code[from].Text && code[i+1].Is("=") && elixir.StatementStart(code, i) {
			n := t.Enclosing(i)
			return envIn(t, i+2, elixir.StatementEnd(code, n, i), depth+1)
		}
	}
	return ""
}

// yamlWord reports whether a name is a plain scalar YAML reads as a boolean or null (ON, NULL):
// it cannot name a variable in a manifest.
func yamlWord(s string) bool {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "true", "false", "on", "off", "null":
		return true
	}
	return false
}

// flagLike reports whether an expression tests a variable against "true" (ECTO_IPV6 is a flag:
// a variable the app parses as a host name is not it, and must never be set to "true").
func flagLike(t *elixir.Tree, from, to int) bool {
	for i := from; i < to && i < len(t.Code); i++ {
		switch tok := t.Code[i]; tok.Kind {
		case elixir.String:
			if v := elixir.Unquote(tok); v == "true" || v == "1" {
				return true
			}
		case elixir.Sigil:
			if strings.Contains(tok.Text, "true") {
				return true
			}
		}
	}
	return false
}
