package engine

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// impure lists the functions of sprig's hermetic map that still depend on something other than
// their arguments: randomness (salts, keys, shuffles, IVs), the clock, the local time zone. A
// template that called one would render differently on every run, and every second run of init
// would report a conflict.
var impure = []string{
	"randInt", "shuffle", "bcrypt", "htpasswd", "encryptAES",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey",
	"ago", "toDate", "mustToDate",
}

// baseFuncs is sprig's hermetic text function map (no environment, network, random or time
// functions) less the impure functions it still has, plus phxdeploy's own: templates render the
// same everywhere, every time.
func baseFuncs() template.FuncMap {
	funcs := sprig.HermeticTxtFuncMap()
	for _, name := range impure {
		delete(funcs, name)
	}
	funcs["exCall"] = func(indent int, fun string, args []any, kws []any) (string, error) {
		if indent < 0 || indent > 200 {
			return "", fmt.Errorf("exCall: indent %d is not a column (0 to 200)", indent)
		}
		return elixir.FormatCallAny(indent, fun, args, kws)
	}
	// Map iteration order is random: keys and values are sorted, so that a template renders the
	// same every time.
	sortedKeys := func(dicts ...map[string]any) []string {
		var out []string
		for _, d := range dicts {
			for k := range d {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	funcs["keys"] = sortedKeys
	funcs["values"] = func(dict map[string]any) []any {
		var out []any
		for _, k := range sortedKeys(dict) {
			out = append(out, dict[k])
		}
		return out
	}
	// sprig's sortAlpha sorts a []string in place: a template that sorted a list of the data
	// (.Targets) changed it for every file rendered after it, or, rendered side by side, while
	// another read it. The list is sorted as a copy.
	sortAlpha := funcs["sortAlpha"].(func(any) []string)
	funcs["sortAlpha"] = func(list any) []string {
		if l, ok := list.([]string); ok {
			list = slices.Clone(l)
		}
		return sortAlpha(list)
	}
	funcs["shq"] = ShQuote
	funcs["yamlq"] = YAMLQuote
	funcs["tomlq"] = TOMLQuote
	return funcs
}

// renderFuncs returns the functions one render of the set t calls: each function its templates
// name (found by walking their parse trees), guarded, and the ones that spend the render's budget
// or include its templates made for this render. A set with only the functions it uses costs
// little to make, where sprig's whole map cost more than parsing.
func (e *Engine) renderFuncs(t *template.Template, sp *spend) template.FuncMap {
	used := map[string]bool{}
	all := false
	for _, x := range t.Templates() {
		if x.Tree != nil && !identifiers(x.Tree.Root, used) {
			all = true // a node this walk does not know: every function, as before
		}
	}
	out := template.FuncMap{}
	for name := range e.funcs {
		if all || used[name] {
			out[name] = e.guard(name)
		}
	}
	for _, name := range []string{"print", "printf", "println"} {
		if all || used[name] {
			out[name] = e.guard(name)
		}
	}
	for name, fn := range budgeted(e.funcs, sp) {
		if all || used[name] {
			out[name] = guard(name, fn, sp)
		}
	}
	if all || used["include"] {
		depth := 0
		out["include"] = guard("include", func(partial string, data any) (string, error) {
			depth++
			defer func() { depth-- }()
			if depth > maxIncludeDepth {
				return "", fmt.Errorf("include %q nested more than %d deep", partial, maxIncludeDepth)
			}
			if sp.includes++; sp.includes > sp.Includes {
				return "", fmt.Errorf("include %q: more than %d includes in one render (a template that recurses without end?)", partial, sp.Includes)
			}
			if err := sp.timeLeft(); err != nil {
				return "", err
			}
			out := &limited{n: sp.Output}
			err := t.ExecuteTemplate(out, partial, data)
			return out.buf.String(), err
		}, sp)
	}
	out["required"] = required
	return out
}

func required(what string, v any) (any, error) {
	if v == nil || v == "" {
		return nil, fmt.Errorf("%s is required", what)
	}
	return v, nil
}

// identifiers adds the names of the functions a parse tree calls to used; false when it meets a
// node it does not know.
func identifiers(n parse.Node, used map[string]bool) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *parse.IdentifierNode:
		used[n.Ident] = true
		return true
	case *parse.ListNode:
		return n == nil || identifiersIn(n.Nodes, used)
	case *parse.ActionNode:
		return identifiers(n.Pipe, used)
	case *parse.PipeNode:
		return n == nil || identifiersIn(n.Cmds, used)
	case *parse.CommandNode:
		return identifiersIn(n.Args, used)
	case *parse.ChainNode:
		return identifiers(n.Node, used)
	case *parse.IfNode:
		return identifiers(n.Pipe, used) && identifiers(n.List, used) && identifiers(n.ElseList, used)
	case *parse.RangeNode:
		return identifiers(n.Pipe, used) && identifiers(n.List, used) && identifiers(n.ElseList, used)
	case *parse.WithNode:
		return identifiers(n.Pipe, used) && identifiers(n.List, used) && identifiers(n.ElseList, used)
	case *parse.TemplateNode:
		return identifiers(n.Pipe, used)
	case *parse.TextNode, *parse.CommentNode, *parse.BoolNode, *parse.DotNode, *parse.FieldNode, *parse.NilNode,
		*parse.NumberNode, *parse.StringNode, *parse.VariableNode, *parse.BreakNode, *parse.ContinueNode:
		return true
	}
	return false
}

// identifiersIn is identifiers for each of nodes.
func identifiersIn[N parse.Node](nodes []N, used map[string]bool) bool {
	ok := true
	for _, c := range nodes {
		ok = identifiers(c, used) && ok
	}
	return ok
}

// guard returns the engine's guarded version of a function, made once: its limits are the
// engine's budget (what a render's spend starts from).
func (e *Engine) guard(name string) any {
	e.mu.Lock()
	defer e.mu.Unlock()
	if g, ok := e.guards[name]; ok {
		return g
	}
	var fn any
	switch name {
	case "print":
		fn = fmt.Sprint
	case "printf":
		fn = fmt.Sprintf
	case "println":
		fn = fmt.Sprintln
	default:
		fn = e.funcs[name]
	}
	if e.guards == nil {
		e.guards = map[string]any{}
	}
	e.guards[name] = guard(name, fn, e)
	return e.guards[name]
}

// budgeted returns versions of the functions that make lists or strings of a size the template
// chooses that spend the render's budget.
func budgeted(funcs template.FuncMap, sp *spend) template.FuncMap {
	out := template.FuncMap{}
	until := funcs["until"].(func(int) []int)
	out["until"] = func(n int) ([]int, error) {
		if err := sp.elementsFor("until", n); err != nil {
			return nil, err
		}
		return until(n), nil
	}
	untilStep := funcs["untilStep"].(func(int, int, int) []int)
	out["untilStep"] = func(start, stop, step int) ([]int, error) {
		if step != 0 {
			if err := sp.elementsFor("untilStep", (stop-start)/step); err != nil {
				return nil, err
			}
		}
		return untilStep(start, stop, step), nil
	}
	seq := funcs["seq"].(func(...int) string)
	out["seq"] = func(params ...int) (string, error) {
		n := 0
		if len(params) > 0 {
			n = params[len(params)-1] - params[0]
			if n < 0 {
				n = -n
			}
		}
		if err := sp.elementsFor("seq", n); err != nil {
			return "", err
		}
		return seq(params...), nil
	}
	repeat := funcs["repeat"].(func(int, string) string)
	out["repeat"] = func(count int, s string) (string, error) {
		if err := sp.elementsFor("repeat", count*len(s)); err != nil {
			return "", err
		}
		return repeat(count, s), nil
	}
	for _, name := range []string{"indent", "nindent"} {
		f := funcs[name].(func(int, string) string)
		out[name] = func(spaces int, s string) (string, error) {
			if err := sp.elementsFor(name, spaces*(strings.Count(s, "\n")+1)); err != nil {
				return "", err
			}
			return f(spaces, s), nil
		}
	}
	return out
}

// limits are the bounds guard checks results against.
type limits interface{ bounds() (output, elements int) }

func (s *spend) bounds() (int, int) { return s.Output, s.Elements }

func (e *Engine) bounds() (int, int) {
	b := e.Budget.orDefaults()
	return b.Output, b.Elements
}

// guard wraps a function so that it never returns a string larger than a render's output
// budget, or a list longer than its element budget: a template that doubles a string forty times
// fails at the budget instead of exhausting memory. (text/template turns the panic into an error
// naming the function.)
func guard(name string, fn any, lim limits) any {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return fn
	}
	t := v.Type()
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		var out []reflect.Value
		if t.IsVariadic() {
			out = v.CallSlice(args)
		} else {
			out = v.Call(args)
		}
		output, elements := lim.bounds()
		for _, o := range out {
			switch o.Kind() {
			case reflect.String:
				if o.Len() > output {
					panic(fmt.Errorf("%s: the result is larger than %d MiB", name, output>>20))
				}
			case reflect.Slice:
				if o.Len() > elements {
					panic(fmt.Errorf("%s: the result has more than %d elements", name, elements))
				}
			}
		}
		return out
	}).Interface()
}
