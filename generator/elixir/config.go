package elixir

import (
	"slices"
	"strings"
)

// ConfigCall is one `config :app, Target, key: value, ...` call found in a config file.
type ConfigCall struct {
	App    string            // the OTP app atom, without its colon
	Target string            // the module or atom of the second argument ("" for `config :app, key: v`)
	Keys   map[string]bool   // keyword keys given directly
	Nested map[string]string // keys inside http: [...] and url: [...], as "http.port"
	Opaque bool              // the options are not a literal keyword list (a variable, a call)
	Node   *Node             // the block the call stands in
	First  int               // index of the `config` token
}

// ConfigCalls finds every config call in the file, at any depth, with or without parentheses; a
// target named through an alias of the file (`alias ShopWeb.Endpoint`) gets its full name.
func (t *Tree) ConfigCalls() []ConfigCall {
	var out []ConfigCall
	code := t.Code
	aliases := t.Aliases()
	t.Root.Walk(func(n *Node) {
		if n.Kind != "" && n.Kind != "do" {
			return
		}
		kids := n.Cursor(n.Open + 1)
		for i := n.Open + 1; i < n.Close && i < len(code); i++ {
			if c := kids.At(i); c != nil {
				if i > 0 && code[i-1].Is("config") && c.Kind == "(" && StatementStart(code, i-1) && i+1 < len(code) && code[i+1].Kind == Atom {
					out = append(out, parseConfigCall(code, c, i, aliases)) // config(:app, ...)
				}
				i = c.Close
				continue
			}
			if !code[i].Is("config") || !StatementStart(code, i) || i+1 >= len(code) || code[i+1].Kind != Atom {
				continue
			}
			out = append(out, parseConfigCall(code, n, i, aliases))
		}
	})
	return out
}

// Aliases maps the short names a file's alias statements introduce to the modules they name:
// `alias A.B` (B), `alias A.B, as: C` (C), `alias A.{B, C}` (B and C).
func (t *Tree) Aliases() map[string]string {
	code := t.Code
	out := map[string]string{}
	for i := 0; i+1 < len(code); i++ {
		if !code[i].Is("alias") || code[i+1].Kind != Alias || !StatementStart(code, i) {
			continue
		}
		full := code[i+1].Text()
		switch {
		case i+3 < len(code) && code[i+2].Is(".") && code[i+3].Is("{"):
			if group := t.NodeAt(i + 3); group != nil {
				for k := group.Open + 1; k < group.Close; k++ {
					if code[k].Kind == Alias && group.Direct(k) {
						out[firstPart(code[k].Text())] = full + "." + code[k].Text()
					}
				}
			}
		case i+4 < len(code) && code[i+2].Is(",") && code[i+3].Kind == KeywordKey && code[i+3].Text() == "as" && code[i+4].Kind == Alias:
			out[code[i+4].Text()] = full
		default:
			out[full[strings.LastIndexByte(full, '.')+1:]] = full
		}
	}
	return out
}

func firstPart(m string) string { return strings.SplitN(m, ".", 2)[0] }

// Expand resolves a module named through an alias to its full name.
func Expand(aliases map[string]string, m string) string {
	head, rest, nested := strings.Cut(m, ".")
	full, ok := aliases[head]
	switch {
	case !ok:
		return m
	case nested:
		return full + "." + rest
	}
	return full
}

func parseConfigCall(code []Token, n *Node, i int, aliases map[string]string) ConfigCall {
	c := ConfigCall{App: AtomName(code[i+1]), Keys: map[string]bool{}, Nested: map[string]string{}, Node: n, First: i}
	j := i + 2
	// The second argument is a target when the call ends after it or goes on with options;
	// what follows on a new line is the next statement, whatever comes after the file.
	if j < len(code) && code[j].Is(",") && j+1 < len(code) && (code[j+1].Kind == Alias || code[j+1].Kind == Atom) &&
		(j+2 >= n.Close || code[j+2].Is(",") || StatementStart(code, j+2)) {
		c.Target = code[j+1].Text()
		if code[j+1].Kind == Alias {
			c.Target = Expand(aliases, c.Target)
		}
		j += 2
	}
	if j < len(code) && code[j].Is(",") {
		j++
	}
	if j >= n.Close || code[j].Kind != KeywordKey {
		c.Opaque = true
		return c
	}
	// Walk the keyword pairs at this level until the statement ends.
	for ; j < n.Close; j++ {
		if child := n.ChildAt(j); child != nil {
			j = child.Close
			continue
		}
		if j > i+2 && StatementStart(code, j) {
			break
		}
		if code[j].Kind == KeywordKey {
			key := strings.Trim(code[j].Text(), `"`)
			c.Keys[key] = true
			if child := n.ChildAt(j + 1); child != nil && child.Kind == "[" && (key == "http" || key == "url") {
				for k := child.Open + 1; k < child.Close; k++ {
					if code[k].Kind == KeywordKey && child.Direct(k) {
						c.Nested[key+"."+strings.Trim(code[k].Text(), `"`)] = key
					}
				}
			} else if key == "http" || key == "url" {
				c.Nested[key+".*"] = key // not a literal list: anything may be in it
			}
		}
	}
	return c
}

