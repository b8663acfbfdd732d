package generator

import (
	"regexp"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// EnvVars are the environment variables phxdeploy's files set or document, by their Phoenix
// names. A project may read any of them under another name; Env maps each to the project's.
var EnvVars = []string{"DATABASE_URL", "DATABASE_PATH", "POOL_SIZE", "ECTO_IPV6", "SECRET_KEY_BASE", "PHX_HOST", "PORT", "DNS_CLUSTER_QUERY"}

var envNameRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Z0-9]$`)

// envSource says where each variable is configured: the config key (for a target that is the
// Repo or the Endpoint) whose value reads it.
type envSource struct {
	env    string
	repo   bool   // the key is in the Repo's config (else the Endpoint's, or the app's)
	key    string // "url", or "url.host" for a key inside a nested list
	target string // "" for the Repo or Endpoint; an atom such as ":dns_cluster_query"
}

var envSources = []envSource{
	{env: "DATABASE_URL", repo: true, key: "url"},
	{env: "DATABASE_PATH", repo: true, key: "database"},
	{env: "POOL_SIZE", repo: true, key: "pool_size"},
	{env: "ECTO_IPV6", repo: true, key: "socket_options"},
	{env: "SECRET_KEY_BASE", key: "secret_key_base"},
	{env: "PHX_HOST", key: "url.host"},
	{env: "PORT", key: "http.port"},
	{env: "DNS_CLUSTER_QUERY", target: ":dns_cluster_query"},
}

// envNames reads config/runtime.exs and returns, for each variable the project reads under
// another name, that name: the one environment-variable-like string in the expression that
// configures the setting (directly, or through a variable assigned in the file). A variable
// read under its Phoenix name, or not found, keeps its Phoenix name.
func envNames(src string, repos []string, endpoint string) map[string]string {
	out := map[string]string{}
	for _, v := range EnvVars {
		out[v] = v
	}
	t, err := elixir.Parse(src)
	if err != nil {
		return out
	}
	facts := newRuntimeFacts(t)
	for _, es := range envSources {
		if facts.reads(es.env) {
			continue
		}
		if name := configuredFrom(t, facts, es, repos, endpoint); name != "" {
			out[es.env] = name
		}
	}
	return out
}

// configuredFrom finds the environment variable behind a setting.
func configuredFrom(t *elixir.Tree, f *runtimeFacts, es envSource, repos []string, endpoint string) string {
	code := t.Code
	for _, c := range f.calls {
		var from, to int
		switch {
		case es.target != "":
			if c.target != es.target {
				continue
			}
			// config :app, :dns_cluster_query, value: the value follows the target
			from, to = c.first+5, statementEnd(code, c.node, c.first)
		case es.repo && contains(repos, c.target), !es.repo && c.target == endpoint:
			var ok bool
			if from, to, ok = keywordValue(t, c, es.key); !ok {
				continue
			}
		default:
			continue
		}
		if name := envIn(t, code, from, to, 0); name != "" {
			return name
		}
	}
	return ""
}

// keywordValue returns the token range of a key's value in a config call; "http.port" looks
// inside the list given for http.
func keywordValue(t *elixir.Tree, c configCall, key string) (from, to int, ok bool) {
	code := t.Code
	parent, child := key, ""
	if i := indexByte(key, '.'); i >= 0 {
		parent, child = key[:i], key[i+1:]
	}
	end := statementEnd(code, c.node, c.first)
	for i := c.first; i < end; i++ {
		if code[i].Kind != elixir.KeywordKey || code[i].Text != parent || !c.node.Direct(i) {
			continue
		}
		if child == "" {
			return i + 1, valueEnd(t, c.node, i+1, end), true
		}
		list := nodeAt(t, i+1)
		if list == nil || list.Kind != "[" {
			return 0, 0, false
		}
		for k := list.Open + 1; k < list.Close; k++ {
			if list.Direct(k) && code[k].Kind == elixir.KeywordKey && code[k].Text == child {
				return k + 1, valueEnd(t, list, k+1, list.Close), true
			}
		}
	}
	return 0, 0, false
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// valueEnd is the index just past a keyword value that starts at from inside node n: the next
// comma that belongs to n, or limit.
func valueEnd(t *elixir.Tree, n *elixir.Node, from, limit int) int {
	for i := from; i < limit; i++ {
		if t.Code[i].Is(",") && n.Direct(i) {
			return i
		}
	}
	return limit
}

// statementEnd is the index just past the statement that starts at first in node n.
func statementEnd(code []elixir.Token, n *elixir.Node, first int) int {
	for i := first + 1; i < n.Close; i++ {
		if child := n.ChildAt(i); child != nil {
			i = child.Close
			continue
		}
		if statementStart(code, i) {
			return i
		}
	}
	return n.Close
}

// envIn returns the one environment-variable-like string literal in code[from:to]; a bare
// variable is followed to its assignment in the file (a few levels deep at most).
func envIn(t *elixir.Tree, code []elixir.Token, from, to, depth int) string {
	found := ""
	for i := from; i < to && i < len(code); i++ {
		tok := code[i]
		if tok.Kind == elixir.String {
			if s := elixir.Unquote(tok); envNameRe.MatchString(s) {
				if found != "" && found != s {
					return "" // two candidates: do not guess
				}
				found = s
			}
		}
	}
	if found != "" || depth > 3 || to-from != 1 || code[from].Kind != elixir.Ident {
		return found
	}
	// `url: database_url`: find `database_url =` and look at what it is assigned.
	for i := 0; i+1 < len(code); i++ {
		if code[i].Kind == elixir.Ident && code[i].Text == code[from].Text && code[i+1].Is("=") && statementStart(code, i) {
			n := enclosing(t, i)
			return envIn(t, code, i+2, statementEnd(code, n, i), depth+1)
		}
	}
	return ""
}

// enclosing returns the innermost block node that holds token i.
func enclosing(t *elixir.Tree, i int) *elixir.Node {
	n := t.Root
	for {
		var next *elixir.Node
		for _, c := range n.Children {
			if c.Open < i && i < c.Close {
				next = c
				break
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
}
