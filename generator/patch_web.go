package generator

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// healthPaths are the paths an existing health check commonly answers on.
var healthPaths = []string{"/health", "/healthz", "/health_check", "/healthcheck", "/_health", "/ping", "/up", "/status"}

// existingHealthPath returns the path of a health check a file already defines (a route or a
// plug matching one of the usual paths), or "".
func existingHealthPath(src string) string {
	t, err := elixir.Parse(src)
	if err != nil {
		return ""
	}
	code := t.Code
	for i := 0; i+2 < len(code); i++ {
		if code[i].Kind == elixir.Alias && strings.HasSuffix(code[i].Text, "HealthController") && code[i+1].Is(",") &&
			code[i+2].Kind == elixir.Atom && elixir.AtomName(code[i+2]) == "readiness" {
			return "" // phxdeploy's own routes
		}
	}
	for _, tok := range code {
		if tok.Kind != elixir.String {
			continue
		}
		if p := elixir.Unquote(tok); contains(healthPaths, p) {
			return p
		}
	}
	return ""
}

// routerSnippet is the scope phxdeploy adds to the router.
func routerSnippet(d *Data) string {
	return fmt.Sprintf("scope %q, %s do\n  get \"/\", HealthController, :readiness\n  get \"/live\", HealthController, :liveness\nend", d.HealthPath, d.WebModule)
}

