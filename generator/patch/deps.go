package patch

import (
	"fmt"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Deps adds dep (a tuple such as {:dns_cluster, "~> 0.2.0"}) to the literal list that deps/0
// returns in file, also when the list is joined with `++ other()`. A file that mentions the
// dependency's atom anywhere in code (maybe behind a condition) is left alone.
func Deps(src, file, dep, name string) (string, error) {
	snippet := fmt.Sprintf("add to the list in deps/0:\n      %s", dep)
	s, err := newBuffer(src)
	if err != nil {
		return "", StepBack(file+" cannot be read as Elixir ("+err.Error()+")", dep+"\n")
	}
	for _, tok := range s.code() {
		if tok.Kind == elixir.Atom && elixir.AtomName(tok) == name {
			return src, nil
		}
	}
	first, _, ok := s.tree.DefBody("deps")
	if !ok || !s.code()[first].Is("[") {
		return "", StepBack(file+" has no deps/0 returning a literal list", snippet)
	}
	list := s.tree.NodeAt(first)
	if err := s.insertElement(list, dep, len(s.tree.ListElements(list))); err != nil {
		return "", StepBack(file+": the deps list is not written one dependency per line", snippet)
	}
	return s.done(file, snippet)
}

// ProjectKeyword adds `key: value` to the keyword list project/0 returns in file (an umbrella's
// release definition, for instance), unless the key is there already.
func ProjectKeyword(src, file, key, value string) (string, error) {
	snippet := fmt.Sprintf("add to the list in project/0:\n      %s: %s", key, value)
	s, err := newBuffer(src)
	if err != nil {
		return "", StepBack(file+" cannot be read as Elixir ("+err.Error()+")", snippet)
	}
	first, _, ok := s.tree.DefBody("project")
	if !ok || !s.code()[first].Is("[") {
		return "", StepBack(file+" has no project/0 returning a literal keyword list", snippet)
	}
	list := s.tree.NodeAt(first)
	for i := list.Open + 1; i < list.Close; i++ {
		if list.Direct(i) && s.code()[i].Kind == elixir.KeywordKey && s.code()[i].Text() == key {
			return src, nil
		}
	}
	if err := s.insertElement(list, key+": "+value, len(s.tree.ListElements(list))); err != nil {
		return "", StepBack(file+": project/0 is not written one option per line", snippet)
	}
	return s.done(file, snippet)
}
