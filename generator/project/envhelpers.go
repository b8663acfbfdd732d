package project

import (
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// funcDef is a function a file defines: `def name(params) do ... end` (in a module) or
// `name = fn params -> ... end`.
type funcDef struct {
	name     string
	module   string // the module of a def ("" for an anonymous function)
	params   []string
	defaults map[int]string // `p \\ "x"`: the default of parameter i, as written
	bodyFrom int
	bodyTo   int
	line     int
	// head is the def's first token: its parameters' defaults (`p \\ System.get_env("X")`),
	// between head and bodyFrom, run when the function is called, as its body does
	head int
}

// functionDefs lists the functions a file defines, with their parameters and body ranges.
func functionDefs(t *elixir.Tree) []funcDef {
	code := t.Code
	var out []funcDef
	modules := moduleRanges(t)
	for i := 0; i+1 < len(code); i++ {
		switch {
		case (code[i].Is("def") || code[i].Is("defp")) && code[i+1].Kind == elixir.Ident && elixir.StatementStart(code, i):
			d := funcDef{name: code[i+1].Text(), defaults: map[int]string{}, line: code[i].Line(), head: i}
			for _, m := range modules {
				if m.from < i && i < m.to {
					d.module = m.name // the innermost, as ranges nest in order
				}
			}
			j := i + 2
			if j < len(code) && code[j].Is("(") {
				args := t.NodeAt(j)
				if args == nil {
					continue
				}
				for k, e := range t.ListElements(args) {
					name := ""
					if code[e[0]].Kind == elixir.Ident {
						name = code[e[0]].Text()
					}
					d.params = append(d.params, name)
					for x := e[0]; x <= e[1]; x++ {
						if code[x].Is(`\\`) && x+1 <= e[1] {
							d.defaults[k] = strings.TrimSpace(t.Src[code[x+1].Start():code[e[1]].End()])
						}
					}
				}
				j = args.Close + 1
			}
			for j < len(code) && code[j].Is("when") { // a guard: up to the body
				for j < len(code) && !code[j].Is("do") && !(code[j].Kind == elixir.KeywordKey && code[j].Text() == "do") {
					j++
				}
			}
			switch {
			case j < len(code) && code[j].Is("do"):
				if body := t.NodeAt(j); body != nil {
					d.bodyFrom, d.bodyTo = j+1, body.Close
				}
			case j+1 < len(code) && code[j].Is(",") && code[j+1].Kind == elixir.KeywordKey && code[j+1].Text() == "do":
				d.bodyFrom, d.bodyTo = j+2, elixir.StatementEnd(code, t.Enclosing(i), i)
			case j < len(code) && code[j].Kind == elixir.KeywordKey && code[j].Text() == "do":
				// after a guard (`when is_binary(v), do: ...`), whose loop stops at do:
				d.bodyFrom, d.bodyTo = j+1, elixir.StatementEnd(code, t.Enclosing(i), i)
			default:
				// a head without a body (`def mode(value \\ default)` before its clauses): no
				// body, but its defaults are read when the function is called
				end := elixir.StatementEnd(code, t.Enclosing(i), i)
				d.bodyFrom, d.bodyTo = end, end
			}
			out = append(out, d)
		case code[i].Kind == elixir.Ident && code[i+1].Is("=") && i+2 < len(code) && code[i+2].Is("fn") && elixir.StatementStart(code, i):
			fnNode := t.NodeAt(i + 2)
			if fnNode == nil {
				continue
			}
			d := funcDef{name: code[i].Text(), defaults: map[int]string{}, line: code[i].Line(), bodyTo: fnNode.Close, head: i}
			// the first clause's parameters: up to its arrow
			k := i + 3
			for ; k < fnNode.Close && !(code[k].Is("->") && fnNode.Direct(k)); k++ {
			}
			d.bodyFrom = k + 1
			cur, guard := "", false
			for x := i + 3; x < k; x++ {
				switch {
				case code[x].Is("when"):
					guard = true
				case guard:
				case code[x].Is(",") && fnNode.Direct(x):
					d.params, cur = append(d.params, cur), ""
				case code[x].Kind == elixir.Ident && cur == "" && (x == i+3 || code[x-1].Is(",") || code[x-1].Is("(")):
					cur = code[x].Text()
				}
			}
			d.params = append(d.params, cur)
			out = append(out, d)
		}
	}
	return out
}

type moduleRange struct {
	name     string
	from, to int
}

// moduleRanges lists the modules a file defines, outer before inner, with their full names.
func moduleRanges(t *elixir.Tree) []moduleRange {
	code := t.Code
	var out []moduleRange
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("defmodule") || code[i+1].Kind != elixir.Alias || !code[i+2].Is("do") {
			continue
		}
		body := t.NodeAt(i + 2)
		if body == nil {
			continue
		}
		name := code[i+1].Text()
		for k := len(out) - 1; k >= 0; k-- {
			if out[k].from < i && i < out[k].to {
				name = out[k].name + "." + name
				break
			}
		}
		out = append(out, moduleRange{name: name, from: body.Open, to: body.Close})
	}
	return out
}

