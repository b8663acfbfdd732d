package generator

import (
	"fmt"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// defBody finds `def name` or `defp name` (with or without parentheses, with or without
// arguments) and returns the index of the first token of its body and the node of a do/end body
// (nil for the `, do:` form).
func defBody(t *elixir.Tree, name string) (first int, block *elixir.Node, ok bool) {
	code := t.Code
	for i := 0; i+1 < len(code); i++ {
		if !(code[i].Is("def") || code[i].Is("defp")) || !code[i+1].Is(name) {
			continue
		}
		j := i + 2
		if j < len(code) && code[j].Is("(") {
			// skip the argument list
			var parent *elixir.Node
			t.Root.Walk(func(n *elixir.Node) {
				if n.Open == j {
					parent = n
				}
			})
			if parent == nil {
				return 0, nil, false
			}
			j = parent.Close + 1
		}
		if j < len(code) && code[j].Is(",") && j+1 < len(code) && code[j+1].Kind == elixir.KeywordKey && code[j+1].Text == "do" {
			return j + 2, nil, true
		}
		if j < len(code) && code[j].Is("do") {
			var blk *elixir.Node
			t.Root.Walk(func(n *elixir.Node) {
				if n.Open == j {
					blk = n
				}
			})
			return j + 1, blk, blk != nil
		}
	}
	return 0, nil, false
}

// nodeAt returns the node opened by token i.
func nodeAt(t *elixir.Tree, i int) *elixir.Node {
	var found *elixir.Node
	t.Root.Walk(func(n *elixir.Node) {
		if n.Open == i {
			found = n
		}
	})
	return found
}

// patchDeps adds dep (a tuple such as {:dns_cluster, "~> 0.2.0"}) to the literal list that
// deps/0 returns, also when the list is joined with `++ other()`.
func patchDeps(src, file, dep, name string) (string, error) {
	snippet := fmt.Sprintf("add to the list in deps/0:\n      %s", dep)
	s, err := newSource(src)
	if err != nil {
		return "", stepBack(file+" cannot be read as Elixir ("+err.Error()+")", dep+"\n")
	}
	for _, tok := range s.code() {
		if tok.Kind == elixir.Atom && elixir.AtomName(tok) == name {
			return src, nil // already a dependency (maybe behind a condition): leave it
		}
	}
	first, _, ok := defBody(s.tree, "deps")
	if !ok || !s.code()[first].Is("[") {
		return "", stepBack(file+" has no deps/0 returning a literal list", snippet)
	}
	list := nodeAt(s.tree, first)
	if err := s.insertElement(list, dep, len(listElements(s.code(), list))); err != nil {
		return "", stepBack(file+": the deps list is not written one dependency per line", snippet)
	}
	return s.done(snippet)
}

// patchChildren adds the DNSCluster child before Phoenix.PubSub in every children list of the
// application module that starts PubSub (lists built in case branches or helpers included).
func patchChildren(src, file string, d *Data) (string, error) {
	child := fmt.Sprintf("{DNSCluster, query: Application.get_env(:%s, :dns_cluster_query) || :ignore}", d.App)
	snippet := "add before Phoenix.PubSub in the children list:\n      " + child + ","
	s, err := newSource(src)
	if err != nil {
		return "", stepBack(file+" cannot be read as Elixir ("+err.Error()+")", snippet)
	}
	code := s.code()
	for _, tok := range code {
		if tok.Kind == elixir.Alias && (tok.Text == "DNSCluster" || tok.Text == "Cluster.Supervisor") {
			return src, nil // already clustering: leave it as it is
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
		for idx, el := range listElements(code, list) {
			if !mentionsPubSub(code[el[0] : el[1]+1]) {
				continue
			}
			if err := s.insertElement(list, child, idx); err != nil {
				return "", stepBack(file+": the children list is not written one child per line", snippet)
			}
			patched++
			break
		}
	}
	if patched == 0 {
		return "", stepBack(file+": no children list that starts Phoenix.PubSub was found", snippet)
	}
	return s.done(snippet)
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
	name := strings.TrimSuffix(head[0].Text, ".child_spec")
	return name == "Phoenix.PubSub" || strings.HasSuffix(name, ".PubSub")
}

// patchProjectKeyword adds `key: value` to the keyword list project/0 returns (an umbrella's
// release definition, for instance), unless the key is there already.
func patchProjectKeyword(src, file, key, value string) (string, error) {
	snippet := fmt.Sprintf("add to the list in project/0:\n      %s: %s", key, value)
	s, err := newSource(src)
	if err != nil {
		return "", stepBack(file+" cannot be read as Elixir ("+err.Error()+")", snippet)
	}
	first, _, ok := defBody(s.tree, "project")
	if !ok || !s.code()[first].Is("[") {
		return "", stepBack(file+" has no project/0 returning a literal keyword list", snippet)
	}
	list := nodeAt(s.tree, first)
	for i := list.Open + 1; i < list.Close; i++ {
		if list.Direct(i) && s.code()[i].Kind == elixir.KeywordKey && s.code()[i].Text == key {
			return src, nil
		}
	}
	if err := s.insertElement(list, key+": "+value, len(listElements(s.code(), list))); err != nil {
		return "", stepBack(file+": project/0 is not written one option per line", snippet)
	}
	return s.done(snippet)
}
