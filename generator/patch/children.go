package patch

import (
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Children adds child (an element such as {DNSCluster, query: ...}) before Phoenix.PubSub in
// every children list of the application module in file that starts PubSub (lists built in case
// branches or helpers included). A module that already clusters (DNSCluster or libcluster's
// Cluster.Supervisor) is left alone.
func Children(src, file, child string) (string, error) {
	snippet := "add before Phoenix.PubSub in the children list:\n      " + child + ","
	s, err := newBuffer(src)
	if err != nil {
		return "", StepBack(file+" cannot be read as Elixir ("+err.Error()+")", snippet)
	}
	code := s.code()
	for _, tok := range code {
		if tok.Kind == elixir.Alias && (tok.Text() == "DNSCluster" || tok.Text() == "Cluster.Supervisor") {
			return src, nil
		}
	}
	var lists []*elixir.Node
	s.tree.Root.Walk(func(n *elixir.Node) {
		if n.Kind == "[" {
			lists = append(lists, n)
		}
	})
	patched := 0
	for _, list := range lists {
		exact := false
		for _, el := range s.tree.ListElements(list) {
			exact = exact || isPhoenixPubSub(code[el[0]:el[1]+1])
		}
		// A list that names Phoenix.PubSub is a children list; one that names a PubSub of the
		// app's own only where children are built (start/2, a children function, `children =`).
		if !exact && !childrenPlace(s.tree, list) {
			continue
		}
		for idx, el := range s.tree.ListElements(list) {
			if !mentionsPubSub(code[el[0] : el[1]+1]) {
				continue
			}
			if err := s.insertElement(list, child, idx); err != nil {
				return "", StepBack(file+": the children list is not written one child per line", snippet)
			}
			patched++
			break
		}
	}
	if patched == 0 {
		return "", StepBack(file+": no children list that starts Phoenix.PubSub was found", snippet)
	}
	return s.done(file, snippet)
}

// isPhoenixPubSub reports whether a list element is Phoenix.PubSub itself.
func isPhoenixPubSub(toks []elixir.Token) bool {
	head := toks
	if len(head) > 1 && head[0].Is("{") {
		head = head[1:]
	}
	return len(head) > 0 && head[0].Kind == elixir.Alias && strings.TrimSuffix(head[0].Text(), ".child_spec") == "Phoenix.PubSub"
}

// childrenPlace reports whether a list stands where an application builds its children: in
// start/2, in a function whose name says children, or bound to a variable named children.
func childrenPlace(t *elixir.Tree, list *elixir.Node) bool {
	code := t.Code
	if list.Open >= 2 && code[list.Open-1].Is("=") && code[list.Open-2].Kind == elixir.Ident && strings.Contains(code[list.Open-2].Text(), "children") {
		return true
	}
	for i := 0; i+2 < len(code) && i < list.Open; i++ {
		if !(code[i].Is("def") || code[i].Is("defp")) || code[i+1].Kind != elixir.Ident {
			continue
		}
		name := code[i+1].Text()
		if name != "start" && !strings.Contains(name, "children") {
			continue
		}
		// the function's extent: up to the next def at its level, or the end of its do block
		end := len(code)
		for k := i + 2; k < len(code); k++ {
			if (code[k].Is("def") || code[k].Is("defp")) && elixir.StatementStart(code, k) {
				end = k
				break
			}
		}
		if list.Open > i && list.Open < end {
			return true
		}
	}
	return false
}

// mentionsPubSub reports whether a list element is a PubSub child: Phoenix.PubSub or a module
// named *.PubSub at its head, alone, in a {Module, opts} tuple, or as Module.child_spec(...).
func mentionsPubSub(toks []elixir.Token) bool {
	head := toks
	if len(head) > 1 && head[0].Is("{") {
		head = head[1:]
	}
	if len(head) == 0 || head[0].Kind != elixir.Alias {
		return false
	}
	name := strings.TrimSuffix(head[0].Text(), ".child_spec")
	return name == "Phoenix.PubSub" || strings.HasSuffix(name, ".PubSub")
}