// callee finds the helper a call in a helper's body names: a function of the same module or an
// imported one (`name(`), an anonymous function (`name.(`), or a module's (`Mod.name(`).
type callee func(code []elixir.Token, i int) (h helper, open int, ok bool)

// asHelper works out whether a function reads the variable one of its parameters names,
// directly or through a helper it calls.
func asHelper(t *elixir.Tree, d funcDef, find callee) (helper, bool) {
	code := t.Code
	param := func(k int) int {
		if k < 0 || k >= len(code) || code[k].Kind != elixir.Ident {
			return -1
		}
		for i, p := range d.params {
			if p != "" && p == code[k].Text() {
				return i
			}
		}
		return -1
	}
	h := helper{nameArg: -1, defArg: -1, typeArg: -1}
	for i := d.bodyFrom; i < d.bodyTo && i < len(code); i++ {
		var args []int // the first token of each argument
		nameAt, defAt := 0, 1
		called := helper{}
		open := -1
		if fn, ok := systemRead(code, i); ok {
			open = i + 3
			n := t.NodeAt(open)
			if n == nil {
				continue
			}
			// fetch_env!(p), or get_env(p) || raise
			end := n.Close + 1
			called = helper{raises: fn == "fetch_env!" || end+1 < len(code) && code[end].Is("||") && (raises(code[end+1]) || halts(code, end+1))}
		} else if k, o, ok := find(code, i); ok {
			called, open, nameAt, defAt = k, o, k.nameArg, k.defArg
		} else {
			continue
		}
		n := t.NodeAt(open)
		if n == nil {
			continue
		}
		for _, e := range t.ListElements(n) {
			args = append(args, e[0])
		}
		if i >= 2 && code[i-1].Is("|>") { // p |> System.get_env(default)
			args = append([]int{i - 2}, args...)
		}
		if nameAt >= len(args) {
			continue
		}
		p := param(args[nameAt])
		if p < 0 {
			continue
		}
		h.nameArg = p
		h.reshapes = h.reshapes || called.reshapes || !returned(t, d, i, n.Close+1)
		if called.raises && !(defAt >= 0 && defAt < len(args)) {
			h.raises = true // it raises when the variable is missing, unless a default is passed
		}
		if defAt >= 0 && defAt < len(args) {
			if q := param(args[defAt]); q >= 0 {
				h.defArg = q
				h.defVal = d.defaults[q]
			}
		}
	}
	if h.nameArg >= 0 && h.defArg < 0 {
		// a parameter after the name with a default of its own (`default \\ nil`) is the default
		for q := h.nameArg + 1; q < len(d.params); q++ {
			if _, ok := d.defaults[q]; ok {
				h.defArg, h.defVal = q, d.defaults[q]
				break
			}
		}
	}
	return h, h.nameArg >= 0
}

// returned reports whether a function's body returns the value of the call in tokens [from,
// to) as it is: the call ends the body or a branch (`|| raise ...` after it changes nothing), or
// it is given to a local (`value = call`, `if value = call do`) that ends one.
func returned(t *elixir.Tree, d funcDef, from, to int) bool {
	code := t.Code
	last := func(k int) bool { // token k ends the body or a branch
		return k >= d.bodyTo || k < len(code) && (code[k].Is("end") || code[k].Is("else")) || k == to && k < len(code) && code[k].Is("||")
	}
	if last(to) {
		return true
	}
	if from >= 1 && code[from-1].Is("case") && to < len(code) && code[to].Is("do") {
		return caseReturnsIt(t, to)
	}
	if from < 2 || !code[from-1].Is("=") || code[from-2].Kind != elixir.Ident {
		return false
	}
	local := code[from-2].Text()
	for k := to; k < d.bodyTo && k < len(code); k++ {
		if code[k].Kind == elixir.Ident && code[k].Text() == local && !code[k-1].Is(".") && last(k+1) {
			return true
		}
	}
	return false
}