// KeywordValue returns the token range of a key's value in a config call; "http.port" looks
// inside the list given for http.
func (t *Tree) KeywordValue(c ConfigCall, key string) (from, to int, ok bool) {
	code := t.Code
	parent, child, nested := strings.Cut(key, ".")
	end := StatementEnd(code, c.Node, c.First)
	// The key itself, or (when the options go through a helper call, as in
	// `config :app, Endpoint, filter.(http: [...])`) the first one at any depth of the call.
	for _, direct := range []bool{true, false} {
		for i := c.First; i < end; i++ {
			if code[i].Kind != KeywordKey || code[i].Text() != parent || direct && !c.Node.Direct(i) {
				continue
			}
			holder := t.Enclosing(i)
			if !nested {
				return i + 1, t.ValueEnd(holder, i+1, min(end, holder.Close)), true
			}
			valueEnd := t.ValueEnd(holder, i+1, min(end, holder.Close))
			for k := i + 1; k < valueEnd; k++ {
				if code[k].Kind == KeywordKey && code[k].Text() == child {
					inner := t.Enclosing(k)
					return k + 1, t.ValueEnd(inner, k+1, min(valueEnd, inner.Close)), true
				}
			}
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// Facts is what a config file provides: its string literals (every environment variable it
// names, in any form of read), its atoms, and its config calls.
type Facts struct {
	Strings map[string]bool
	Atoms   map[string]bool
	Calls   []ConfigCall
}

// NewFacts collects the facts of a config file.
func NewFacts(t *Tree) *Facts {
	f := &Facts{Strings: map[string]bool{}, Atoms: map[string]bool{}, Calls: t.ConfigCalls()}
	for _, tok := range t.Code {
		switch tok.Kind {
		case String:
			f.Strings[Unquote(tok)] = true
		case Atom:
			f.Atoms[AtomName(tok)] = true
		}
	}
	return f
}

// Reads reports whether any of the environment variables is named in code (read in any form:
// get_env, fetch_env!, a helper taking the name).
func (f *Facts) Reads(envs ...string) bool {
	for _, e := range envs {
		if f.Strings[e] {
			return true
		}
	}
	return false
}

// Sets reports whether a config call for one of targets sets key (or a nested key such as
// "http.port"). A call whose options are not a literal list may set anything, so it counts.
func (f *Facts) Sets(targets []string, key string) bool {
	for _, c := range f.Calls {
		if !slices.Contains(targets, c.Target) {
			continue
		}
		if c.Opaque || c.Keys[key] || c.Nested[key] != "" {
			return true
		}
		if parent, _, ok := strings.Cut(key, "."); ok && c.Nested[parent+".*"] != "" {
			return true
		}
	}
	return false
}

// ProdBlock finds a top-level `if config_env() == :prod do` (=== and the reversed order count).
func (t *Tree) ProdBlock() *Node { return t.EnvBlock("prod") }

// EnvBlock finds a top-level `if config_env() == :env do` (=== and the reversed order count), or
// one that tests config_env() in a list of atoms that holds :env.
func (t *Tree) EnvBlock(env string) *Node {
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
		if i < 0 || !StatementStart(code, i) {
			continue
		}
		var cond []string
		for _, tok := range code[i+1 : n.Open] {
			cond = append(cond, tok.Text())
		}
		atom := ":" + env
		switch c := strings.Join(cond, " "); c {
		case "config_env ( ) == " + atom, "config_env ( ) === " + atom, atom + " == config_env ( )", atom + " === config_env ( )":
			return n
		default:
			// config_env() in [:prod, :ce]: only atoms and commas in the brackets
			list, ok := strings.CutPrefix(c, "config_env ( ) in [ ")
			if !ok || !strings.HasSuffix(list, " ]") {
				continue
			}
			items := strings.Split(strings.TrimSuffix(list, " ]"), " , ")
			allAtoms := true
			for _, it := range items {
				allAtoms = allAtoms && len(it) > 1 && it[0] == ':' && !strings.ContainsAny(it, " ")
			}
			if allAtoms && slices.Contains(items, atom) {
				return n
			}
		}
	}
	return nil
}
