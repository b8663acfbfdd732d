package patch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

var plugVersionRe = lazyre.New(`^(\d+)\.(\d+)`)

// PlugExcludesPaths reports whether Plug.SSL's :exclude takes paths: (Plug 1.19.0+).
func PlugExcludesPaths(version string) bool {
	m := plugVersionRe.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	var major, minor int
	fmt.Sscan(m[1], &major)
	fmt.Sscan(m[2], &minor)
	return major > 1 || major == 1 && minor >= 19
}

// ForceSSL makes sure platform health probes are not redirected by force_ssl in file
// (config/prod.exs). With Plug 1.19 or later the health paths are excluded; before that
// :exclude only takes hosts, and the probes pass by sending X-Forwarded-Proto (honoured with
// rewrite_on: [:x_forwarded_proto]) and Host: localhost (excluded by default).
func ForceSSL(src, file, healthPath, livePath, plugVersion string) (string, error) {
	paths := fmt.Sprintf("%q, %q", healthPath, livePath)
	if healthPath == livePath {
		paths = fmt.Sprintf("%q", healthPath)
	}
	exclude := "exclude: [paths: [" + paths + "], hosts: [\"localhost\", \"127.0.0.1\"]]"
	snippet := "exclude the health paths from force_ssl:\n    " + exclude
	s, err := newBuffer(src)
	if err != nil {
		return "", StepBack(file+" cannot be read as Elixir ("+err.Error()+")", "force_ssl: [exclude: [paths: ["+paths+"], hosts: [\"localhost\"]]]")
	}
	code := s.code()
	var list *elixir.Node
	for i, tok := range code {
		if tok.Kind == elixir.KeywordKey && tok.Text() == "force_ssl" && i+1 < len(code) && code[i+1].Is("[") {
			list = s.tree.NodeAt(i + 1)
			break
		}
	}
	if list == nil {
		return src, nil // no literal force_ssl here (or it is in the endpoint): probes send headers
	}
	keys := map[string]int{}
	for i := list.Open + 1; i < list.Close; i++ {
		if list.Direct(i) && code[i].Kind == elixir.KeywordKey {
			keys[code[i].Text()] = i
		}
	}
	if !PlugExcludesPaths(plugVersion) {
		// Headers pass when rewrite_on honours X-Forwarded-Proto, or localhost stays excluded.
		if _, ok := keys["rewrite_on"]; ok && strings.Contains(s.src[code[list.Open].Start():code[list.Close].End()], ":x_forwarded_proto") {
			return src, nil
		}
		ex, ok := keys["exclude"]
		if !ok || strings.Contains(s.src[code[ex].Start():code[list.Close].End()], `"localhost"`) {
			return src, nil
		}
		return "", StepBack(file+": force_ssl would redirect health probes: Plug "+orUnknown(plugVersion)+" cannot exclude paths, and neither rewrite_on: [:x_forwarded_proto] nor a localhost exclusion lets the probes' headers through",
			"add to force_ssl:\n    rewrite_on: [:x_forwarded_proto]")
	}
	ex, ok := keys["exclude"]
	if !ok {
		if err := s.insertElement(list, exclude, len(s.tree.ListElements(list))); err != nil {
			return "", StepBack(file+": force_ssl is not written one option per line", "add to force_ssl:\n    "+exclude)
		}
		return s.done(file, snippet)
	}
	value := s.tree.NodeAt(ex + 1)
	if value == nil || value.Kind != "[" {
		return "", StepBack(file+": force_ssl's :exclude is not a literal list", "exclude paths: ["+paths+"]")
	}
	inner := map[string]int{}
	for i := value.Open + 1; i < value.Close; i++ {
		if value.Direct(i) && code[i].Kind == elixir.KeywordKey {
			inner[code[i].Text()] = i
		}
	}
	if len(inner) == 0 {
		// The old form, a list of hosts: keep them as hosts: and add the paths.
		hosts := s.src[code[value.Open].Start():code[value.Close].End()]
		s.replace(code[value.Open].Start(), code[value.Close].End(), "[paths: ["+paths+"], hosts: "+hosts+"]")
		if len(s.lineText(code[value.Open].Start()))+len("[paths: ["+paths+"], hosts: ]") > elixir.LineLength {
			return "", StepBack(file+": force_ssl's :exclude is too long to rewrite on one line", "exclude: [paths: ["+paths+"], hosts: "+hosts+"]")
		}
		return s.done(file, snippet)
	}
	if p, ok := inner["paths"]; ok {
		pl := s.tree.NodeAt(p + 1)
		if pl == nil || pl.Kind != "[" {
			return "", StepBack(file+": force_ssl's exclude paths are not a literal list", "paths: ["+paths+"]")
		}
		have := s.src[code[pl.Open].Start():code[pl.Close].End()]
		var add []string
		for _, want := range []string{healthPath, livePath} {
			if q := fmt.Sprintf("%q", want); !strings.Contains(have, q) && !slices.Contains(add, q) {
				add = append(add, q)
			}
		}
		if len(add) == 0 {
			return src, nil
		}
		multiline := code[pl.Open].Line() != code[pl.Close].Line()
		if multiline && len(add) > 1 || s.insertElement(pl, strings.Join(add, ", "), len(s.tree.ListElements(pl))) != nil {
			return "", StepBack(file+": force_ssl's exclude paths cannot be extended safely", "paths: ["+paths+"]")
		}
		return s.done(file, snippet)
	}
	if err := s.insertElement(value, "paths: ["+paths+"]", len(s.tree.ListElements(value))); err != nil {
		return "", StepBack(file+": force_ssl's :exclude cannot be extended on its line", "paths: ["+paths+"]")
	}
	return s.done(file, snippet)
}

func orUnknown(v string) string {
	if v == "" {
		return "(version unknown)"
	}
	return v
}