// caseReturnsIt reports whether a `case <value> do` block (do at token at) gives the value back
// as it is: a clause `value -> value` (nil -> default beside it), and no clause that takes a
// part of it ("dns:" <> query -> query).
func caseReturnsIt(t *elixir.Tree, at int) bool {
	code := t.Code
	n := t.NodeAt(at)
	if n == nil || n.Open != at {
		return false
	}
	found := false
	for k := at + 1; k < n.Close && k < len(code); k++ {
		if code[k].Is("<>") {
			return false
		}
		if k+2 < n.Close && code[k].Kind == elixir.Ident && code[k+1].Is("->") && code[k+2].Kind == elixir.Ident && code[k+2].Text() == code[k].Text() &&
			code[k-1].Line() < code[k].Line() && (k+3 == n.Close || code[k+3].Line() > code[k+2].Line()) {
			found = true
		}
	}
	return found
}

// maxHelperRounds bounds how long a chain of helpers calling helpers phxdeploy follows.
const maxHelperRounds = 8

// fileHelpers adds to h the helpers a file defines: its anonymous functions (name.(...)), the
// functions of the modules it defines (Module.name(...), and by bare name inside the module),
// and the functions of modules it imports that h knows (Dotenvy's env! among them).
func fileHelpers(t *elixir.Tree, h *helpers) { fileHelpersOf(t, h, functionDefs(t)) }

// fileHelpersOf is fileHelpers given the file's functionDefs.
func fileHelpersOf(t *elixir.Tree, h *helpers, defs []funcDef) {
	aliases := t.Aliases()
	importInto(t, h)
	byModule := map[string]map[string]helper{}
	for round := 0; round < maxHelperRounds; round++ {
		changed := false
		for _, d := range defs {
			find := func(code []elixir.Token, i int) (helper, int, bool) {
				switch {
				case code[i].Kind == elixir.Ident && i+2 < len(code) && code[i+1].Is(".") && code[i+2].Is("("):
					k, ok := h.anon[code[i].Text()]
					return k, i + 2, ok
				case code[i].Kind == elixir.Ident && i+1 < len(code) && code[i+1].Is("(") && (i == 0 || !code[i-1].Is(".")):
					if k, ok := byModule[d.module][code[i].Text()]; ok && d.module != "" {
						return k, i + 1, true
					}
					k, ok := h.imported[code[i].Text()]
					return k, i + 1, ok
				case code[i].Kind == elixir.Alias && i+3 < len(code) && code[i+1].Is(".") && code[i+2].Kind == elixir.Ident && code[i+3].Is("("):
					k, ok := h.remote[elixir.Expand(aliases, code[i].Text())+"."+code[i+2].Text()]
					return k, i + 3, ok
				}
				return helper{}, 0, false
			}
			hp, ok := asHelper(t, d, find)
			if !ok {
				continue
			}
			key := d.name
			if d.module == "" {
				hp.via = d.name + ".()"
				if old, seen := h.anon[key]; !seen || old != hp {
					h.anon[key], changed = hp, true
				}
				continue
			}
			hp.via = d.module + "." + d.name
			if byModule[d.module] == nil {
				byModule[d.module] = map[string]helper{}
			}
			if old, seen := byModule[d.module][key]; !seen || old != hp {
				byModule[d.module][key], changed = hp, true
			}
			h.remote[d.module+"."+d.name] = hp
		}
		if !changed {
			break
		}
	}
	importInto(t, h)
}

// importInto makes the functions of the modules a file imports callable by bare name.
func importInto(t *elixir.Tree, h *helpers) {
	code := t.Code
	for i := 0; i+1 < len(code); i++ {
		if !code[i].Is("import") || code[i+1].Kind != elixir.Alias || !elixir.StatementStart(code, i) {
			continue
		}
		if code[i+1].Text() == "Dotenvy" {
			for k, v := range dotenvy {
				h.imported[k] = v
			}
			continue
		}
		prefix := code[i+1].Text() + "."
		for k, v := range h.remote {
			if name, ok := strings.CutPrefix(k, prefix); ok && !strings.Contains(name, ".") {
				h.imported[name] = v
			}
		}
	}
}
