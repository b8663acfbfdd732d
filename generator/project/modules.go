package project

import (
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// readFiles finds the application module, the router and the endpoint, and a health check the
// project already answers.
func (p *Project) readFiles(f *files) error {
	// The application module is the one mix.exs names in mod: {Module, args}.
	mod := p.Base + ".Application"
	m, err := f.mix(join(p.AppDir(), "mix.exs"))
	if err != nil {
		return err
	}
	if m != nil {
		if v, ok := m.keywordValue("mod"); ok && v.Is("{") {
			for i, t := range m.code {
				if t.Kind == elixir.KeywordKey && t.Text == "mod" && i+2 < len(m.code) && m.code[i+2].Kind == elixir.Alias {
					mod = m.code[i+2].Text
					break
				}
			}
		}
	}
	if p.ApplicationFile, err = findModuleFile(f, join(p.AppDir(), "lib"), mod); err != nil {
		return err
	}
	if p.RouterFile, err = findModuleFile(f, p.WebLib(), p.WebModule+".Router"); err != nil {
		return err
	}
	if p.EndpointFile, err = findModuleFile(f, p.WebLib(), p.WebModule+".Endpoint"); err != nil {
		return err
	}
	for _, file := range []string{p.RouterFile, p.EndpointFile} {
		if file == "" {
			continue
		}
		b, _, err := f.read(file)
		if err != nil {
			return err
		}
		if hp := existingHealthPath(string(b)); hp != "" {
			p.ExistingHealthPath = hp
			return nil
		}
	}
	return nil
}

// findModuleFile returns the .ex file under dir that defines module (the conventional paths
// first), or "".
func findModuleFile(f *files, dir, module string) (string, error) {
	conventional := join(dir, underscore(module)+".ex")
	parts := strings.Split(underscore(module), "/")
	short := join(dir, join(parts[1:]...)+".ex") // lib/my_app_web + router.ex
	for _, c := range []string{short, conventional} {
		if ok, err := definesModule(f, c, module); ok || err != nil {
			return c, err
		}
	}
	found := ""
	err := f.walk(dir, func(rel string) (bool, error) {
		ok, err := definesModule(f, rel, module)
		if ok {
			found = rel
		}
		return ok, err
	})
	return found, err
}

func definesModule(f *files, rel, module string) (bool, error) {
	code, err := f.code(rel)
	if err != nil || code == nil {
		return false, err
	}
	for i := 0; i+1 < len(code); i++ {
		if code[i].Is("defmodule") && code[i+1].Kind == elixir.Alias && code[i+1].Text == module {
			return true, nil
		}
	}
	return false, nil
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
