package project

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Route is one route a router serves, with its full path (scope prefixes joined) and the
// pipelines a request passes through on the way.
type Route struct {
	Verb      string   `json:"verb"` // get, post, ..., forward, live
	Path      string   `json:"path"`
	To        string   `json:"to,omitempty"` // controller or plug, with the scope's alias
	Action    string   `json:"action,omitempty"`
	Pipelines []string `json:"pipelines,omitempty"`
	// Conditional is set for a route inside an `if` (dev routes): it may not exist in prod.
	Conditional bool   `json:"conditional,omitempty"`
	Source      string `json:"source"`
}

// isVerb reports whether a call declares a route: get, post, ..., forward, live, resources.
func isVerb(word string) bool {
	switch word {
	case "get", "post", "put", "patch", "delete", "options", "head", "match", "forward", "live", "resources":
		return true
	}
	return false
}

// routes reads a router module: its pipelines (name -> plugs) and its routes.
func routes(m *Module) (out []Route, pipelines map[string][]string) {
	pipelines = map[string][]string{}
	// sized once: a large router's routes would otherwise be copied a dozen times as they grow
	n := 0
	for _, t := range m.code {
		if t.Kind == elixir.Ident && isVerb(t.Text()) {
			n++
		}
	}
	out = make([]Route, 0, n)
	lines := make([]int, 0, n) // each route's line, for its Source
	// every route's path is written into one buffer, cut into strings at the end (ends)
	paths, pathEnds := make([]byte, 0, n*24), make([]int, 0, n)
	// the routes of a scope mostly name one controller: its full name is made once
	var lastAlias, lastTo, lastFull string
	var walk func(n *elixir.Node, prefix, alias string, through []string, conditional bool)
	code := m.tree.Code
	walk = func(n *elixir.Node, prefix, alias string, through []string, conditional bool) {
		through = slices.Clone(through)
		kids := n.Cursor(n.Open + 1)
		for i := n.Open + 1; i < n.Close; i++ {
			if c := kids.At(i); c != nil {
				i = c.Close
				continue
			}
			if !elixir.StatementStart(code, i) || code[i].Kind != elixir.Ident {
				continue
			}
			end := elixir.StatementEnd(code, n, i)
			args := callArgs(code, i, end)
			block := doBlock(m.tree, n, i, end)
			switch word := code[i].Text(); {
			case word == "pipeline" && len(args) > 0 && args[0].Kind == elixir.Atom && block != nil:
				pipelines[elixir.AtomName(args[0])] = plugsIn(m.tree, block)
			case word == "pipe_through":
				for _, a := range args {
					if a.Kind == elixir.Atom {
						through = append(through, elixir.AtomName(a))
					}
				}
			case word == "scope" && block != nil:
				p, a := prefix, alias
				if len(args) > 0 && args[0].Kind == elixir.String {
					p = joinPath(prefix, elixir.Unquote(args[0]))
				}
				for k, t := range args {
					switch {
					case t.Kind == elixir.Alias && k > 0 && args[k-1].Is(","):
						a = joinAlias(alias, t.Text())
					case t.Kind == elixir.KeywordKey && t.Text() == "path" && k+1 < len(args) && args[k+1].Kind == elixir.String:
						p = joinPath(prefix, elixir.Unquote(args[k+1]))
					case t.Kind == elixir.KeywordKey && t.Text() == "alias" && k+1 < len(args) && args[k+1].Kind == elixir.Alias:
						a = joinAlias(alias, args[k+1].Text())
					}
				}
				walk(block, p, a, through, conditional)
			case (word == "if" || word == "unless") && block != nil:
				walk(block, prefix, alias, through, true)
			case isVerb(word) && len(args) > 0 && args[0].Kind == elixir.String:
				paths = appendPath(paths, prefix, elixir.Unquote(args[0]))
				pathEnds = append(pathEnds, len(paths))
				r := Route{Verb: word, Pipelines: through, Conditional: conditional}
				if len(args) > 2 && args[1].Is(",") && args[2].Kind == elixir.Alias {
					if alias != lastAlias || args[2].Text() != lastTo || lastFull == "" {
						lastAlias, lastTo, lastFull = alias, args[2].Text(), joinAlias(alias, args[2].Text())
					}
					r.To = lastFull
					if len(args) > 4 && args[3].Is(",") && args[4].Kind == elixir.Atom {
						r.Action = elixir.AtomName(args[4])
					}
				}
				out = append(out, r)
				lines = append(lines, code[i].Line())
			}
			// no token of n before end starts a statement (StatementEnd): the next is at end
			i = end - 1
		}
	}
	walk(m.body, "", "", nil, false)
	// every Source ("file:line") is cut from one string: a large router has thousands
	src := m.File + ":"
	buf := make([]byte, 0, len(out)*(len(src)+6))
	ends := make([]int, len(out))
	for k, line := range lines {
		buf = strconv.AppendInt(append(buf, src...), int64(line), 10)
		ends[k] = len(buf)
	}
	all, start := string(buf), 0
	for k := range out {
		out[k].Source, start = all[start:ends[k]], ends[k]
	}
	all, start = string(paths), 0
	for k := range out {
		out[k].Path, start = all[start:pathEnds[k]], pathEnds[k]
	}
	return out, pipelines
}