// patchRouter adds the health scope before the first scope of the router, where no pipeline
// applies and no catch-all route can shadow it.
func patchRouter(src, file string, d *Data) (string, error) {
	snippet := "add before the first scope:\n" + indentBlock(routerSnippet(d), "  ")
	s, err := newSource(src)
	if err != nil {
		return "", stepBack(file+" cannot be read as Elixir ("+err.Error()+")", snippet)
	}
	code := s.code()
	for _, tok := range code {
		if tok.Kind == elixir.Alias && strings.HasSuffix(tok.Text, "HealthController") {
			return src, nil
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
		return "", stepBack(file+": no router module found", snippet)
	}
	for i := mod.Open + 1; i < mod.Close; i++ {
		if c := mod.ChildAt(i); c != nil {
			i = c.Close
			continue
		}
		if code[i].Is("scope") && statementStart(code, i) {
			at := s.startOfComments(code[i].Start)
			indent := s.indentOf(code[i].Start)
			s.insert(at, indentBlock(routerSnippet(d), indent)+"\n\n")
			return s.done(snippet)
		}
	}
	// No scope at all: add it before the module's end.
	endTok := code[mod.Close]
	if endTok.Line == code[mod.Open].Line {
		return "", stepBack(file+": the router module is written on one line", snippet)
	}
	indent := s.indentOf(code[mod.Open].Start) + "  "
	s.insert(s.lineStart(endTok.Start), "\n"+indentBlock(routerSnippet(d), indent)+"\n")
	return s.done(snippet)
}

var plugVersionRe = regexp.MustCompile(`^(\d+)\.(\d+)`)

// plugSupportsPathExclusion reports whether Plug.SSL's :exclude takes paths: (Plug 1.19.0+).
func plugSupportsPathExclusion(version string) bool {
	m := plugVersionRe.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	var major, minor int
	fmt.Sscan(m[1], &major)
	fmt.Sscan(m[2], &minor)
	return major > 1 || major == 1 && minor >= 19
}

// patchForceSSL makes sure platform health probes are not redirected by force_ssl in
// config/prod.exs. With Plug 1.19 or later the health paths are excluded; before that
// :exclude only takes hosts, and the probes pass by sending X-Forwarded-Proto (honoured with
// rewrite_on: [:x_forwarded_proto]) and Host: localhost (excluded by default).
func patchForceSSL(src, file string, d *Data, plugVersion string) (string, error) {
	paths := fmt.Sprintf("%q, %q", d.HealthPath, d.LivePath)
	if d.HealthPath == d.LivePath {
		paths = fmt.Sprintf("%q", d.HealthPath)
	}
	snippet := "exclude the health paths from force_ssl:\n    exclude: [paths: [" + paths + "], hosts: [\"localhost\", \"127.0.0.1\"]]"
	s, err := newSource(src)
	if err != nil {
		return "", stepBack(file+" cannot be read as Elixir ("+err.Error()+")", "force_ssl: [exclude: [paths: ["+paths+"], hosts: [\"localhost\"]]]")
	}
	code := s.code()
	var list *elixir.Node
	for i, tok := range code {
		if tok.Kind == elixir.KeywordKey && tok.Text == "force_ssl" && i+1 < len(code) && code[i+1].Is("[") {
			list = nodeAt(s.tree, i+1)
			break
		}
	}
	if list == nil {
		return src, nil // no literal force_ssl here (or it is in the endpoint): probes send headers
	}
	keys := map[string]int{}
	for i := list.Open + 1; i < list.Close; i++ {
		if list.Direct(i) && code[i].Kind == elixir.KeywordKey {
			keys[code[i].Text] = i
		}
	}
	if !plugSupportsPathExclusion(plugVersion) {
		// Headers pass when rewrite_on honours X-Forwarded-Proto, or localhost stays excluded.
		if _, ok := keys["rewrite_on"]; ok && strings.Contains(s.src[code[list.Open].Start:code[list.Close].End], ":x_forwarded_proto") {
			return src, nil
		}
		ex, ok := keys["exclude"]
		if !ok || strings.Contains(s.src[code[ex].Start:code[list.Close].End], `"localhost"`) {
			return src, nil
		}
		return "", stepBack(file+": force_ssl would redirect health probes: Plug "+orUnknown(plugVersion)+" cannot exclude paths, and neither rewrite_on: [:x_forwarded_proto] nor a localhost exclusion lets the probes' headers through",
			"add to force_ssl:\n    rewrite_on: [:x_forwarded_proto]")
	}
	ex, ok := keys["exclude"]
	if !ok {
		if err := s.insertElement(list, "exclude: [paths: ["+paths+"], hosts: [\"localhost\", \"127.0.0.1\"]]", len(listElements(code, list))); err != nil {
			return "", stepBack(file+": force_ssl is not written one option per line", "add to force_ssl:\n    exclude: [paths: ["+paths+"], hosts: [\"localhost\", \"127.0.0.1\"]]")
		}
		return s.done(snippet)
	}
	value := nodeAt(s.tree, ex+1)
	if value == nil || value.Kind != "[" {
		return "", stepBack(file+": force_ssl's :exclude is not a literal list", "exclude paths: ["+paths+"]")
	}
	inner := map[string]int{}
	for i := value.Open + 1; i < value.Close; i++ {
		if value.Direct(i) && code[i].Kind == elixir.KeywordKey {
			inner[code[i].Text] = i
		}
	}
	if len(inner) == 0 {
		// The old form, a list of hosts: keep them as hosts: and add the paths.
		hosts := s.src[code[value.Open].Start:code[value.Close].End]
		s.replace(code[value.Open].Start, code[value.Close].End, "[paths: ["+paths+"], hosts: "+hosts+"]")
		if len(s.lineText(code[value.Open].Start))+len("[paths: ["+paths+"], hosts: ]") > elixirLineLength {
			return "", stepBack(file+": force_ssl's :exclude is too long to rewrite on one line", "exclude: [paths: ["+paths+"], hosts: "+hosts+"]")
		}
		return s.done(snippet)
	}
	if p, ok := inner["paths"]; ok {
		pl := nodeAt(s.tree, p+1)
		if pl == nil || pl.Kind != "[" {
			return "", stepBack(file+": force_ssl's exclude paths are not a literal list", "paths: ["+paths+"]")
		}
		have := s.src[code[pl.Open].Start:code[pl.Close].End]
		var add []string
		for _, want := range []string{d.HealthPath, d.LivePath} {
			if q := fmt.Sprintf("%q", want); !strings.Contains(have, q) && !contains(add, q) {
				add = append(add, q)
			}
		}
		if len(add) == 0 {
			return src, nil
		}
		multiline := code[pl.Open].Line != code[pl.Close].Line
		if multiline && len(add) > 1 || s.insertElement(pl, strings.Join(add, ", "), len(listElements(code, pl))) != nil {
			return "", stepBack(file+": force_ssl's exclude paths cannot be extended safely", "paths: ["+paths+"]")
		}
		return s.done(snippet)
	}
	if err := s.insertElement(value, "paths: ["+paths+"]", len(listElements(code, value))); err != nil {
		return "", stepBack(file+": force_ssl's :exclude cannot be extended on its line", "paths: ["+paths+"]")
	}
	return s.done(snippet)
}

func orUnknown(v string) string {
	if v == "" {
		return "(version unknown)"
	}
	return v
}

const (
	envBlockBegin = "# >>> phxdeploy"
	envBlockEnd   = "# <<< phxdeploy"
)

var releaseNodeRe = regexp.MustCompile(`(?m)^\s*(export\s+)?RELEASE_NODE=`)

// patchEnvSh brings phxdeploy's block into an existing rel/env.sh.eex: replaced in place when
// the file has it, appended otherwise, unless the user's own lines already set RELEASE_NODE.
// rendered is the file phxdeploy would write; its block is taken from there.
func patchEnvSh(existing, rendered string) (string, error) {
	block, ok := markedBlock(rendered)
	if !ok {
		return "", fmt.Errorf("rel/env.sh.eex template: the %q ... %q block is missing", envBlockBegin, envBlockEnd)
	}
	eol := "\n"
	if n := strings.Count(existing, "\n"); n > 0 && strings.Count(existing, "\r\n") == n {
		eol = "\r\n"
		block = strings.ReplaceAll(block, "\n", eol)
	}
	if from, to, ok := markedSpan(existing); ok {
		return existing[:from] + block + existing[to:], nil
	}
	if releaseNodeRe.MatchString(existing) {
		return existing, nil // the project names its nodes itself
	}
	out := existing
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += eol
	}
	return out + eol + block, nil
}

// markedSpan finds phxdeploy's block in text: from the start of its first line to the end of
// its last (line break included).
func markedSpan(text string) (from, to int, ok bool) {
	from = strings.Index(text, envBlockBegin)
	if from < 0 || (from > 0 && text[from-1] != '\n') {
		return 0, 0, false
	}
	rest := strings.Index(text[from:], envBlockEnd)
	if rest < 0 {
		return 0, 0, false
	}
	to = from + rest
	if nl := strings.IndexByte(text[to:], '\n'); nl >= 0 {
		to += nl + 1
	} else {
		to = len(text)
	}
	return from, to, true
}

func markedBlock(text string) (string, bool) {
	from, to, ok := markedSpan(text)
	if !ok {
		return "", false
	}
	return text[from:to], true
}

// patchIgnore appends entry to a .gitignore that does not already ignore it (an entry covering it
// with a wildcard, such as .env*, counts).
func patchIgnore(src, entry string) (string, error) {
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "!") {
			continue
		}
		if ok, _ := path.Match(strings.TrimPrefix(line, "/"), entry); ok {
			return src, nil
		}
	}
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
	}
	out := src
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += eol
	}
	return out + "# secrets for docker compose (phxdeploy)" + eol + "/" + entry + eol, nil
}
