package project

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// the project already answers.
func (p *Project) detectFiles(abs string) {
	rel := func(full string) string {
		r, _ := filepath.Rel(abs, full)
		return filepath.ToSlash(r)
	}
	// The application module is the one mix.exs names in mod: {Module, args}.
	appDir := filepath.Join(abs, filepath.FromSlash(p.AppDir()))
	mod := p.Base + ".Application"
	if m, err := readMix(filepath.Join(appDir, "mix.exs")); err == nil {
		if v, ok := m.keywordValue("mod"); ok && v.Is("{") {
			for i, t := range m.code {
				if t.Kind == elixir.KeywordKey && t.Text == "mod" && i+2 < len(m.code) && m.code[i+2].Kind == elixir.Alias {
					mod = m.code[i+2].Text
					break
				}
			}
		}
	}
	if f := findModuleFile(filepath.Join(appDir, "lib"), mod); f != "" {
		p.ApplicationFile = rel(f)
	}
	webLib := filepath.Join(abs, filepath.FromSlash(p.WebLib()))
	if f := findModuleFile(webLib, p.WebModule+".Router"); f != "" {
		p.RouterFile = rel(f)
	}
	if f := findModuleFile(webLib, p.WebModule+".Endpoint"); f != "" {
		p.EndpointFile = rel(f)
	}
	for _, f := range []string{p.RouterFile, p.EndpointFile} {
		if f == "" {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(abs, filepath.FromSlash(f))); err == nil {
			if hp := existingHealthPath(string(b)); hp != "" {
				p.ExistingHealthPath = hp
				return
			}
		}
	}
}

// findModuleFile returns the .ex file under dir that defines module (the conventional path
// first), or "".
func findModuleFile(dir, module string) string {
	conventional := filepath.Join(dir, filepath.FromSlash(underscore(module))+".ex")
	parts := strings.Split(underscore(module), "/")
	short := filepath.Join(dir, filepath.Join(parts[1:]...)+".ex") // lib/my_app_web + router.ex
	for _, c := range []string{short, conventional} {
		if definesModule(c, module) {
			return c
		}
	}
	found := ""
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found != "" || d.IsDir() || !strings.HasSuffix(path, ".ex") {
			return nil
		}
		if definesModule(path, module) {
			found = path
		}
		return nil
	})
	return found
}

func definesModule(path, module string) bool {
	code, ok := fileCode(path)
	if !ok {
		return false
	}
	for i := 0; i+1 < len(code); i++ {
		if code[i].Is("defmodule") && code[i+1].Kind == elixir.Alias && code[i+1].Text == module {
			return true
		}
	}
	return false
}

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
		if p := elixir.Unquote(tok); slices.Contains(healthPaths, p) {
			return p
		}
	}
	return ""
}
