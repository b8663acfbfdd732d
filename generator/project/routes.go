package project

import (
	"github.com/phxdeploy/phxdeploy/internal/parallel"
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

// routes reads a router module: its pipelines (name -> plugs) and its routes, in source order.
// Each block at the router's top level (a scope, an if) is read on its own, on every core: a
// large router is hundreds of scopes. With healthOnly, only the routes that may be a health
// route are made: a GET, forward or match whose path has a segment named as one of healthPaths
// (mayBeHealthRoute).
func routes(m *Module, healthOnly bool) (out []Route, pipelines map[string][]string) {
	top := &routeWalker{m: m, code: m.tree.Code, top: true, healthOnly: healthOnly}
	top.walk(m.body, "", "", nil, false)
	parts := append(top.parts, top)
	// One array holds every route: a block's part writes into its own stretch of it, sized by
	// the route verbs among its tokens (at least its routes); the gaps are closed afterwards.
	limit := make([]int, len(parts))
	total := 0
	var blocks []*routeWalker
	for k, p := range parts {
		limit[k] = len(p.out)
		if p.block != nil && !(healthOnly && passes(p.code, p.block, p.prefix)) {
			blocks = append(blocks, p)
			for _, t := range p.code[p.block.Open:p.block.Close] {
				if t.Kind == elixir.Ident && isVerb(t.Text()) {
					limit[k]++
				}
			}
		}
		total += limit[k]
	}
	all := make([]Route, total)
	at := 0
	for k, p := range parts {
		region := all[at : at+len(p.out) : at+limit[k]]
		copy(region, p.out)
		p.out, at = region, at+limit[k]
		if p.block != nil {
			p.out = p.out[:0]
			p.lines, p.pathEnds, p.paths = make([]int, 0, limit[k]), make([]int, 0, limit[k]), make([]byte, 0, limit[k]*24)
		}
	}
	parallel.Each(len(blocks), func(k int) {
		b := blocks[k]
		b.walk(b.block, b.prefix, b.alias, b.through, b.conditional)
		b.routes()
	})
	pipelines = map[string][]string{}
	out = all[:0]
	for k, p := range parts {
		if len(p.out) > limit[k] { // a part outgrew its stretch (it cannot): no merging in place
			out = make([]Route, 0, total)
		}
	}
	for _, p := range parts {
		if p.block == nil {
			p.routes()
		}
		out = append(out, p.out...) // within all, never past a part's own stretch
		for _, d := range p.pipelines {
			pipelines[d.name] = d.plugs
		}
	}
	return out, pipelines
}

// routeWalker reads the routes of a block and the blocks inside it. At the router's top level
// (top), a block is not read in place but becomes a part of its own, read afterwards (by
// routes, on another core), and the top level's own routes after it go to a new part: the
// parts, in order, are the routes in source order.
type routeWalker struct {
	m    *Module
	code []elixir.Token
	top  bool
	// healthOnly: only the routes that may be a health route are made
	healthOnly bool

	// a part that is a block: what it is read with
	block             *elixir.Node
	prefix, alias     string
	through           []string
	conditional       bool
	parts             []*routeWalker // (top) the parts before the top level's last
	out               []Route
	lines             []int  // each route's line, for its Source
	paths             []byte // every route's path, cut into strings by pathEnds
	pathEnds          []int
	pipelines         []pipelineDef // in source order: the last definition of a name wins
	lastAlias, lastTo string        // the routes of a scope mostly name one controller:
	lastFull          string        // its full name is made once
}

type pipelineDef struct {
	name  string
	plugs []string
}

// passes reports whether reading for the health route passes a block under prefix by: none of
// its routes can be a health route, and it defines no pipeline.
func passes(code []elixir.Token, n *elixir.Node, prefix string) bool {
	return !healthSegment(prefix) && !mayHoldHealthRoute(code[n.Open+1:max(n.Open+1, n.Close)])
}

// nest reads a block inside the walker's, or at the top level makes it a part.
func (w *routeWalker) nest(block *elixir.Node, prefix, alias string, through []string, conditional bool) {
	if !w.top {
		w.walk(block, prefix, alias, through, conditional)
		return
	}
	// the top level's routes so far (if any), then the block
	if len(w.out) > 0 || len(w.pipelines) > 0 {
		done := *w
		done.top, done.parts = false, nil
		w.parts = append(w.parts, &done)
	}
	w.parts = append(w.parts, &routeWalker{m: w.m, code: w.code, healthOnly: w.healthOnly, block: block, prefix: prefix, alias: alias,
		through: slices.Clone(through), conditional: conditional})
	*w = routeWalker{m: w.m, code: w.code, top: true, healthOnly: w.healthOnly, parts: w.parts}
}

func (w *routeWalker) walk(n *elixir.Node, prefix, alias string, through []string, conditional bool) {
	code, t := w.code, w.m.tree
	if w.healthOnly && !w.top && passes(code, n, prefix) {
		return
	}
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
		block := doBlock(t, n, i, end)
		word := code[i].Text()
		if word == "match" && len(args) > 2 && args[0].Kind == elixir.Atom && args[1].Is(",") && args[2].Kind == elixir.String {
			// match :method, "/path", ...: a route of that method (of any, for :*), read as
			// the others are from its path on
			if m := elixir.AtomName(args[0]); m != "*" {
				word = m
			}
			args = args[2:]
		}
		switch {
		case word == "pipeline" && len(args) > 0 && args[0].Kind == elixir.Atom && block != nil:
			w.pipelines = append(w.pipelines, pipelineDef{elixir.AtomName(args[0]), plugsIn(t, block)})
		case word == "pipeline" && len(args) > 2 && args[0].Kind == elixir.Atom && args[1].Is(",") && args[2].Kind == elixir.KeywordKey && args[2].Text() == "do":
			// pipeline :api, do: plug(:accepts, ["json"]); a body that is not one plug leaves
			// the pipeline unknown (a route through it is not taken for probes)
			if plug, ok := plugOf(args[3:]); ok {
				w.pipelines = append(w.pipelines, pipelineDef{elixir.AtomName(args[0]), []string{plug}})
			}
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
			w.nest(block, p, a, through, conditional)
		case (word == "if" || word == "unless") && block != nil:
			w.nest(block, prefix, alias, through, true)
		case isVerb(word) && len(args) > 0 && args[0].Kind == elixir.String:
			if w.healthOnly && !mayBeHealthRoute(word, prefix, args[0]) {
				break
			}
			w.paths = appendPath(w.paths, prefix, elixir.Unquote(args[0]))
			w.pathEnds = append(w.pathEnds, len(w.paths))
			r := Route{Verb: word, Pipelines: through, Conditional: conditional}
			if len(args) > 2 && args[1].Is(",") && args[2].Kind == elixir.Alias {
				if alias != w.lastAlias || args[2].Text() != w.lastTo || w.lastFull == "" {
					w.lastAlias, w.lastTo, w.lastFull = alias, args[2].Text(), joinAlias(alias, args[2].Text())
				}
				r.To = w.lastFull
				if len(args) > 4 && args[3].Is(",") && args[4].Kind == elixir.Atom {
					r.Action = elixir.AtomName(args[4])
				}
			}
			w.out = append(w.out, r)
			w.lines = append(w.lines, code[i].Line())
		}
		// no token of n before end starts a statement (StatementEnd): the next is at end
		i = end - 1
	}
}

