package generator

import (
	"fmt"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// configCall is one `config :app, Target, key: value, ...` call found in a config file.
type configCall struct {
	app    string            // the OTP app atom, without its colon
	target string            // the module or atom of the second argument ("" for `config :app, key: v`)
	keys   map[string]bool   // keyword keys given directly
	nested map[string]string // keys inside http: [...] and url: [...], as "http.port"
	opaque bool              // the options are not a literal keyword list (a variable, a call)
	node   *elixir.Node      // the block the call stands in
	first  int               // index of the `config` token
}

// statementStart reports whether code token i begins a statement (a new line, or the first
// token of a block).
func statementStart(code []elixir.Token, i int) bool {
	if i == 0 {
		return true
	}
	prev := code[i-1]
	return prev.Line < code[i].Line && !prev.Is(",") && !isOperator(prev) || prev.Is("do") || prev.Is("->")
}

func isOperator(t elixir.Token) bool {
	if t.Kind != elixir.Punct {
		return false
	}
	switch t.Text {
	case ")", "]", "}", ">>":
		return false
	}
	return true
}

// configCalls finds every config call in the file, at any depth.
func configCalls(t *elixir.Tree) []configCall {
	var out []configCall
	code := t.Code
	t.Root.Walk(func(n *elixir.Node) {
		if n.Kind != "" && n.Kind != "do" {
			return
		}
		for i := n.Open + 1; i < n.Close && i < len(code); i++ {
			if c := n.ChildAt(i); c != nil {
				i = c.Close
				continue
			}
			if !code[i].Is("config") || !statementStart(code, i) || i+1 >= len(code) || code[i+1].Kind != elixir.Atom {
				continue
			}
			out = append(out, parseConfigCall(code, n, i))
		}
	})
	return out
}

func parseConfigCall(code []elixir.Token, n *elixir.Node, i int) configCall {
	c := configCall{app: elixir.AtomName(code[i+1]), keys: map[string]bool{}, nested: map[string]string{}, node: n, first: i}
	j := i + 2
	if j < len(code) && code[j].Is(",") && j+1 < len(code) && (code[j+1].Kind == elixir.Alias || code[j+1].Kind == elixir.Atom) && (j+2 >= len(code) || code[j+2].Is(",")) {
		c.target = code[j+1].Text
		j += 2
	}
	if j < len(code) && code[j].Is(",") {
		j++
	}
	if j >= n.Close || code[j].Kind != elixir.KeywordKey {
		c.opaque = true
		return c
	}
	// Walk the keyword pairs at this level until the statement ends.
	for ; j < n.Close; j++ {
		if child := n.ChildAt(j); child != nil {
			j = child.Close
			continue
		}
		if j > i+2 && statementStart(code, j) {
			break
		}
		if code[j].Kind == elixir.KeywordKey {
			key := strings.Trim(code[j].Text, `"`)
			c.keys[key] = true
			if child := n.ChildAt(j + 1); child != nil && child.Kind == "[" && (key == "http" || key == "url") {
				for k := child.Open + 1; k < child.Close; k++ {
					if code[k].Kind == elixir.KeywordKey && child.Direct(k) {
						c.nested[key+"."+strings.Trim(code[k].Text, `"`)] = key
					}
				}
			} else if key == "http" || key == "url" {
				c.nested[key+".*"] = key // not a literal list: anything may be in it
			}
		}
	}
	return c
}

// runtimeFacts is what a runtime.exs already provides.
type runtimeFacts struct {
	strings map[string]bool // every string literal in code
	atoms   map[string]bool
	calls   []configCall
}

func newRuntimeFacts(t *elixir.Tree) *runtimeFacts {
	f := &runtimeFacts{strings: map[string]bool{}, atoms: map[string]bool{}, calls: configCalls(t)}
	for _, tok := range t.Code {
		switch tok.Kind {
		case elixir.String:
			f.strings[elixir.Unquote(tok)] = true
		case elixir.Atom:
			f.atoms[elixir.AtomName(tok)] = true
		}
	}
	return f
}

// reads reports whether any of the environment variables is read (in any form: get_env,
// fetch_env!, a helper taking the name).
func (f *runtimeFacts) reads(envs ...string) bool {
	for _, e := range envs {
		if f.strings[e] {
			return true
		}
	}
	return false
}

// sets reports whether a config call for target sets key (or nested key such as "http.port").
// A call whose options are not a literal list may set anything, so it counts.
func (f *runtimeFacts) sets(targets []string, key string) bool {
	for _, c := range f.calls {
		if !contains(targets, c.target) {
			continue
		}
		if c.opaque || c.keys[key] || c.nested[key] != "" {
			return true
		}
		if parent, _, ok := strings.Cut(key, "."); ok && c.nested[parent+".*"] != "" {
			return true
		}
	}
	return false
}

// prodBlock finds a top-level `if config_env() == :prod do` (=== and the reversed order count).
func prodBlock(t *elixir.Tree) *elixir.Node {
	code := t.Code
	for _, n := range t.Root.Children {
		if n.Kind != "do" {
			continue
		}
		// the condition: the tokens between `if` and `do`
		i := n.Open - 1
		for i >= 0 && !code[i].Is("if") {
			i--
		}
		if i < 0 || !statementStart(code, i) {
			continue
		}
		var cond []string
		for _, tok := range code[i+1 : n.Open] {
			cond = append(cond, tok.Text)
		}
		switch strings.Join(cond, " ") {
		case "config_env ( ) == :prod", "config_env ( ) === :prod", ":prod == config_env ( )", ":prod === config_env ( )":
			return n
		}
	}
	return nil
}

// setting is one thing runtime.exs must provide.
type setting struct {
	present func(f *runtimeFacts) bool
	// snippet returns the code laid out for the column it will stand at (mix format's line
	// length decides the layout), with that indentation removed.
	snippet func(indent int) string
	where   string // "prod-start", "prod-end", "top"
}

func runtimeSettings(d *Data) []setting {
	app, web := ":"+d.App, ":"+d.WebApp
	endpoint := []string{d.WebModule + ".Endpoint"}
	repos := d.Repos
	repo := repos[0]
	// call lays out `config ...` for column indent and returns it relative to that column.
	call := func(indent int, args []string, kws ...string) string {
		a := make([]any, len(args))
		for i, x := range args {
			a[i] = x
		}
		k := make([]any, len(kws))
		for i, x := range kws {
			k[i] = x
		}
		s, _ := exCall(indent, "config", a, k)
		return dedent(s, indent)
	}
	var out []setting
	out = append(out, setting{
		present: func(f *runtimeFacts) bool { return f.reads("PHX_SERVER") || f.sets(endpoint, "server") },
		snippet: func(int) string {
			return "if System.get_env(\"PHX_SERVER\") do\n" + indentBlock(call(2, []string{web, endpoint[0]}, "server: true"), "  ") + "\nend"
		},
		where: "top",
	})
	switch {
	case d.Database == "sqlite":
		out = append(out, setting{
			present: func(f *runtimeFacts) bool { return f.reads("DATABASE_PATH") || f.sets(repos, "database") },
			snippet: func(in int) string {
				return "database_path =\n  System.get_env(\"DATABASE_PATH\") ||\n    raise \"\"\"\n    environment variable DATABASE_PATH is missing.\n    For example: /data/" + d.App + ".db\n    \"\"\"\n\n" +
					call(in, []string{app, repo}, "database: database_path")
			},
			where: "prod-start",
		})
	case d.NetworkDatabase:
		out = append(out, setting{
			present: func(f *runtimeFacts) bool {
				return f.reads("DATABASE_URL") || f.sets(repos, "url") || f.sets(repos, "hostname") || f.sets(repos, "database")
			},
			snippet: func(in int) string {
				return "database_url =\n  System.get_env(\"DATABASE_URL\") ||\n    raise \"\"\"\n    environment variable DATABASE_URL is missing.\n    For example: " + d.DatabaseURLExample + "\n    \"\"\"\n\n" +
					call(in, []string{app, repo}, "url: database_url")
			},
			where: "prod-start",
		}, setting{
			present: func(f *runtimeFacts) bool { return f.reads("ECTO_IPV6") || f.sets(repos, "socket_options") },
			snippet: func(in int) string {
				return "maybe_ipv6 = if System.get_env(\"ECTO_IPV6\") in ~w(true 1), do: [:inet6], else: []\n\n" +
					call(in, []string{app, repo}, "socket_options: maybe_ipv6")
			},
			where: "prod-start",
		})
	}
	if d.Ecto {
		def := "10"
		if d.Database == "sqlite" {
			def = "5"
		}
		out = append(out, setting{
			present: func(f *runtimeFacts) bool { return f.reads("POOL_SIZE") || f.sets(repos, "pool_size") },
			snippet: func(in int) string {
				return call(in, []string{app, repo}, fmt.Sprintf("pool_size: String.to_integer(System.get_env(\"POOL_SIZE\") || %q)", def))
			},
			where: "prod-start",
		})
	}
	out = append(out, setting{
		present: func(f *runtimeFacts) bool { return f.reads("SECRET_KEY_BASE") || f.sets(endpoint, "secret_key_base") },
		snippet: func(in int) string {
			return "secret_key_base =\n  System.get_env(\"SECRET_KEY_BASE\") ||\n    raise \"\"\"\n    environment variable SECRET_KEY_BASE is missing.\n    You can generate one by calling: mix phx.gen.secret\n    \"\"\"\n\n" +
				call(in, []string{web, endpoint[0]}, "secret_key_base: secret_key_base")
		},
		where: "prod-end",
	}, setting{
		present: func(f *runtimeFacts) bool { return f.reads("PHX_HOST") || f.sets(endpoint, "url.host") },
		snippet: func(in int) string {
			return call(in, []string{web, endpoint[0]}, `url: [host: System.get_env("PHX_HOST") || "example.com", port: 443, scheme: "https"]`)
		},
		where: "prod-end",
	}, setting{
		present: func(f *runtimeFacts) bool { return f.reads("PORT") || f.sets(endpoint, "http.port") },
		snippet: func(in int) string {
			return call(in, []string{web, endpoint[0]}, `http: [port: String.to_integer(System.get_env("PORT") || "4000")]`)
		},
		where: "prod-end",
	})
	if d.DNSClusterQuery {
		out = append(out, setting{
			present: func(f *runtimeFacts) bool { return f.reads("DNS_CLUSTER_QUERY") || f.atoms["dns_cluster_query"] },
			snippet: func(in int) string {
				return call(in, []string{app, ":dns_cluster_query", `System.get_env("DNS_CLUSTER_QUERY")`})
			},
			where: "prod-end",
		})
	}
	return out
}

// patchRuntime adds to config/runtime.exs what the targets need and the file does not provide
// in any form. New production settings go inside the existing prod block (a new one is created
// at the end of the file when there is none).
func patchRuntime(src string, d *Data) (string, error) {
	var missing []setting
	s, err := newSource(src)
	if err != nil {
		return "", stepBack("config/runtime.exs cannot be read as Elixir ("+err.Error()+")", runtimeSnippet(runtimeSettings(d)))
	}
	for _, tok := range s.code() {
		if tok.Kind == elixir.Alias && (tok.Text == "Code" || tok.Text == "Config.Reader") || tok.Is("import_config") {
			// Settings may live in another file: phxdeploy cannot tell what is there.
			return "", stepBack("config/runtime.exs loads other files, so phxdeploy cannot tell which settings they provide; make sure these are read at boot",
				runtimeSnippet(runtimeSettings(d)))
		}
	}
	facts := newRuntimeFacts(s.tree)
	for _, st := range runtimeSettings(d) {
		if !st.present(facts) {
			missing = append(missing, st)
		}
	}
	if len(missing) == 0 {
		return src, nil
	}
	code := s.code()
	block := prodBlock(s.tree)
	prodIndent := "  "
	if block != nil {
		prodIndent = s.indentOf(code[block.Open].Start) + "  "
	}
	var top, start, end []string
	for _, st := range missing {
		switch st.where {
		case "top":
			top = append(top, st.snippet(0))
		case "prod-start":
			start = append(start, st.snippet(len(prodIndent)))
		default:
			end = append(end, st.snippet(len(prodIndent)))
		}
	}
	if len(top) > 0 {
		// Top-level settings go just before the prod block (with the comments above it), as
		// Phoenix writes them; without a prod block, after `import Config`.
		var at int
		if block != nil {
			ifTok := block.Open - 1
			for ifTok > 0 && !code[ifTok].Is("if") {
				ifTok--
			}
			at = s.startOfComments(code[ifTok].Start)
			s.insert(at, strings.Join(top, "\n\n")+"\n\n")
		} else {
			for i, tok := range code {
				if tok.Is("import") && i+1 < len(code) && code[i+1].Text == "Config" {
					at = s.nextLine(tok.Start)
					break
				}
			}
			if at == 0 {
				return "", stepBack("config/runtime.exs has no `import Config` line to add settings after", runtimeSnippet(missing))
			}
			s.insert(at, "\n"+strings.Join(top, "\n\n")+"\n")
		}
	}
	prodSnippets := append(append([]string{}, start...), end...)
	if len(prodSnippets) == 0 {
		return s.done(runtimeSnippet(missing))
	}
	if block == nil {
		text := "if config_env() == :prod do\n" + indentBlock(strings.Join(prodSnippets, "\n\n"), prodIndent) + "\nend\n"
		if !strings.HasSuffix(src, "\n") {
			text = "\n" + text
		}
		s.insert(len(src), "\n"+text)
		return s.done(runtimeSnippet(missing))
	}
	doTok, endTok := code[block.Open], code[block.Close]
	if doTok.Line == endTok.Line {
		return "", stepBack("the prod block of config/runtime.exs is written on one line", runtimeSnippet(missing))
	}
	indent := prodIndent
	bodyStart := s.nextLine(doTok.Start)
	endLine := s.lineStart(endTok.Start)
	empty := bodyStart >= endLine || strings.TrimSpace(s.src[bodyStart:endLine]) == ""
	switch {
	case empty:
		s.replace(bodyStart, endLine, indentBlock(strings.Join(prodSnippets, "\n\n"), indent)+"\n")
	default:
		if len(start) > 0 {
			sep := "\n\n"
			if s.src[bodyStart] == '\n' || s.src[bodyStart] == '\r' {
				sep = "\n"
			}
			s.insert(bodyStart, indentBlock(strings.Join(start, "\n\n"), indent)+sep)
		}
		if len(end) > 0 {
			s.insert(endLine, "\n"+indentBlock(strings.Join(end, "\n\n"), indent)+"\n")
		}
	}
	return s.done(runtimeSnippet(missing))
}

// runtimeSnippet is the paste-ready text for settings phxdeploy could not add itself.
func runtimeSnippet(settings []setting) string {
	var top, prod []string
	for _, st := range settings {
		if st.where == "top" {
			top = append(top, st.snippet(0))
		} else {
			prod = append(prod, st.snippet(2))
		}
	}
	out := strings.Join(top, "\n\n")
	if len(prod) > 0 {
		if out != "" {
			out += "\n\n"
		}
		out += "if config_env() == :prod do\n" + indentBlock(strings.Join(prod, "\n\n"), "  ") + "\nend"
	}
	return out + "\n"
}

// dedent removes n leading spaces from every line that has them.
func dedent(text string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, pad)
	}
	return strings.Join(lines, "\n")
}
