package project

import (
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// condKind is what phxdeploy knows of a condition in a production release.
type condKind int

const (
	condTrue    condKind = iota // always true in production (config_env() == :prod)
	condFalse                   // never true in production (config_env() == :dev)
	condEnv                     // depends on variables the deployment sets
	condUnknown                 // depends on something else
)

type condValue struct {
	kind condKind
	text string
	// byDefault: for condEnv, whether the condition holds when nobody sets the variables it
	// reads (the app's defaults decide).
	byDefault bool
}

func (v condValue) not() condValue {
	switch v.kind {
	case condTrue:
		v.kind = condFalse
	case condFalse:
		v.kind = condTrue
	case condEnv:
		v.byDefault = !v.byDefault
	}
	if v.text != "" {
		v.text = "not (" + v.text + ")"
	}
	return v
}

// evalCond evaluates the condition in tokens [from, to) for a production release.
func (s *readScanner) evalCond(from, to int) condValue {
	code := s.t.Code
	if from >= to {
		return condValue{kind: condUnknown}
	}
	// (cond)
	if code[from].Is("(") {
		if n := s.t.NodeAt(from); n != nil && n.Close == to-1 {
			return s.evalCond(from+1, to-1)
		}
	}
	text := s.text(from, to)
	for _, ops := range [][]string{{"or", "||"}, {"and", "&&"}} {
		parts := s.splitAt(from, to, ops)
		if len(parts) < 2 {
			continue
		}
		vals := make([]condValue, len(parts))
		for k, p := range parts {
			vals[k] = s.evalCond(p[0], p[1])
		}
		return combine(vals, ops[0] == "or", text)
	}
	if code[from].Is("not") || code[from].Is("!") {
		return s.evalCond(from+1, to).not()
	}
	if to-from == 1 && code[from].Kind == elixir.Ident {
		switch {
		case code[from].Is("true"):
			return condValue{kind: condTrue}
		case code[from].Is("false") || code[from].Is("nil"):
			return condValue{kind: condFalse}
		}
	}
	// a module attribute (if @app? do): what its definition says, when the build decides it
	if to-from == 2 && code[from].Is("@") && code[from+1].Kind == elixir.Ident {
		if v, ok := s.attributeCond(code[from+1].Text(), from); ok {
			return v
		}
	}
	if v, ok := s.evalEnvironment(from, to); ok {
		return v
	}
	// a read in the condition, or a local assigned from one
	for i := from; i < to; i++ {
		if k, ok := s.byStart[i]; ok && s.reads[k].end <= to {
			return condValue{kind: condEnv, text: text, byDefault: byDefault(&s.reads[k], code, s.reads[k].end, to)}
		}
		if code[i].Kind == elixir.Ident && (i+1 >= to || !code[i+1].Is("(")) {
			if r := s.localRead(code[i].Text(), from); r != nil {
				return condValue{kind: condEnv, text: text, byDefault: byDefault(r, code, i+1, to)}
			}
			if r := s.caseLocal(code[i].Text(), from); r != nil {
				return condValue{kind: condEnv, text: text, byDefault: byDefault(r, code, i+1, to)}
			}
			if r := s.ifLocal(code[i].Text(), from); r != nil {
				return condValue{kind: condEnv, text: text, byDefault: byDefault(r, code, i+1, to)}
			}
		}
	}
	return condValue{kind: condUnknown, text: text}
}

// caseLocal reads a local assigned from a case on a read, before token before:
//
//	mode =
//	  case System.get_env("HEXPM_MODE") do
//	    value when value in [nil, "", "web"] -> :web
//	    "worker" -> :worker
//	  end
//
// as a read of that variable whose default is what the case gives when nobody sets it (:web),
// found as Elixir does: the first clause that matches the read's own default (nil without one)
// whose body is a literal. nil when phxdeploy cannot tell.
func (s *readScanner) caseLocal(local string, before int) *envRead {
	code := s.t.Code
	at := s.assignedBy(local, before, "case")
	if at < 0 {
		return nil
	}
	k, ok := s.byStart[at+3]
	if !ok {
		return nil
	}
	subject := &s.reads[k]
	n := s.t.NodeAt(subject.end)
	if n == nil || n.Kind != "do" || n.Open != subject.end {
		return nil
	}
	value := subject.def // as written: "" is nil
	if value == "" {
		value = "nil"
	}
	cs := s.clausesOf(n)
	for c, cl := range cs {
		switch matchesValue(cl.pattern, value) {
		case matchNo:
			continue
		case matchUnknown:
			return nil
		}
		// the clause taken: its body, up to the next clause's pattern (or the end)
		end := n.Close
		if c+1 < len(cs) {
			end = cs[c+1].start
		}
		if end-cl.arrow != 2 || (code[cl.arrow+1].Kind != elixir.Atom && code[cl.arrow+1].Kind != elixir.String) {
			return nil
		}
		r := *subject
		r.def = code[cl.arrow+1].Text()
		return &r
	}
	return nil
}

// ifLocal reads a local assigned from an if on a read (or on a local assigned from one), before
// token before:
//
//	driver = if ssl_port, do: :ssl, else: :tcp
//	driver = if System.get_env("SSL_PORT") do :ssl else :tcp end
//
// as a read of that variable whose default is the branch taken when nobody sets it (supabase/
// realtime's GEN_RPC_SSL_SERVER_PORT: :tcp, so what it reads under `driver == :ssl` is
// optional). Each branch must be one literal; nil when phxdeploy cannot tell.
func (s *readScanner) ifLocal(local string, before int) *envRead {
	code := s.t.Code
	at := s.assignedBy(local, before, "if")
	if at < 0 {
		return nil
	}
	literal := func(i int) bool {
		return i < len(code) && (code[i].Kind == elixir.Atom || code[i].Kind == elixir.String || code[i].Is("true") || code[i].Is("false") || code[i].Is("nil"))
	}
	condFrom := at + 3
	// the condition runs up to `, do:` or `do`
	k := condFrom
	for k < len(code) && k < condFrom+8 && !(code[k].Kind == elixir.KeywordKey && code[k].Text() == "do") && !code[k].Is("do") {
		k++
	}
	var condTo, then, other int
	switch {
	case k+4 < len(code) && code[k].Kind == elixir.KeywordKey && code[k-1].Is(",") && code[k+2].Is(",") && code[k+3].Kind == elixir.KeywordKey && code[k+3].Text() == "else":
		condTo, then, other = k-1, k+1, k+4
	case k+4 < len(code) && code[k].Is("do") && code[k+2].Is("else") && code[k+4].Is("end"):
		condTo, then, other = k, k+1, k+3
	default:
		return nil
	}
	if !literal(then) || !literal(other) {
		return nil
	}
	var r *envRead
	if k, ok := s.byStart[condFrom]; ok && s.reads[k].end == condTo {
		r = &s.reads[k]
	} else if condTo == condFrom+1 && code[condFrom].Kind == elixir.Ident {
		r = s.localRead(code[condFrom].Text(), condFrom)
	}
	if r == nil {
		return nil
	}
	out := *r
	out.def = code[other].Text()
	if byDefault(r, code, condTo, condTo) {
		out.def = code[then].Text()
	}
	return &out
}

// assignedBy is the last statement before token before that assigns local from a case or an if
// (keyword says which): the local's token, or -1.
func (s *readScanner) assignedBy(local string, before int, keyword string) int {
	code := s.t.Code
	at := -1
	for _, p := range s.after(local, 0) {
		if p >= before {
			break
		}
		if p+3 < len(code) && code[p+1].Is("=") && code[p+2].Is(keyword) && elixir.StatementStart(code, p) {
			at = p
		}
	}
	return at
}

type patternMatch int

const (
	matchNo patternMatch = iota
	matchYes
	matchUnknown
)

// matchesValue says whether a case pattern matches a literal value (nil, "web", :web): a
// catch-all (_ or a name), the literal itself, or `v when v in [...]` / `v when is_nil(v)`.
func matchesValue(pattern, value string) patternMatch {
	name, guard, guarded := strings.Cut(pattern, " when ")
	name = strings.TrimSpace(name)
	isName := bareName(name)
	switch {
	case !guarded && (name == "_" || isName):
		return matchYes
	case !guarded && name == value:
		return matchYes
	case !guarded && (name == "nil" || strings.HasPrefix(name, `"`) && strings.HasSuffix(name, `"`) || strings.HasPrefix(name, ":") && !strings.ContainsAny(name, " ,[{(")):
		return matchNo // another literal
	case guarded && isName:
		guard = strings.TrimSpace(guard)
		if guard == "is_nil("+name+")" {
			return map[bool]patternMatch{true: matchYes, false: matchNo}[value == "nil"]
		}
		if list, ok := strings.CutPrefix(guard, name+" in ["); ok && strings.HasSuffix(list, "]") {
			for _, item := range strings.Split(strings.TrimSuffix(list, "]"), ",") {
				if strings.TrimSpace(item) == value {
					return matchYes
				}
			}
			return matchNo
		}
	}
	return matchUnknown
}

// bareName reports whether a pattern is a bare variable (value, _unused).
func bareName(p string) bool {
	if p == "" || !(p[0] == '_' || p[0] >= 'a' && p[0] <= 'z') {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return p != "nil" && p != "true" && p != "false"
}

// localRead returns the last read assigned to a local before token before, or nil.
func (s *readScanner) localRead(local string, before int) *envRead {
	var out *envRead
	for _, k := range s.byLocal[local] {
		if s.reads[k].start >= before {
			break
		}
		out = &s.reads[k]
	}
	return out
}

// splitAt splits [from, to) at the operators that belong to its own level.
func (s *readScanner) splitAt(from, to int, ops []string) [][2]int {
	code := s.t.Code
	level := s.t.Enclosing(from)
	var out [][2]int
	start := from
	for i := from; i < to; i++ {
		if (code[i].Is(ops[0]) || code[i].Is(ops[1])) && s.t.Enclosing(i) == level {
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	if len(out) == 0 {
		return nil
	}
	return append(out, [2]int{start, to})
}

func combine(vals []condValue, or bool, text string) condValue {
	// the text names only the parts that decide
	var parts []string
	for _, v := range vals {
		if v.kind == condEnv || v.kind == condUnknown {
			parts = append(parts, v.text)
		}
	}
	if len(parts) < len(vals) {
		text = strings.Join(parts, map[bool]string{true: " or ", false: " and "}[or])
	}
	out := condValue{kind: condTrue, text: text, byDefault: !or}
	if or {
		out.kind = condFalse
	}
	allEnv := true
	for _, v := range vals {
		switch {
		case or && v.kind == condTrue, !or && v.kind == condFalse:
			return condValue{kind: v.kind}
		case v.kind == condEnv:
			if or {
				out.byDefault = out.byDefault || v.byDefault
			} else {
				out.byDefault = out.byDefault && v.byDefault
			}
		case v.kind == condUnknown:
			allEnv = false
			out.byDefault = true
		}
		if v.kind == condEnv || v.kind == condUnknown {
			out.kind = condEnv
		}
	}
	if out.kind == condEnv && !allEnv {
		out.kind = condUnknown
	}
	return out
}

// attributeCond evaluates a condition on a module attribute from the attribute's last
// definition above token before in the module the use is in (`@app? Mix.target() == :app`),
// only when that says what the build makes of it (true or false in a production release for
// the default target): a definition that reads a variable is frozen at build time, so it is no
// condition phxdeploy can tell. A definition inside a block of the module (under an if), an
// accumulating attribute (Module.register_attribute), or a use outside every module is unknown;
// an enclosing module's attribute does not reach a nested module, nor a nested one's the
// enclosing module.
func (s *readScanner) attributeCond(name string, before int) (condValue, bool) {
	code := s.t.Code
	var module *elixir.Node
	for n := s.t.Enclosing(before); n != nil && n != s.t.Root; n = n.Parent {
		if n.Kind == "do" && n.Open >= 2 && code[n.Open-2].Is("defmodule") {
			module = n
			break
		}
	}
	if module == nil {
		return condValue{}, false
	}
	def := -1
	for i := module.Open + 1; i+2 < before; i++ {
		if code[i].Is("register_attribute") {
			// Module.register_attribute(__MODULE__, :name, accumulate: true): @name false
			// makes it [false]
			for k := i + 1; k < i+8 && k < module.Close; k++ {
				if code[k].Kind == elixir.Atom && elixir.AtomName(code[k]) == name {
					return condValue{}, false
				}
			}
		}
		if !code[i].Is("@") || !code[i+1].Is(name) || code[i+2].Line() != code[i+1].Line() || !elixir.StatementStart(code, i) {
			continue
		}
		if n := s.t.Enclosing(i); n != module {
			nested := false
			for ; n != nil && n != module; n = n.Parent {
				nested = nested || n.Kind == "do" && n.Open >= 2 && code[n.Open-2].Is("defmodule")
			}
			if nested {
				continue // a nested module's own attribute
			}
			return condValue{}, false // defined in a block of the module: not known here
		}
		def = i
	}
	if def < 0 {
		return condValue{}, false
	}
	end := elixir.StatementEnd(code, module, def)
	if end > before || end <= def+2 {
		return condValue{}, false
	}
	// a definition naming an attribute is not followed (no chains, and no loops)
	for k := def + 2; k < end; k++ {
		if code[k].Is("@") {
			return condValue{}, false
		}
	}
	if v := s.evalCond(def+2, end); v.kind == condTrue || v.kind == condFalse {
		return v, true
	}
	return condValue{}, false
}

// evalEnvironment evaluates a comparison of config_env() or Mix.env() with atoms (a production
// release's is :prod), or of config_target() or Mix.target() (:host, the target Mix builds for
// unless MIX_TARGET names another, which phxdeploy's builds never set).
func (s *readScanner) evalEnvironment(from, to int) (condValue, bool) {
	code := s.t.Code
	want := ""
	for i := from; i < to; i++ {
		mix := code[i].Kind == elixir.Alias && code[i].Text() == "Mix" && i+2 < to && code[i+1].Is(".")
		switch {
		case code[i].Is("config_env") || mix && code[i+2].Is("env"):
			want = "prod"
			if s.h != nil && s.h.env != "" {
				want = s.h.env // the project's Dockerfile builds the release for another
			}
		case code[i].Is("config_target") || mix && code[i+2].Is("target"):
			want = "host"
		default:
			continue
		}
		break
	}
	if want == "" {
		return condValue{}, false
	}
	negate, compared := false, false
	prod := false
	for i := from; i < to; i++ {
		switch {
		case code[i].Is("!=") || code[i].Is("!=="):
			negate, compared = true, true
		case code[i].Is("not") && i+1 < to && code[i+1].Is("in"):
			negate, compared = true, true
		case code[i].Is("==") || code[i].Is("===") || code[i].Is("in"):
			compared = true
		case code[i].Kind == elixir.Atom && elixir.AtomName(code[i]) == want:
			prod = true
		case code[i].Kind == elixir.Sigil && strings.HasPrefix(code[i].Text(), "~w") && slices.Contains(sigilWords(code[i].Text()), want):
			prod = true
		}
	}
	if !compared {
		return condValue{kind: condUnknown, text: s.text(from, to)}, true
	}
	if prod != negate {
		return condValue{kind: condTrue}, true
	}
	return condValue{kind: condFalse}, true
}

// sigilWords returns the words of a ~w sigil (~w(prod dev)a: prod, dev).
func sigilWords(sigil string) []string {
	body := strings.TrimRight(sigil, "acs") // the modifiers
	if len(body) < 4 {
		return nil
	}
	return strings.Fields(body[3 : len(body)-1])
}

// byDefault says whether a condition on a read holds when the variable is not set: the read
// alone (truthy when its default is), or compared with literals.
func byDefault(r *envRead, code []elixir.Token, after, to int) bool {
	def := r.def
	truthy := def != "" && def != "nil" && def != "false"
	if after >= to {
		return truthy
	}
	value := strings.Trim(def, `"`)
	op := code[after]
	if after+1 >= to {
		return true
	}
	lit := code[after+1]
	switch {
	case op.Is("==") || op.Is("==="):
		return lit.Kind == elixir.String && def != "" && elixir.Unquote(lit) == value || lit.Kind == elixir.Atom && def == lit.Text()
	case op.Is("!=") || op.Is("!=="):
		return !(lit.Kind == elixir.String && def != "" && elixir.Unquote(lit) == value || lit.Kind == elixir.Atom && def == lit.Text())
	case op.Is("in"):
		if def == "" {
			return lit.Is("[") && strings.Contains(strings.Join(tokenTexts(code[after+1:to]), " "), "nil")
		}
		for _, t := range code[after+1 : to] {
			if t.Kind == elixir.String && elixir.Unquote(t) == value || t.Kind == elixir.Sigil && strings.Contains(" "+strings.Trim(t.Text()[2:], "()[]{}|/<>\"'")+" ", " "+value+" ") {
				return true
			}
		}
		return false
	}
	return true // anything else: assume it holds, so that nothing required is left out
}

func tokenTexts(ts []elixir.Token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Text()
	}
	return out
}