// routes gives the walker's routes their paths and Sources ("file:line"), each cut from one
// string: a large router has thousands.
func (w *routeWalker) routes() {
	src := w.m.File + ":"
	buf := make([]byte, 0, len(w.out)*(len(src)+6))
	ends := make([]int, len(w.out))
	for k, line := range w.lines {
		buf = strconv.AppendInt(append(buf, src...), int64(line), 10)
		ends[k] = len(buf)
	}
	all, start := string(buf), 0
	for k := range w.out {
		w.out[k].Source, start = all[start:ends[k]], ends[k]
	}
	all, start = string(w.paths), 0
	for k := range w.out {
		w.out[k].Path, start = all[start:w.pathEnds[k]], w.pathEnds[k]
	}
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

// plugOf is the plug of a pipeline's body in keyword form (`do: plug(:name, ...)`, `do: plug
// Mod`), when the body is one plug call.
func plugOf(body []elixir.Token) (string, bool) {
	if len(body) < 2 || !body[0].Is("plug") {
		return "", false
	}
	for _, t := range body[1:] {
		if t.Is("plug") || t.Is(";") {
			return "", false // more than one plug
		}
	}
	next := body[1]
	if next.Is("(") && len(body) > 2 {
		next = body[2]
	}
	switch next.Kind {
	case elixir.Atom:
		return elixir.AtomName(next), true
	case elixir.Alias:
		return next.Text(), true
	}
	return "", false
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
