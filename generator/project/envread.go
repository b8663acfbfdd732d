package project

import (
	"regexp"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// envRead is one read of an environment variable in an Elixir file.
type envRead struct {
	name     string
	line     int
	tok      int // the token that names it (for a read inside an interpolation: the string)
	end      int // the token just past the read (its call, tuple or helper call)
	start    int // its first token
	required bool
	def      string // the default the code gives, as written ("" when none)
	typ      string // integer, float, boolean, atom, list, url, base64 (when visible)
	use      string // the config key its value is given to, when visible
	local    string // the local variable it is assigned to
	when     string // the condition it is read under ("" in every release)
	optional bool   // the condition is off unless someone sets a variable
	alts     []string
	alt      bool   // read only in place of another (`A || B`: B)
	altOf    string // that other
	skip     bool   // read only outside production
	via      string
}

// helper is a function that reads the variable one of its arguments names: an anonymous
// function of the file, a function of a module of the project, or a library's (Dotenvy).
type helper struct {
	nameArg int    // the argument that names the variable
	defArg  int    // the argument that gives a default (-1: none)
	typeArg int    // an atom argument that names the type (-1: none)
	raises  bool   // raises when the variable is missing and no default is given
	defVal  string // the default of the default argument (`default \\ "true"`)
	via     string // how the report names it
}

// helpers are the helpers a file can call: name.(...) for anonymous functions, name(...) for
// imported ones, Module.name(...) for the rest.
type helpers struct {
	anon     map[string]helper
	imported map[string]helper
	remote   map[string]helper
}

func newHelpers() *helpers {
	return &helpers{anon: map[string]helper{}, imported: map[string]helper{}, remote: map[string]helper{}}
}

// copy returns helpers a file can add its own to (nil: none yet).
func (h *helpers) copy() *helpers {
	out := newHelpers()
	if h != nil {
		for k, v := range h.remote {
			out.remote[k] = v
		}
	}
	return out
}

// dotenvy is Dotenvy's env!/2,3 (raises without a default) and env/2,3.
var dotenvy = map[string]helper{
	"env!": {nameArg: 0, typeArg: 1, defArg: 2, raises: true, via: "Dotenvy.env!"},
	"env":  {nameArg: 0, typeArg: 1, defArg: 2, via: "Dotenvy.env"},
}

// systemRead reports whether code[i:] is System.get_env/fetch_env!/fetch_env followed by its
// argument list, and which.
func systemRead(code []elixir.Token, i int) (fn string, ok bool) {
	if i+3 >= len(code) || code[i].Kind != elixir.Alias || code[i].Text != "System" || !code[i+1].Is(".") || !code[i+3].Is("(") {
		return "", false
	}
	switch f := code[i+2].Text; f {
	case "get_env", "fetch_env!", "fetch_env":
		return f, code[i+2].Kind == elixir.Ident
	}
	return "", false
}

// envNameRe is what the name of a variable a project reads looks like.
var envNameRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Z0-9]$`)

var interpolatedReadRe = regexp.MustCompile(`System\.(get_env|fetch_env!?)\(\s*"([A-Z][A-Z0-9_]*[A-Z0-9])"`)

// readScanner finds the reads of one file.
type readScanner struct {
	t        *elixir.Tree
	h        *helpers
	aliases  map[string]string
	reads    []envRead
	computed []int // lines of reads whose name is computed
}

// findReads returns every read of an environment variable in t, with what the code says of
// each, and the lines of reads whose name is computed at run time.
func findReads(t *elixir.Tree, h *helpers) ([]envRead, []int) {
	s := &readScanner{t: t, h: h.copy(), aliases: t.Aliases()}
	if importsModule(t, "Dotenvy") {
		for k, v := range dotenvy {
			s.h.imported[k] = v
		}
	}
	fileHelpers(t, s.h)
	code := t.Code
	params := paramRanges(t)
	for i := 0; i < len(code); i++ {
		if r, ok := s.readAt(i, params); ok {
			s.reads = append(s.reads, r)
			continue
		}
		if code[i].Kind == elixir.String && strings.Contains(code[i].Text, "#{") {
			for _, m := range interpolatedReadRe.FindAllStringSubmatch(code[i].Text, -1) {
				s.reads = append(s.reads, envRead{name: m[2], line: code[i].Line, tok: i, start: i, end: i + 1, required: m[1] == "fetch_env!", via: "System." + m[1]})
			}
		}
	}
	for k := range s.reads {
		s.describe(&s.reads[k])
	}
	return s.reads, s.computed
}

// readAt recognizes a read that starts at token i.
func (s *readScanner) readAt(i int, params []paramRange) (envRead, bool) {
	code := s.t.Code
	if fn, ok := systemRead(code, i); ok {
		args := s.t.NodeAt(i + 3)
		if args == nil {
			return envRead{}, false
		}
		elems := s.t.ListElements(args)
		r := envRead{start: i, end: args.Close + 1, required: fn == "fetch_env!", via: "System." + fn}
		var nameTok = -1
		switch {
		case len(elems) > 0 && elems[0][0] == elems[0][1] && isName(code[elems[0][0]]):
			nameTok = elems[0][0]
			if fn == "get_env" && len(elems) > 1 {
				r.def = s.text(elems[1][0], elems[1][1]+1)
			}
		case i >= 2 && code[i-1].Is("|>") && isName(code[i-2]) && (i < 3 || !code[i-3].Is("|>")):
			nameTok, r.start = i-2, i-2 // "NAME" |> System.get_env()
			if fn == "get_env" && len(elems) > 0 {
				r.def = s.text(elems[0][0], elems[0][1]+1)
			}
		default:
			if len(elems) > 0 && !inParams(params, i, code, elems[0][0]) && code[elems[0][0]].Kind != elixir.Atom {
				s.computed = append(s.computed, code[i].Line)
			}
			return envRead{}, false
		}
		r.name, r.tok, r.line = elixir.Unquote(code[nameTok]), nameTok, code[nameTok].Line
		if r.def == "nil" {
			r.def = ""
		}
		return r, true
	}
	// {:system, "NAME"}: libraries read the variable when they start.
	if code[i].Is("{") && i+3 < len(code) && code[i+1].Kind == elixir.Atom && code[i+1].Text == ":system" && code[i+2].Is(",") && isName(code[i+3]) {
		if n := s.t.NodeAt(i); n != nil {
			return envRead{name: elixir.Unquote(code[i+3]), line: code[i+3].Line, tok: i + 3, start: i, end: n.Close + 1, required: true, via: "{:system, ...}"}, true
		}
	}
	// helper calls
	var hp helper
	var open int
	switch {
	case code[i].Kind == elixir.Ident && i+2 < len(code) && code[i+1].Is(".") && code[i+2].Is("(") && (i == 0 || !code[i-1].Is(".")):
		h, ok := s.h.anon[code[i].Text]
		if !ok {
			return envRead{}, false
		}
		hp, open = h, i+2
	case code[i].Kind == elixir.Ident && i+1 < len(code) && code[i+1].Is("(") && (i == 0 || !code[i-1].Is(".") && !code[i-1].Is("def") && !code[i-1].Is("defp")):
		h, ok := s.h.imported[code[i].Text]
		if !ok {
			return envRead{}, false
		}
		hp, open = h, i+1
	case code[i].Kind == elixir.Alias && i+3 < len(code) && code[i+1].Is(".") && code[i+2].Kind == elixir.Ident && code[i+3].Is("("):
		mod := elixir.Expand(s.aliases, code[i].Text)
		h, ok := s.h.remote[mod+"."+code[i+2].Text]
		if !ok {
			if d, isDotenvy := dotenvy[code[i+2].Text]; isDotenvy && mod == "Dotenvy" {
				h, ok = d, true
			}
		}
		if !ok {
			return envRead{}, false
		}
		hp, open = h, i+3
	default:
		return envRead{}, false
	}
	args := s.t.NodeAt(open)
	if args == nil {
		return envRead{}, false
	}
	elems := s.t.ListElements(args)
	if hp.nameArg >= len(elems) || elems[hp.nameArg][0] != elems[hp.nameArg][1] || !isName(code[elems[hp.nameArg][0]]) {
		if hp.nameArg < len(elems) && !inParams(params, i, code, elems[hp.nameArg][0]) {
			s.computed = append(s.computed, code[i].Line)
		}
		return envRead{}, false
	}
	nameTok := elems[hp.nameArg][0]
	r := envRead{name: elixir.Unquote(code[nameTok]), line: code[nameTok].Line, tok: nameTok, start: i, end: args.Close + 1, via: hp.via}
	hasDef := false
	if hp.defArg >= 0 && hp.defArg < len(elems) {
		r.def, hasDef = s.text(elems[hp.defArg][0], elems[hp.defArg][1]+1), true
	} else if hp.defVal != "" {
		r.def, hasDef = hp.defVal, true
	}
	if r.def == "nil" {
		r.def = ""
	}
	r.required = hp.raises && !hasDef
	if hp.typeArg >= 0 && hp.typeArg < len(elems) && code[elems[hp.typeArg][0]].Kind == elixir.Atom {
		r.typ = dotenvyType(elixir.AtomName(code[elems[hp.typeArg][0]]))
	}
	return r, true
}

// isName reports whether a token is a plain string literal that looks like a variable name.
func isName(t elixir.Token) bool {
	if t.Kind != elixir.String || strings.Contains(t.Text, "#{") || strings.HasPrefix(t.Text, `"""`) {
		return false
	}
	name := elixir.Unquote(t)
	return envNameRe.MatchString(name) && !yamlWord(name) // ON, NO, NULL: YAML would read a boolean
}

func dotenvyType(a string) string {
	switch strings.TrimSuffix(a, "!") {
	case "integer":
		return "integer"
	case "float":
		return "float"
	case "boolean":
		return "boolean"
	case "atom", "existing_atom", "module":
		return "atom"
	case "charlist", "string":
		return "string"
	}
	return ""
}

// text is the source of tokens [from, to).
func (s *readScanner) text(from, to int) string {
	code := s.t.Code
	if from >= to || to > len(code) {
		return ""
	}
	return strings.TrimSpace(s.t.Src[code[from].Start:code[to-1].End])
}

// describe completes a read with what its surroundings say: alternatives and a raise after
// `||`, a default, its type, the key it configures, a guard that raises, the condition.
func (s *readScanner) describe(r *envRead) {
	code := s.t.Code
	// `A || B || raise ...`, `A || "default"`
	k := r.end
	for k < len(code) && (code[k].Is("||") || code[k].Is("or")) {
		k++
		if k >= len(code) {
			break
		}
		if other := s.readStartingAt(k); other != nil {
			other.alt, other.altOf = true, r.name
			r.alts = append(r.alts, other.name)
			k = other.end
			continue
		}
		switch {
		case raises(code[k]) || halts(code, k):
			r.required = true
		case r.def == "":
			end := k + 1
			if n := s.t.NodeAt(k + 1); n != nil && code[k].Kind != elixir.Punct {
				end = n.Close + 1
			} else if n := s.t.NodeAt(k); n != nil {
				end = n.Close + 1
			}
			if code[k].Is("nil") {
				break
			}
			r.def = s.text(k, min(end, len(code)))
		}
		break
	}
	r.typ = firstNonEmpty(r.typ, s.typeAround(r))
	r.use, r.local = s.useOf(r)
	if r.local != "" && !r.required && s.guarded(r.local, r.end) {
		r.required = true
	}
	s.condition(r)
}

// readStartingAt returns the read whose first token is k.
func (s *readScanner) readStartingAt(k int) *envRead {
	for i := range s.reads {
		if s.reads[i].start == k {
			return &s.reads[i]
		}
	}
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// converters name the type a conversion gives.
var converters = map[string]string{
	"String.to_integer": "integer", "Integer.parse": "integer", "String.to_float": "float", "Float.parse": "float",
	"String.to_atom": "atom", "String.to_existing_atom": "atom", "String.split": "list", "URI.parse": "url",
	"URI.new!": "url", "Base.decode64!": "base64", "Base.decode64": "base64", "Base.url_decode64!": "base64",
	"String.to_charlist": "string", "Jason.decode!": "json", "JSON.decode!": "json",
}

// typeAround reads the type from a conversion around the read (String.to_integer(read)), piped
// after it (read |> String.to_integer()), or a comparison with "true".
func (s *readScanner) typeAround(r *envRead) string {
	code := s.t.Code
	// wrapped: Mod.fun( read ...
	for n := s.t.Enclosing(r.start); n != nil && n.Kind == "("; n = n.Parent {
		if o := n.Open; o >= 3 && code[o-1].Kind == elixir.Ident && code[o-2].Is(".") && code[o-3].Kind == elixir.Alias {
			if t := converters[code[o-3].Text+"."+code[o-1].Text]; t != "" {
				return t
			}
		}
		break
	}
	k := r.end
	for k < len(code) && code[k].Is("||") && k+1 < len(code) { // past the default
		k += 2
	}
	if k+4 < len(code) && code[k].Is("|>") && code[k+1].Kind == elixir.Alias && code[k+2].Is(".") {
		if t := converters[code[k+1].Text+"."+code[k+3].Text]; t != "" {
			return t
		}
	}
	if k+1 < len(code) && (code[k].Is("==") || code[k].Is("in") || code[k].Is("!=")) {
		v := code[k+1]
		if v.Kind == elixir.String && (elixir.Unquote(v) == "true" || elixir.Unquote(v) == "1") || v.Kind == elixir.Sigil && strings.Contains(v.Text, "true") {
			return "boolean"
		}
		if n := s.t.NodeAt(k + 1); n != nil && strings.Contains(s.text(n.Open, n.Close+1), `"true"`) {
			return "boolean"
		}
	}
	return ""
}

// useOf finds the config key a read's value is given to (`password: read`, through a
// conversion), and the local it is assigned to (`x = read`), then the key that local is given to.
func (s *readScanner) useOf(r *envRead) (use, local string) {
	code := s.t.Code
	k := r.start - 1
	// step out of conversions: String.to_integer(
	for k >= 3 && code[k].Is("(") && code[k-1].Kind == elixir.Ident && code[k-2].Is(".") && code[k-3].Kind == elixir.Alias {
		k -= 4
	}
	if k >= 0 && code[k].Kind == elixir.KeywordKey {
		return code[k].Text, ""
	}
	// Keyword.put(config, :url, read)
	if k >= 2 && code[k].Is(",") && code[k-1].Kind == elixir.Atom && code[k-2].Is(",") {
		return elixir.AtomName(code[k-1]), ""
	}
	if k >= 1 && code[k].Is("=") && code[k-1].Kind == elixir.Ident && elixir.StatementStart(code, k-1) {
		local = code[k-1].Text
		for j := r.end; j+1 < len(code); j++ {
			if code[j].Kind == elixir.KeywordKey && code[j+1].Kind == elixir.Ident && code[j+1].Text == local &&
				(j+2 >= len(code) || !code[j+2].Is(".") && !code[j+2].Is("(")) {
				return code[j].Text, local
			}
		}
	}
	return "", local
}

// guarded reports whether a local is tested after its assignment by a guard that raises when it
// is missing or empty: `if is_nil(x)`, `unless x`, `if !x`, `if x == []`, `case x do nil -> raise`,
// in block or keyword form.
func (s *readScanner) guarded(local string, from int) bool {
	code := s.t.Code
	for i := from; i < len(code); i++ {
		w := code[i]
		if !(w.Is("if") || w.Is("unless") || w.Is("case")) || !elixir.StatementStart(code, i) {
			continue
		}
		// the condition: up to its do block, or `, do:`
		j := i + 1
		if j < len(code) && code[j].Is("(") { // if(cond, do: ...)
			j++
		}
		mentions, absent := false, w.Is("unless")
		for ; j < len(code) && j < i+20 && !code[j].Is("do") && !(code[j].Kind == elixir.KeywordKey && code[j].Text == "do"); j++ {
			switch {
			case code[j].Kind == elixir.Ident && code[j].Text == local:
				mentions = true
			case code[j].Is("is_nil") || code[j].Is("nil") || code[j].Is("!") || code[j].Is("not"):
				absent = true
			case code[j].Is("==") && j+1 < len(code) && (code[j+1].Is("[") && j+2 < len(code) && code[j+2].Is("]") || code[j+1].Kind == elixir.String && elixir.Unquote(code[j+1]) == ""):
				absent = true
			}
		}
		if !mentions || j >= len(code) {
			continue
		}
		// the body: a do block, or the expression after `do:` (up to `else:`)
		var from, to int
		if code[j].Is("do") {
			body := s.t.NodeAt(j)
			if body == nil {
				continue
			}
			from, to = body.Open+1, body.Close
			if w.Is("case") {
				for k := from; k+2 < to; k++ { // the nil clause raises
					if code[k].Is("nil") && code[k+1].Is("->") && raises(code[k+2]) {
						return true
					}
				}
				continue
			}
		} else {
			from, to = j+1, elixir.StatementEnd(code, s.t.Enclosing(i), i)
		}
		if !absent {
			continue
		}
		for k := from; k < to; k++ {
			if code[k].Is("else") || code[k].Kind == elixir.KeywordKey && code[k].Text == "else" {
				break
			}
			if raises(code[k]) || halts(code, k) {
				return true
			}
		}
	}
	return false
}

// halts reports whether code[k:] is System.halt.
func halts(code []elixir.Token, k int) bool {
	return code[k].Kind == elixir.Alias && code[k].Text == "System" && k+2 < len(code) && code[k+2].Text == "halt"
}

func raises(t elixir.Token) bool { return t.Is("raise") || t.Is("exit") || t.Is("throw") }

// condition sets what a read depends on: the blocks around it that only run in some
// environments or when some variable is set.
func (s *readScanner) condition(r *envRead) {
	code := s.t.Code
	var whens []string
	for n := s.t.Enclosing(r.tok); n != nil && n != s.t.Root; n = n.Parent {
		if n.Kind != "do" {
			continue
		}
		head := statementHead(s.t, n)
		if head < 0 {
			continue
		}
		word := code[head]
		inElse := false
		for k := n.Open + 1; k < r.tok && k < n.Close; k++ {
			if code[k].Is("else") && n.Direct(k) {
				inElse = true
			}
		}
		switch {
		case word.Is("if") || word.Is("unless"):
			v := s.evalCond(head+1, n.Open)
			if word.Is("unless") != inElse {
				v = v.not()
			}
			switch v.kind {
			case condFalse:
				r.skip = true
				return
			case condEnv:
				whens = append(whens, s.phrase(head+1, n.Open))
				if !v.byDefault {
					r.optional = true
				}
			case condUnknown:
				whens = append(whens, s.phrase(head+1, n.Open))
			}
		case word.Is("case"):
			subject := s.text(head+1, n.Open)
			if subject != "config_env()" && subject != "Mix.env()" {
				whens = append(whens, s.phrase(head+1, n.Open))
				continue
			}
			// the clause holding the read: :prod, or a catch-all, run in production
			pattern := clausePattern(s.t, n, r.tok)
			if pattern == ":dev" || pattern == ":test" {
				r.skip = true
				return
			}
		case word.Is("cond") || word.Is("with") || word.Is("for") || word.Is("try") || word.Is("defmodule") ||
			word.Is("def") || word.Is("defp") || word.Is("quote") || word.Is("receive"):
		case word.Kind == elixir.Alias || word.Kind == elixir.Ident:
			// a macro with a block (Keila.if_cloud do ... end): it may or may not run
			whens = append(whens, "under "+oneLineText(s.text(head, n.Open), 60))
		}
	}
	slices.Reverse(whens)
	r.when = strings.Join(whens, " and ")
}

// phrase says what a condition in tokens [from, to) depends on, for people: the variables it
// reads (directly or through locals), else its code, shortened.
func (s *readScanner) phrase(from, to int) string {
	code := s.t.Code
	var names []string
	add := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, r := range s.reads {
		if r.start >= from && r.end <= to {
			add(r.name)
		}
	}
	for i := from; i < to; i++ {
		if code[i].Kind != elixir.Ident || i > 0 && code[i-1].Is(".") {
			continue
		}
		for _, r := range s.reads {
			if r.local == code[i].Text && r.start < from {
				add(r.name)
			}
		}
	}
	if len(names) > 0 {
		return "depending on " + strings.Join(names, ", ")
	}
	return "under the condition " + oneLineText(s.text(from, to), 60)
}

// oneLineText folds a piece of code into one line of at most n bytes.
func oneLineText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// statementHead returns the first token of the statement whose do block n is.
func statementHead(t *elixir.Tree, n *elixir.Node) int {
	code := t.Code
	parent := n.Parent
	for i := n.Open - 1; i > parent.Open && i >= 0; i-- {
		if c := t.Enclosing(i); c != parent {
			continue
		}
		if elixir.StatementStart(code, i) {
			// `x = if ... do`: the block's own word follows the assignment
			for i+2 < n.Open && code[i].Kind == elixir.Ident && code[i+1].Is("=") {
				i += 2
			}
			return i
		}
	}
	return -1
}

// clausePattern returns the pattern of the case clause of n that holds token i.
func clausePattern(t *elixir.Tree, n *elixir.Node, i int) string {
	code := t.Code
	pattern := ""
	for k := n.Open + 1; k < i && k < n.Close; k++ {
		if code[k].Is("->") && n.Direct(k) {
			start := k - 1
			for start > n.Open+1 && !elixir.StatementStart(code, start) {
				start--
			}
			pattern = strings.TrimSpace(t.Src[code[start].Start:code[k-1].End])
		}
	}
	return pattern
}

// paramRange is the parameters and body of a function definition in the file (def or fn): a
// read of a parameter there is a helper's, not a computed name.
type paramRange struct {
	from, to int
	params   []string
}

func paramRanges(t *elixir.Tree) []paramRange {
	var out []paramRange
	for _, d := range functionDefs(t) {
		out = append(out, paramRange{from: d.bodyFrom, to: d.bodyTo, params: d.params})
	}
	return out
}

// inParams reports whether the token at arg names a parameter of a function around i.
func inParams(ps []paramRange, i int, code []elixir.Token, arg int) bool {
	for _, p := range ps {
		if p.from <= i && i < p.to && code[arg].Kind == elixir.Ident && slices.Contains(p.params, code[arg].Text) {
			return true
		}
	}
	return false
}

func importsModule(t *elixir.Tree, mod string) bool {
	code := t.Code
	for i := 0; i+1 < len(code); i++ {
		if code[i].Is("import") && code[i+1].Kind == elixir.Alias && code[i+1].Text == mod && elixir.StatementStart(code, i) {
			return true
		}
	}
	return false
}
