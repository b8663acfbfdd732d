package patch

import (
	"fmt"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// RouterSnippet is what phxdeploy adds to the router: its health check (a Plug) forwarded at
// path, readiness at path and liveness below it.
func RouterSnippet(path, module string) string {
	return fmt.Sprintf("# Health checks for load balancers (phxdeploy): no pipeline, before any catch-all route.\nforward %q, %s", path, module)
}

// Router forwards path to the health module before the first scope of the router in file, where
// no pipeline applies and no catch-all route can shadow it.
func Router(src, file, path, module string) (string, error) {
	scope := RouterSnippet(path, module)
	snippet := "add before the first scope:\n" + elixir.IndentBlock(scope, "  ")
	s, err := newBuffer(src)
	if err != nil {
		return "", StepBack(file+" cannot be read as Elixir ("+err.Error()+")", snippet)
	}
	code := s.code()
	for i, tok := range code {
		if tok.Kind == elixir.Alias && tok.Text() == module {
			return src, nil // mounted already
		}
		if tok.Kind == elixir.Alias && strings.HasSuffix(tok.Text(), "HealthController") && i+2 < len(code) &&
			code[i+2].Kind == elixir.Atom && elixir.AtomName(code[i+2]) == "readiness" {
			return src, nil // an earlier phxdeploy's health routes
		}
	}
	// the router module: defmodule ... do ... end at the top level
	var mod *elixir.Node
	for _, n := range s.tree.Root.Children {
		if n.Kind == "do" && n.Open >= 2 && code[n.Open-2].Is("defmodule") {
			mod = n
			break
		}
	}
	if mod == nil {
		return "", StepBack(file+": no router module found", snippet)
	}
	kids := mod.Cursor(mod.Open + 1)
	for i := mod.Open + 1; i < mod.Close; i++ {
		if c := kids.At(i); c != nil {
			i = c.Close
			continue
		}
		if code[i].Is("scope") && elixir.StatementStart(code, i) {
			at := s.startOfComments(code[i].Start())
			indent := s.indentOf(code[i].Start())
			s.insert(at, elixir.IndentBlock(scope, indent)+"\n\n")
			return s.done(file, snippet)
		}
	}
	// No scope at all: add it before the module's end.
	endTok := code[mod.Close]
	if endTok.Line() == code[mod.Open].Line() {
		return "", StepBack(file+": the router module is written on one line", snippet)
	}
	indent := s.indentOf(code[mod.Open].Start()) + "  "
	s.insert(s.lineStart(endTok.Start()), "\n"+elixir.IndentBlock(scope, indent)+"\n")
	return s.done(file, snippet)
}