// callArgs returns the tokens of a call's arguments, parentheses or not, up to end (the do block
// excluded): a slice of code, not a copy.
func callArgs(code []elixir.Token, i, end int) []elixir.Token {
	from := i + 1
	if from < end && code[from].Is("(") {
		from++
	}
	k := from
	for k < end && !code[k].Is("do") {
		k++
	}
	if k <= from {
		return nil
	}
	return code[from:k:k]
}

// doBlock returns the do/end block of the statement from i to end, if it has one.
func doBlock(t *elixir.Tree, n *elixir.Node, i, end int) *elixir.Node {
	kids := n.Cursor(i + 1)
	for k := i + 1; k < end && k < len(t.Code); k++ {
		if c := kids.At(k); c != nil {
			if c.Kind == "do" {
				return c
			}
			k = c.Close
		}
	}
	return nil
}

// plugsIn lists the plugs of a pipeline's block: `plug :name` as name, `plug Mod` as Mod.
func plugsIn(t *elixir.Tree, n *elixir.Node) []string {
	var out []string
	code := t.Code
	for i := n.Open + 1; i+1 < n.Close; i++ {
		if !code[i].Is("plug") || !elixir.StatementStart(code, i) {
			continue
		}
		switch next := code[i+1]; next.Kind {
		case elixir.Atom:
			out = append(out, elixir.AtomName(next))
		case elixir.Alias:
			out = append(out, next.Text())
		}
	}
	return out
}

// joinPath is a route's path under a scope's prefix, as path.Join("/", prefix, p) cleans it,
// with p's trailing slash kept. Joined without path.Join's intermediate string, and cleaned by
// path.Clean, which returns a path already clean as it is: a large router's routes under a
// plain prefix cost one string each.
func joinPath(prefix, p string) string {
	j := prefix
	switch {
	case p == "":
	case prefix == "" || prefix == "/":
		j = p
	case p[0] == '/':
		j = prefix + p
	default:
		j = prefix + "/" + p
	}
	if j == "" || j[0] != '/' {
		j = "/" + j
	}
	j = path.Clean(j)
	if strings.HasSuffix(p, "/") && j != "/" {
		j += "/"
	}
	return j
}

// appendPath appends joinPath(prefix, p) to b: a route under a clean prefix ("/admin", or none)
// with a clean path of its own ("/users/:id") is the two side by side, with no string made.
func appendPath(b []byte, prefix, p string) []byte {
	if p != "" && p[0] == '/' {
		n := len(b)
		if prefix != "" && prefix != "/" {
			b = append(b, prefix...)
		}
		b = append(b, p...)
		if isClean(b[n:]) {
			return b
		}
		b = b[:n]
	}
	return append(b, joinPath(prefix, p)...)
}

// isClean reports whether path.Clean leaves p as it is, for a rooted p: no empty, "." or ".."
// element, and no trailing slash.
func isClean[T string | []byte](p T) bool {
	if len(p) == 0 || p[0] != '/' {
		return false
	}
	if len(p) == 1 {
		return true
	}
	if p[len(p)-1] == '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		// the element after this slash
		j := i + 1
		for j < len(p) && p[j] != '/' {
			j++
		}
		switch e := p[i+1 : j]; {
		case len(e) == 0, len(e) == 1 && e[0] == '.', len(e) == 2 && e[0] == '.' && e[1] == '.':
			return false
		}
		i = j - 1
	}
	return true
}

func joinAlias(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// probeSafe are the plugs of Phoenix's generated pipelines: none of them refuses a plain GET
// from a load balancer. A pipeline with any other plug (authentication, rate limits, IP lists)
// may, so a health route behind it is not used.
var probeSafe = []string{"accepts", "fetch_session", "fetch_flash", "fetch_live_flash", "put_root_layout",
	"protect_from_forgery", "put_secure_browser_headers", "put_layout", "fetch_query_params", "put_format"}

// safeForProbes reports whether every plug of the pipelines lets a plain GET through.
func safeForProbes(through []string, pipelines map[string][]string) bool {
	for _, p := range through {
		plugs, known := pipelines[p]
		if !known {
			return false
		}
		for _, plug := range plugs {
			if !slices.Contains(probeSafe, plug) {
				return false
			}
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }
