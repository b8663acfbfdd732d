package project

import (
	"slices"
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/internal/lazyre"
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
	reshaped bool // read through a helper that reshapes the value (see helper.reshapes)
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
	// reshapes: the function may return something other than the variable's value (a part of
	// it, a parse of it): it does not return the read, or a local given the read, as it is
	reshapes bool
}

// helpers are the helpers a file can call: name.(...) for anonymous functions, name(...) for
// imported ones, Module.name(...) for the rest.
type helpers struct {
	anon     map[string]helper
	imported map[string]helper
	remote   map[string]helper
	// env is the environment the release is built for ("" is prod): config_env() there
	env string
	// maps are the project's functions that read fixed names from a map the runtime config
	// gives them whole (env = System.get_env(); Sequin.ConfigParser.secret_key_base(env)), by
	// Module.name
	maps map[string]mapReader
}

// mapReader is a function that reads variables from the map of the environment one of its
// parameters is given: Map.get(env, "NAME"), env["NAME"], Map.fetch!(env, "NAME").
type mapReader struct {
	arg   int
	reads []envRead // name, def, required, alt (tokens are the function's file's)
	via   string
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
		out.maps, out.env = h.maps, h.env
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
	if i+3 >= len(code) || code[i].Kind != elixir.Alias || code[i].Text() != "System" || !code[i+1].Is(".") || !code[i+3].Is("(") {
		return "", false
	}
	switch f := code[i+2].Text(); f {
	case "get_env", "fetch_env!", "fetch_env":
		return f, code[i+2].Kind == elixir.Ident
	}
	return "", false
}

// envNameRe is what the name of a variable a project reads looks like.
var envNameRe = lazyre.New(`^[A-Z][A-Z0-9_]*[A-Z0-9]$`)

var interpolatedReadRe = lazyre.New(`System\.(get_env|fetch_env!?)\(\s*"([A-Z][A-Z0-9_]*[A-Z0-9])"`)

// readScanner finds the reads of one file.
type readScanner struct {
	t        *elixir.Tree
	h        *helpers
	aliases  map[string]string
	reads    []envRead
	computed []int // lines of reads whose name is computed

	// Indexes, so that describing every read stays linear in the file's size.
	byStart map[int]int      // the read that starts at a token
	byLocal map[string][]int // the reads assigned to each local, in order
	idents  map[string][]int // where each identifier appears, in order
	owner   []int32          // for each token, 1 + the function definition whose body holds it
	defs    []funcDef
	conds   map[condKey]blockCond
	elses   map[*elixir.Node]int
	clauses map[*elixir.Node][]clause // a case block's clauses, found once
	kwIfs   map[*elixir.Node][]kwIf   // the keyword-form ifs of a block, found once
	envMaps map[string]bool           // the locals that hold the whole environment
	pending []envRead                 // reads found with the last one (a function given the environment)
}

// clause is a case clause: its pattern (from token start) and its arrow.
type clause struct {
	start, arrow int
	pattern      string
}

// condKey is a block, and whether a read sits in its else branch.
type condKey struct {
	node   *elixir.Node
	inElse bool
}

// blockCond is what a block says of the reads in it.
type blockCond struct {
	skip        bool   // never runs in production
	when        string // what it depends on ("" when it always runs)
	optional    bool   // it runs only when someone sets a variable
	caseClauses bool   // case config_env(): each clause decides
	// case System.get_env("X") do (or a local read from X): each clause decides whether it
	// runs when X is not set (subject: the read)
	subject *envRead
}

// index builds the scanner's indexes.
func (s *readScanner) index(defs []funcDef) {
	code := s.t.Code
	s.defs = defs
	s.owner = make([]int32, len(code)+1)
	for k, d := range s.defs {
		for i := d.bodyFrom; i < d.bodyTo && i < len(code); i++ {
			if s.owner[i] == 0 {
				s.owner[i] = int32(k + 1)
			}
		}
	}
	s.conds = map[condKey]blockCond{}
	s.elses = map[*elixir.Node]int{}
}

// after returns the positions of an identifier after token from.
func (s *readScanner) after(name string, from int) []int {
	if s.idents == nil { // made for the first local a read is given to: most files have none
		s.idents = map[string][]int{}
		for i, tok := range s.t.Code {
			if tok.Kind == elixir.Ident {
				s.idents[tok.Text()] = append(s.idents[tok.Text()], i)
			}
		}
	}
	at := s.idents[name]
	k := sort.SearchInts(at, from)
	return at[k:]
}

// inParams reports whether the token at arg names a parameter of the function whose body holds i.
func (s *readScanner) inParams(i, arg int) bool {
	d := s.owner[i]
	return d > 0 && s.t.Code[arg].Kind == elixir.Ident && slices.Contains(s.defs[d-1].params, s.t.Code[arg].Text())
}

// findReads returns every read of an environment variable in t, with what the code says of
// each, and the lines of reads whose name is computed at run time.
func findReads(t *elixir.Tree, h *helpers) ([]envRead, []int) {
	s := scanReads(t, h)
	return s.reads, s.computed
}

// scanReads finds the reads of a file, and keeps what it learnt of the file for later questions
// (whether a token runs in production).
func scanReads(t *elixir.Tree, h *helpers) *readScanner {
	own, defs := h.copy(), functionDefs(t)
	fileHelpersOf(t, own, defs)
	return scanReadsOf(t, own, defs)
}

// scanReadsOf is scanReads given the file's functionDefs and its helpers (fileHelpersOf done).
func scanReadsOf(t *elixir.Tree, h *helpers, defs []funcDef) *readScanner {
	s := &readScanner{t: t, h: h, aliases: t.Aliases()}
	s.index(defs)
	code := t.Code
	s.envMaps = envMaps(code)
	for i := 0; i < len(code); i++ {
		if r, ok := s.readAt(i); ok {
			s.reads = append(s.reads, r)
			s.reads = append(s.reads, s.pending...)
			s.pending = s.pending[:0]
			continue
		}
		if code[i].Kind == elixir.String && strings.Contains(code[i].Text(), "#{") {
			for _, m := range interpolatedReadRe.FindAllStringSubmatch(code[i].Text(), -1) {
				s.reads = append(s.reads, envRead{name: m[2], line: code[i].Line(), tok: i, start: i, end: i + 1, required: m[1] == "fetch_env!", via: "System." + m[1]})
			}
		}
	}
	s.byStart = make(map[int]int, len(s.reads))
	for k, r := range s.reads {
		s.byStart[r.start] = k
	}
	// Locals first (a read's condition may test the local of an earlier read), then the rest.
	s.byLocal = map[string][]int{}
	for k := range s.reads {
		if _, local := s.useOf(&s.reads[k]); local != "" {
			s.byLocal[local] = append(s.byLocal[local], k)
		}
	}
	for k := range s.reads {
		s.describe(&s.reads[k])
	}
	return s
}

// readAt recognizes a read that starts at token i.
func (s *readScanner) readAt(i int) (envRead, bool) {
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
			if len(elems) > 0 && !s.inParams(i, elems[0][0]) && code[elems[0][0]].Kind != elixir.Atom {
				s.computed = append(s.computed, code[i].Line())
			}
			return envRead{}, false
		}
		r.name, r.tok, r.line = elixir.Unquote(code[nameTok]), nameTok, code[nameTok].Line()
		if r.def == "nil" {
			r.def = ""
		}
		return r, true
	}
	// without parentheses: System.fetch_env! "NAME"
	if i+3 < len(code) && code[i].Kind == elixir.Alias && code[i].Text() == "System" && code[i+1].Is(".") && isName(code[i+3]) && code[i+3].Line() == code[i].Line() {
		switch f := code[i+2].Text(); f {
		case "get_env", "fetch_env!", "fetch_env":
			return envRead{name: elixir.Unquote(code[i+3]), line: code[i+3].Line(), tok: i + 3, start: i, end: i + 4, required: f == "fetch_env!", via: "System." + f}, true
		}
	}
	// Map.fetch!(System.get_env(), "NAME"), Map.get(System.get_env(), "NAME", default)
	if i+9 < len(code) && code[i].Kind == elixir.Alias && code[i].Text() == "Map" && code[i+1].Is(".") && (code[i+2].Is("fetch!") || code[i+2].Is("get")) && code[i+3].Is("(") {
		if _, ok := systemRead(code, i+4); ok && code[i+6].Is("get_env") && code[i+8].Is(")") && code[i+9].Is(",") && i+10 < len(code) && isName(code[i+10]) {
			if n := s.t.NodeAt(i + 3); n != nil {
				r := envRead{name: elixir.Unquote(code[i+10]), line: code[i+10].Line(), tok: i + 10, start: i, end: n.Close + 1, required: code[i+2].Is("fetch!"), via: "Map." + code[i+2].Text()}
				if elems := s.t.ListElements(n); len(elems) > 2 && code[i+2].Is("get") {
					r.def = s.text(elems[2][0], elems[2][1]+1)
				}
				return r, true
			}
		}
	}
	// Erlang's :os.getenv('NAME')
	if i+4 < len(code) && code[i].Kind == elixir.Atom && code[i].Text() == ":os" && code[i+1].Is(".") && code[i+2].Text() == "getenv" && code[i+3].Is("(") &&
		code[i+4].Kind == elixir.Charlist && envNameRe.MatchString(elixir.Unquote(code[i+4])) && !yamlWord(elixir.Unquote(code[i+4])) {
		if n := s.t.NodeAt(i + 3); n != nil {
			return envRead{name: elixir.Unquote(code[i+4]), line: code[i+4].Line(), tok: i + 4, start: i, end: n.Close + 1, via: ":os.getenv"}, true
		}
	}
	// &System.fetch_env!/1: the names come from elsewhere, unless from a literal list it maps
	// (["API_JWT_SECRET", "API_JWT_SECRET_NEXT"] |> Enum.map(&System.get_env/1))
	if code[i].Is("&") && i+4 < len(code) && code[i+1].Kind == elixir.Alias && code[i+1].Text() == "System" && code[i+2].Is(".") && code[i+4].Is("/") &&
		(code[i+3].Is("get_env") || code[i+3].Is("fetch_env!") || code[i+3].Is("fetch_env")) {
		if names := s.mappedNames(i); len(names) > 0 {
			end := min(i+6, len(code))
			var reads []envRead
			for _, n := range names {
				reads = append(reads, envRead{name: elixir.Unquote(code[n]), line: code[n].Line(), tok: n, start: i, end: end, required: code[i+3].Is("fetch_env!"), via: "System." + code[i+3].Text()})
			}
			return s.several(reads)
		}
		s.computed = append(s.computed, code[i].Line())
		return envRead{}, false
	}
	// {:system, "NAME"}: libraries read the variable when they start. Confex's forms too: a
	// type or an adapter before the name ({:system, :integer, "NAME"}, {:system, {Mod, :fun,
	// []}, "NAME"}), and a default after it ({:system, "NAME", "default"}).
	if code[i].Is("{") && i+3 < len(code) && code[i+1].Kind == elixir.Atom && code[i+1].Text() == ":system" && code[i+2].Is(",") {
		if n := s.t.NodeAt(i); n != nil {
			elems := s.t.ListElements(n)
			at, typ := -1, ""
			switch {
			case len(elems) >= 2 && elems[1][0] == elems[1][1] && isName(code[elems[1][0]]):
				at = 1
			case len(elems) >= 3 && elems[2][0] == elems[2][1] && isName(code[elems[2][0]]) &&
				(elems[1][0] == elems[1][1] && code[elems[1][0]].Kind == elixir.Atom || code[elems[1][0]].Is("{")):
				at = 2
				if code[elems[1][0]].Kind == elixir.Atom {
					typ = elixir.AtomName(code[elems[1][0]])
				}
			}
			if at > 0 {
				tok := elems[at][0]
				r := envRead{name: elixir.Unquote(code[tok]), line: code[tok].Line(), tok: tok, start: i, end: n.Close + 1, required: true, via: "{:system, ...}"}
				switch typ {
				case "integer", "float", "boolean", "atom", "list":
					r.typ = typ
				}
				if len(elems) > at+1 {
					d := elems[at+1]
					r.required, r.def = false, strings.TrimSpace(s.t.Src[code[d[0]].Start():code[d[1]].End()])
					if r.def == "nil" {
						r.def = "" // unset stays unset: optional, with no default
					}
				}
				return r, true
			}
		}
	}
	// the environment as a map: Map.get(env, "NAME"), env["NAME"], and the project's functions
	// given it whole
	if r, ok := s.envMapRead(i); ok {
		return r, true
	}
	// helper calls
	var hp helper
	var open int
	switch {
	case code[i].Kind == elixir.Ident && i+2 < len(code) && code[i+1].Is(".") && code[i+2].Is("(") && (i == 0 || !code[i-1].Is(".")):
		h, ok := s.h.anon[code[i].Text()]
		if !ok {
			return envRead{}, false
		}
		hp, open = h, i+2
	case code[i].Kind == elixir.Ident && i+1 < len(code) && code[i+1].Is("(") && (i == 0 || !code[i-1].Is(".") && !code[i-1].Is("def") && !code[i-1].Is("defp")):
		h, ok := s.h.imported[code[i].Text()]
		if !ok {
			return envRead{}, false
		}
		hp, open = h, i+1
	case code[i].Kind == elixir.Alias && i+3 < len(code) && code[i+1].Is(".") && code[i+2].Kind == elixir.Ident && code[i+3].Is("("):
		mod := elixir.Expand(s.aliases, code[i].Text())
		h, ok := s.h.remote[mod+"."+code[i+2].Text()]
		if !ok {
			if d, isDotenvy := dotenvy[code[i+2].Text()]; isDotenvy && mod == "Dotenvy" {
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
	if i > 0 && code[i-1].Is("|>") {
		// `config_dir |> get_var_from_path_or_env("LOG_LEVEL", "info")`: the value piped in
		// is the first argument (-1: no tokens of its own here)
		elems = append([][2]int{{-1, -1}}, elems...)
	}
	if hp.nameArg >= len(elems) {
		return envRead{}, false
	}
	if elems[hp.nameArg][0] < 0 {
		// the name is piped in (`"#{db}_CACERT" |> env!(:string)`): phxdeploy does not read it
		s.computed = append(s.computed, code[i].Line())
		return envRead{}, false
	}
	if elems[hp.nameArg][0] != elems[hp.nameArg][1] || !isName(code[elems[hp.nameArg][0]]) {
		if !s.inParams(i, elems[hp.nameArg][0]) {
			s.computed = append(s.computed, code[i].Line())
		}
		return envRead{}, false
	}
	nameTok := elems[hp.nameArg][0]
	r := envRead{name: elixir.Unquote(code[nameTok]), line: code[nameTok].Line(), tok: nameTok, start: i, end: args.Close + 1, via: hp.via, reshaped: hp.reshapes}
	hasDef := false
	if hp.defArg >= 0 && hp.defArg < len(elems) && elems[hp.defArg][0] >= 0 {
		r.def, hasDef = s.text(elems[hp.defArg][0], elems[hp.defArg][1]+1), true
	} else if hp.defVal != "" {
		r.def, hasDef = hp.defVal, true
	}
	if r.def == "nil" {
		r.def = ""
	}
	r.required = hp.raises && !hasDef
	if hp.typeArg >= 0 && hp.typeArg < len(elems) && elems[hp.typeArg][0] >= 0 && code[elems[hp.typeArg][0]].Kind == elixir.Atom {
		r.typ = dotenvyType(elixir.AtomName(code[elems[hp.typeArg][0]]))
	}
	return r, true
}

// isName reports whether a token is a plain string literal that looks like a variable name.
func isName(t elixir.Token) bool {
	if t.Kind != elixir.String || strings.Contains(t.Text(), "#{") || strings.HasPrefix(t.Text(), `"""`) {
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
	return strings.TrimSpace(s.t.Src[code[from].Start():code[to-1].End()])
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
			if code[k].Is("nil") {
				break
			}
			// the default: up to the next `||`, the end of the list it is in, or of the statement
			holder := s.t.Enclosing(k)
			end := s.t.ValueEnd(holder, k, min(holder.Close, elixir.StatementEnd(code, holder, k)))
			for j := k; j < end; j++ {
				if code[j].Is("||") && s.t.Enclosing(j) == holder {
					end = j
					break
				}
			}
			r.def = s.text(k, end)
		}
		break
	}
	r.typ = firstNonEmpty(r.typ, s.typeAround(r))
	r.use, r.local = s.useOf(r)
	// A guard that raises on a missing value makes the read required, unless the read has a
	// default: then the value is never missing (nerves_hub_web's NERVES_HUB_APP, "all" by
	// default, tested with !Enum.member?), unless the default is the empty value tested.
	if r.local != "" && !r.required && (r.def == "" || r.def == "nil" || r.def == `""` || r.def == "[]") && s.guarded(r.local, r.end) {
		r.required = true
	}
	// System.fetch_env("X") in a statement that raises (with ... else _ -> raise)
	if r.via == "System.fetch_env" && !r.required {
		k := r.start
		for k > 0 && !elixir.StatementStart(code, k) && k > r.start-50 {
			k--
		}
		for j := k; j < elixir.StatementEnd(code, s.t.Enclosing(k), k); j++ {
			if raises(code[j]) || halts(code, j) {
				r.required = true
				break
			}
		}
	}
	// `if is_nil(System.get_env("X")), do: raise ...`, `case System.fetch_env("X") do ... :error -> raise`
	if head := s.guardHead(r.start); !r.required && head >= 0 && s.guardAt(head, func(j int) bool { return j >= r.start && j < r.end }) {
		r.required = true
	}
	s.condition(r)
}

// readStartingAt returns the read whose first token is k.
func (s *readScanner) readStartingAt(k int) *envRead {
	if i, ok := s.byStart[k]; ok {
		return &s.reads[i]
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
	"File.read!": "file", "File.read": "file", // the variable names a file that holds the value
}

// typeAround reads the type from a conversion around the read (String.to_integer(read)), piped
// after it (read |> String.to_integer()), or a comparison with "true".
func (s *readScanner) typeAround(r *envRead) string {
	code := s.t.Code
	// wrapped: Mod.fun( read ...
	for n := s.t.Enclosing(r.start); n != nil && n.Kind == "("; n = n.Parent {
		if o := n.Open; o >= 3 && code[o-1].Kind == elixir.Ident && code[o-2].Is(".") && code[o-3].Kind == elixir.Alias {
			if t := converters[code[o-3].Text()+"."+code[o-1].Text()]; t != "" {
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
		if t := converters[code[k+1].Text()+"."+code[k+3].Text()]; t != "" {
			return t
		}
	}
	if k+1 < len(code) && (code[k].Is("==") || code[k].Is("in") || code[k].Is("!=")) {
		v := code[k+1]
		if v.Kind == elixir.String && (elixir.Unquote(v) == "true" || elixir.Unquote(v) == "1") || v.Kind == elixir.Sigil && strings.Contains(v.Text(), "true") {
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
	if k >= 0 && code[k].Kind == elixir.KeywordKey && code[k].Text() != "do" && code[k].Text() != "else" {
		return code[k].Text(), ""
	}
	// Keyword.put(config, :url, read)
	if k >= 2 && code[k].Is(",") && code[k-1].Kind == elixir.Atom && code[k-2].Is(",") {
		return elixir.AtomName(code[k-1]), ""
	}
	if k >= 1 && code[k].Is("=") && code[k-1].Kind == elixir.Ident && elixir.StatementStart(code, k-1) {
		local = code[k-1].Text()
		for _, j := range s.after(local, r.end) {
			if j+2 < len(code) && code[j+1].Is("||") && (raises(code[j+2]) || halts(code, j+2)) {
				r.required = true // `local || raise ...` where it is used
			}
			if use == "" && j > 0 && code[j-1].Kind == elixir.KeywordKey && (j+1 >= len(code) || !code[j+1].Is(".") && !code[j+1].Is("(")) {
				use = code[j-1].Text()
			}
		}
	}
	return use, local
}

// guarded reports whether a local is tested after its assignment by a guard that raises when it
// is missing or empty: `if is_nil(x)`, `unless x`, `if !x`, `if x == []`, `case x do nil -> raise`,
// in block or keyword form.
func (s *readScanner) guarded(local string, from int) bool {
	code := s.t.Code
	seen := map[int]bool{}
	for _, p := range s.after(local, from) {
		head := s.guardHead(p)
		if head < 0 || seen[head] {
			continue
		}
		seen[head] = true
		if s.guardAt(head, func(j int) bool { return code[j].Kind == elixir.Ident && code[j].Text() == local }) {
			return true
		}
	}
	return false
}

// guardHead returns the if, unless or case whose condition holds token p (-1: none).
func (s *readScanner) guardHead(p int) int {
	code := s.t.Code
	for i := p; i >= 0 && i > p-20; i-- {
		if code[i].Is("do") || code[i].Kind == elixir.KeywordKey && code[i].Text() == "do" {
			return -1
		}
		if (code[i].Is("if") || code[i].Is("unless") || code[i].Is("case")) &&
			(elixir.StatementStart(code, i) || i > 0 && (code[i-1].Is("(") || code[i-1].Is("=") || code[i-1].Is(","))) {
			return i
		}
		if i < p && elixir.StatementStart(code, i) {
			return -1
		}
	}
	return -1
}

// guardAt reports whether the if, unless or case at i tests a value (the tokens for which
// mentions is true) for being missing or empty and raises then.
func (s *readScanner) guardAt(i int, mentions func(j int) bool) bool {
	code := s.t.Code
	w := code[i]
	// the condition: up to its do block, or `, do:`
	j := i + 1
	if j < len(code) && code[j].Is("(") { // if(cond, do: ...)
		j++
	}
	mentioned, absent := false, w.Is("unless")
	negations, nilAllowed := 0, false
	if w.Is("unless") {
		negations++
	}
	for ; j < len(code) && j < i+20 && !code[j].Is("do") && !(code[j].Kind == elixir.KeywordKey && code[j].Text() == "do"); j++ {
		switch {
		case mentions(j):
			mentioned = true
		case code[j].Is("in") && j+1 < len(code) && code[j+1].Is("["):
			// `x in [nil, "a", "b"]`: raises when x is missing only where that is not negated
			// (`!(x in [nil, ...])` lets a missing x through)
			for k := j + 2; k < len(code) && k < j+20 && !code[k].Is("]"); k++ {
				if code[k].Is("nil") {
					nilAllowed = true
				}
			}
		case code[j].Is("!") || code[j].Is("not"):
			negations++
			absent = true
		case code[j].Is("is_nil") || code[j].Is("nil"):
			absent = true
		case code[j].Is("==") && j+1 < len(code) && (code[j+1].Is("[") && j+2 < len(code) && code[j+2].Is("]") || code[j+1].Kind == elixir.String && elixir.Unquote(code[j+1]) == ""):
			absent = true
		}
	}
	if nilAllowed {
		absent = negations%2 == 0
	}
	if !mentioned || j >= len(code) {
		return false
	}
	// the body: a do block, or the expression after `do:` (up to `else:`)
	var from, to int
	if code[j].Is("do") {
		body := s.t.NodeAt(j)
		if body == nil {
			return false
		}
		from, to = body.Open+1, body.Close
		if w.Is("case") {
			for k := from; k+2 < to; k++ { // the nil (or :error) clause raises
				if (code[k].Is("nil") || code[k].Kind == elixir.Atom && code[k].Text() == ":error") && code[k+1].Is("->") && (raises(code[k+2]) || halts(code, k+2)) {
					return true
				}
			}
			return false
		}
	} else {
		from, to = j+1, elixir.StatementEnd(code, s.t.Enclosing(i), i)
	}
	if !absent {
		return false
	}
	for k := from; k < to; k++ {
		if code[k].Is("else") || code[k].Kind == elixir.KeywordKey && code[k].Text() == "else" {
			break
		}
		if raises(code[k]) || halts(code, k) {
			return true
		}
	}
	return false
}

// halts reports whether code[k:] is System.halt.
func halts(code []elixir.Token, k int) bool {
	return code[k].Kind == elixir.Alias && code[k].Text() == "System" && k+2 < len(code) && code[k+2].Text() == "halt"
}

func raises(t elixir.Token) bool { return t.Is("raise") || t.Is("exit") || t.Is("throw") }

// condition sets what a read depends on: the blocks around it that only run in some
// environments or when some variable is set.
func (s *readScanner) condition(r *envRead) {
	var conds []blockCond // innermost first: the do blocks, then the ifs in keyword form
	for n := s.t.Enclosing(r.tok); n != nil && n != s.t.Root; n = n.Parent {
		if n.Kind == "do" {
			conds = append(conds, s.blockCond(n, r.tok))
		}
	}
	var whens []string
	for _, c := range append(conds, s.keywordIfs(r.tok)...) {
		if c.skip {
			r.skip = true
			return
		}
		if c.optional {
			r.optional = true
		}
		if c.when != "" && len(whens) < maxWhens {
			whens = append(whens, c.when)
		}
	}
	slices.Reverse(whens)
	r.when = strings.Join(whens, " and ")
}

// keywordIfs says what the ifs in keyword form that hold token tok (`if cond, do: expr, else:
// expr`, `if(cond, do: ...)`, unless too) say of it, as blockCond does for an if's do block.
func (s *readScanner) keywordIfs(tok int) []blockCond {
	code := s.t.Code
	var out []blockCond
	p := tok
	for n := s.t.Enclosing(tok); n != nil; n = n.Parent {
		spans := s.kwIfsOf(n)
		// the last span that starts before p (spans of one level do not overlap)
		k := sort.Search(len(spans), func(k int) bool { return spans[k].head >= p })
		if k > 0 {
			if sp := spans[k-1]; p < sp.end && p > sp.doAt {
				to := sp.doAt
				if code[to-1].Is(",") {
					to--
				}
				out = append(out, s.ifCond(sp.head+1+sp.paren, to, code[sp.head].Is("unless") != (sp.elseAt > sp.doAt && p > sp.elseAt)))
			}
		}
		if n == s.t.Root {
			break
		}
		p = n.Open
	}
	return out
}

// ifCond is what an if's condition in tokens [from, to) says of its branch (of the other
// branch, or an unless's, when negate is set).
func (s *readScanner) ifCond(from, to int, negate bool) blockCond {
	v := s.evalCond(from, to)
	if negate {
		v = v.not()
	}
	var c blockCond
	switch v.kind {
	case condFalse:
		c.skip = true
	case condEnv:
		c.when, c.optional = s.phrase(from, to), !v.byDefault
	case condUnknown:
		c.when = s.phrase(from, to)
	}
	return c
}

// kwIf is an if (or unless) in keyword form: its first token, its do: and else: keys (-1: none),
// and the index past it; paren is 1 for if(...), whose condition starts after the parenthesis.
type kwIf struct{ head, doAt, elseAt, end, paren int }

// kwIfsOf lists the keyword-form ifs at the level of node n, in order, found once per node.
func (s *readScanner) kwIfsOf(n *elixir.Node) []kwIf {
	if spans, ok := s.kwIfs[n]; ok {
		return spans
	}
	code := s.t.Code
	var spans []kwIf
	keys := func(sp *kwIf, from, to int) {
		for k := from; k < to; k++ {
			if code[k].Kind == elixir.KeywordKey && n.Direct(k) {
				switch code[k].Text() {
				case "do":
					if sp.doAt < 0 {
						sp.doAt = k
					}
				case "else":
					sp.elseAt = k
				}
			}
		}
	}
	if n.Kind == "(" && n.Open > 0 && (code[n.Open-1].Is("if") || code[n.Open-1].Is("unless")) {
		sp := kwIf{head: n.Open - 1, doAt: -1, elseAt: -1, end: n.Close, paren: 1}
		keys(&sp, n.Open+1, n.Close)
		if sp.doAt >= 0 {
			spans = append(spans, sp)
		}
	} else {
		kids := n.Cursor(n.Open + 1)
		for i := n.Open + 1; i < n.Close; i++ {
			if c := kids.At(i); c != nil {
				i = c.Close
				continue
			}
			if !(code[i].Is("if") || code[i].Is("unless")) || !elixir.StatementStart(code, i) {
				continue
			}
			sp := kwIf{head: i, doAt: -1, elseAt: -1, end: elixir.StatementEnd(code, n, i)}
			keys(&sp, i+1, sp.end)
			if sp.doAt >= 0 {
				spans = append(spans, sp)
				i = sp.end - 1
			}
		}
	}
	if s.kwIfs == nil {
		s.kwIfs = map[*elixir.Node][]kwIf{}
	}
	s.kwIfs[n] = spans
	return spans
}

// maxWhens is how many conditions a read's description names (the innermost).
const maxWhens = 3

// blockCond says what the do block n says of a read at token tok in it: computed once per
// block and branch, however many reads the block holds.
func (s *readScanner) blockCond(n *elixir.Node, tok int) blockCond {
	code := s.t.Code
	inElse := false
	if e := s.elseOf(n); e >= 0 && tok > e {
		inElse = true
	}
	key := condKey{n, inElse}
	if c, ok := s.conds[key]; ok {
		if c.caseClauses {
			return s.caseClause(n, tok)
		}
		if c.subject != nil {
			return s.envClause(c, n, tok)
		}
		return c
	}
	var c blockCond
	head := statementHead(s.t, n)
	if head >= 0 {
		word := code[head]
		switch {
		case word.Is("if") || word.Is("unless"):
			c = s.ifCond(head+1, n.Open, word.Is("unless") != inElse)
		case word.Is("case"):
			if subject := s.text(head+1, n.Open); subject == "config_env()" || subject == "Mix.env()" {
				c.caseClauses = true // decided per clause
			} else {
				c.when = s.phrase(head+1, n.Open)
				if k, ok := s.byStart[head+1]; ok && s.reads[k].end == n.Open {
					c.subject = &s.reads[k] // case System.get_env("X") do
				} else if head+2 == n.Open && code[head+1].Kind == elixir.Ident {
					c.subject = s.localRead(code[head+1].Text(), head+1) // case x do, x read from X
				}
			}
		case word.Is("cond") || word.Is("with") || word.Is("for") || word.Is("try") || word.Is("defmodule") ||
			word.Is("def") || word.Is("defp") || word.Is("quote") || word.Is("receive"):
		case word.Kind == elixir.Alias || word.Kind == elixir.Ident:
			// a macro with a block (Keila.if_cloud do ... end): it may or may not run
			c.when = "under " + oneLineText(s.text(head, n.Open), 60)
		}
	}
	s.conds[key] = c
	if c.caseClauses {
		return s.caseClause(n, tok)
	}
	if c.subject != nil {
		return s.envClause(c, n, tok)
	}
	return c
}

// envClause says whether the clause of `case <read of X> do` that holds tok runs when X is not
// set: a clause whose pattern is a string ("true" ->) does not, unless it is the read's default,
// so what it reads is needed only when someone sets X (TeslaMate's DATABASE_SSL_CA_CERT_FILE,
// under `"true" ->`, was required of every deployment).
func (s *readScanner) envClause(c blockCond, n *elixir.Node, tok int) blockCond {
	out := blockCond{when: c.when}
	p := s.clausePattern(n, tok)
	if len(p) >= 2 && p[0] == '"' && p[len(p)-1] == '"' && !strings.ContainsAny(p[1:len(p)-1], "\"\\#") && p != c.subject.def {
		out.optional = true
	}
	return out
}

// caseClause says whether the clause of `case config_env() do` that holds tok runs in
// production (:prod, or a catch-all).
func (s *readScanner) caseClause(n *elixir.Node, tok int) blockCond {
	switch s.clausePattern(n, tok) {
	case ":dev", ":test":
		return blockCond{skip: true}
	}
	return blockCond{}
}

// elseOf returns the token of n's own else (-1: none), found once per block.
func (s *readScanner) elseOf(n *elixir.Node) int {
	if e, ok := s.elses[n]; ok {
		return e
	}
	e := -1
	code := s.t.Code
	kids := n.Cursor(n.Open + 1)
	for k := n.Open + 1; k < n.Close; k++ {
		if c := kids.At(k); c != nil {
			k = c.Close
			continue
		}
		if code[k].Is("else") {
			e = k
			break
		}
	}
	s.elses[n] = e
	return e
}

// phrase says what a condition in tokens [from, to) depends on, for people: the variables it
// reads (directly or through locals), else its code, shortened.
func (s *readScanner) phrase(from, to int) string {
	code := s.t.Code
	var names []string
	add := func(n string) {
		if !slices.Contains(names, n) && len(names) < 4 {
			names = append(names, n)
		}
	}
	for i := from; i < to; i++ {
		if k, ok := s.byStart[i]; ok {
			add(s.reads[k].name)
		}
		if code[i].Kind == elixir.Ident && (i == 0 || !code[i-1].Is(".")) {
			if r := s.localRead(code[i].Text(), from); r != nil {
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
func (s *readScanner) clausePattern(n *elixir.Node, i int) string {
	cs := s.clausesOf(n)
	// the last clause whose arrow is before i
	k := sort.Search(len(cs), func(k int) bool { return cs[k].arrow >= i })
	if k == 0 {
		return ""
	}
	return cs[k-1].pattern
}

// clausesOf returns the clauses of a case's do block, found once per block.
func (s *readScanner) clausesOf(n *elixir.Node) []clause {
	if cs, ok := s.clauses[n]; ok {
		return cs
	}
	var cs []clause
	code := s.t.Code
	for k := n.Open + 1; k < n.Close; k++ {
		if code[k].Is("->") && n.Direct(k) {
			start := k - 1
			for start > n.Open+1 && !elixir.StatementStart(code, start) {
				start--
			}
			cs = append(cs, clause{start, k, strings.TrimSpace(s.t.Src[code[start].Start():code[k-1].End()])})
		}
	}
	if s.clauses == nil {
		s.clauses = map[*elixir.Node][]clause{}
	}
	s.clauses[n] = cs
	return cs
}

// envMaps are the locals a file assigns the whole environment (env = System.get_env()).
func envMaps(code []elixir.Token) map[string]bool {
	var out map[string]bool
	for i := 0; i+6 < len(code); i++ {
		if code[i].Kind == elixir.Ident && code[i+1].Is("=") && code[i+2].Kind == elixir.Alias && code[i+2].Text() == "System" &&
			code[i+3].Is(".") && code[i+4].Is("get_env") && code[i+5].Is("(") && code[i+6].Is(")") && elixir.StatementStart(code, i) {
			if out == nil {
				out = map[string]bool{}
			}
			out[code[i].Text()] = true
		}
	}
	return out
}

// mapGet recognizes Map.get(m, "NAME"[, default]), Map.fetch!(m, "NAME") and m["NAME"] at token
// i, where isMap says m is the environment: the read, without its position.
func mapGet(t *elixir.Tree, i int, isMap func(string) bool, text func(from, to int) string) (envRead, bool) {
	code := t.Code
	switch {
	case code[i].Kind == elixir.Alias && code[i].Text() == "Map" && i+7 < len(code) && code[i+1].Is(".") &&
		(code[i+2].Is("get") || code[i+2].Is("fetch!") || code[i+2].Is("fetch")) && code[i+3].Is("(") &&
		code[i+4].Kind == elixir.Ident && isMap(code[i+4].Text()) && code[i+5].Is(",") && isName(code[i+6]):
		n := t.NodeAt(i + 3)
		if n == nil {
			return envRead{}, false
		}
		r := envRead{name: elixir.Unquote(code[i+6]), line: code[i+6].Line(), tok: i + 6, start: i, end: n.Close + 1, required: code[i+2].Is("fetch!"), via: "Map." + code[i+2].Text()}
		if elems := t.ListElements(n); len(elems) > 2 && code[i+2].Is("get") {
			r.def = text(elems[2][0], elems[2][1]+1)
		}
		return r, true
	case code[i].Kind == elixir.Ident && isMap(code[i].Text()) && i+3 < len(code) && code[i+1].Is("[") && isName(code[i+2]) && code[i+3].Is("]") &&
		code[i+1].Start() == code[i].End():
		return envRead{name: elixir.Unquote(code[i+2]), line: code[i+2].Line(), tok: i + 2, start: i, end: i + 4, via: "Access"}, true
	}
	return envRead{}, false
}

// envMapRead recognizes, at token i, a read from a local holding the whole environment, or a
// call of a project function that reads from it (each of the names it reads, at the call).
func (s *readScanner) envMapRead(i int) (envRead, bool) {
	code := s.t.Code
	if s.envMaps == nil {
		return envRead{}, false
	}
	isMap := func(name string) bool { return s.envMaps[name] }
	if r, ok := mapGet(s.t, i, isMap, s.text); ok {
		return r, true
	}
	if s.h == nil || len(s.h.maps) == 0 || code[i].Kind != elixir.Alias || i+3 >= len(code) || !code[i+1].Is(".") || code[i+2].Kind != elixir.Ident || !code[i+3].Is("(") {
		return envRead{}, false
	}
	mr, ok := s.h.maps[elixir.Expand(s.aliases, code[i].Text())+"."+code[i+2].Text()]
	args := s.t.NodeAt(i + 3)
	if !ok || args == nil {
		return envRead{}, false
	}
	elems := s.t.ListElements(args)
	if mr.arg >= len(elems) || elems[mr.arg][0] != elems[mr.arg][1] || !isMap(code[elems[mr.arg][0]].Text()) {
		return envRead{}, false
	}
	// every name it reads, at the call
	reads := make([]envRead, len(mr.reads))
	for k, r := range mr.reads {
		r.tok, r.start, r.end, r.line, r.via = i, i, args.Close+1, code[i].Line(), mr.via
		reads[k] = r
	}
	return s.several(reads)
}

// several returns the first of reads found at one place; the others follow it (pending).
func (s *readScanner) several(reads []envRead) (envRead, bool) {
	if len(reads) == 0 {
		return envRead{}, false
	}
	s.pending = append(s.pending[:0], reads[1:]...)
	return reads[0], true
}

// mapReadersOf finds, in a file's functions, those that read fixed names from a parameter the
// way a map of the environment is read: by Module.name, for the names wanted (nil: all).
func mapReadersOf(t *elixir.Tree, defs []funcDef, wanted map[string]bool) map[string]mapReader {
	code := t.Code
	out := map[string]mapReader{}
	text := func(from, to int) string { return t.Src[code[from].Start():code[to-1].End()] }
	for _, d := range defs {
		key := d.module + "." + d.name
		if d.module == "" || wanted != nil && !wanted[key] {
			continue
		}
		for arg, p := range d.params {
			var reads []envRead
			for i := d.bodyFrom; i < d.bodyTo && i < len(code); i++ {
				r, ok := mapGet(t, i, func(name string) bool { return name == p }, text)
				if !ok {
					continue
				}
				// `Map.get(env, "A") || Map.get(env, "B")`: B is read in A's place
				if n := len(reads); n > 0 && i > 0 && code[i-1].Is("||") && reads[n-1].end == i-1 {
					r.alt, r.altOf = true, reads[n-1].name
				}
				reads = append(reads, r)
				i = r.end - 1
			}
			if len(reads) > 0 {
				out[key] = mapReader{arg: arg, reads: reads, via: key}
				break
			}
		}
	}
	return out
}

// mappedNames are the name strings of the literal list Enum.map maps the function reference at
// token i over: `Enum.map(["A", "B"], &System.get_env/1)` or `["A", "B"] |> Enum.map(&...)`.
// nil when it is anything else.
func (s *readScanner) mappedNames(i int) []int {
	code := s.t.Code
	enumMap := func(paren int) bool {
		return paren >= 3 && code[paren].Is("(") && code[paren-1].Is("map") && code[paren-2].Is(".") && code[paren-3].Kind == elixir.Alias && code[paren-3].Text() == "Enum"
	}
	closing := func(k int) *elixir.Node { // the list that closes at token k
		n := s.t.Enclosing(k)
		if n != nil && n.Close == k && n.Kind == "[" {
			return n
		}
		for n != nil {
			for _, c := range n.Children {
				if c.Close == k && c.Kind == "[" {
					return c
				}
			}
			break
		}
		return nil
	}
	var list *elixir.Node
	switch {
	case i >= 6 && enumMap(i-1) && code[i-5].Is("|>") && code[i-6].Is("]"):
		list = closing(i - 6)
	case i >= 2 && code[i-1].Is(",") && code[i-2].Is("]"):
		if l := closing(i - 2); l != nil && enumMap(l.Open-1) {
			list = l
		}
	}
	if list == nil {
		return nil
	}
	var names []int
	for k := list.Open + 1; k < list.Close; k++ {
		switch {
		case isName(code[k]):
			names = append(names, k)
		case code[k].Is(","):
		default:
			return nil
		}
	}
	return names
}
