// Package refcheck checks a project after phxdeploy wrote into it, the way the engineer who must
// ship it would: every module a written or edited file refers to is one the project defines or a
// dependency provides, and every path a platform probes is a route the router (or the endpoint)
// really serves. The golden tests run it on every scenario; `phxdeploy debug refs` runs it on any
// project.
package refcheck

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// Written is a file phxdeploy wrote: its new content, and the old one for an edited file.
type Written struct {
	Path    string
	Old     []byte // nil for a new file
	Content []byte
}

// stdlib are the modules of Elixir and OTP's Elixir wrappers that a generated file may name.
var stdlib = []string{"Application", "Code", "Config", "Enum", "Exception", "File", "GenServer", "Integer", "IO",
	"Kernel", "Keyword", "List", "Logger", "Map", "Node", "Path", "Process", "String", "Supervisor", "System", "Task"}

// depNamespaces maps the dependencies whose modules do not follow their name (Phoenix brings Plug).
var depNamespaces = map[string][]string{
	"phoenix": {"Phoenix", "Plug"}, "plug": {"Plug"}, "plug_cowboy": {"Plug"}, "ecto": {"Ecto"}, "ecto_sql": {"Ecto"},
	"dns_cluster": {"DNSCluster"}, "libcluster": {"Cluster"}, "jason": {"Jason"}, "bandit": {"Bandit"},
	"postgrex": {"Postgrex"}, "myxql": {"MyXQL"}, "ecto_sqlite3": {"Ecto", "Exqlite"}, "tds": {"Tds"},
}

// Modules returns the modules that files written into the project name (new aliases in edited
// files, every alias in new ones) and that neither the project nor its dependencies define.
// deps are the project's dependency names (mix.exs and mix.lock).
func Modules(p *project.Project, files []Written) []string {
	deps := p.Deps
	allowed := func(mod string) bool {
		if p.ModuleNames[mod] {
			return true
		}
		top := strings.SplitN(mod, ".", 2)[0]
		if slices.Contains(stdlib, top) {
			return true
		}
		for _, d := range deps {
			if slices.Contains(depNamespaces[d], top) || top == camelize(d) {
				return true
			}
		}
		return false
	}
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".ex") && !strings.HasSuffix(f.Path, ".exs") && !strings.HasPrefix(f.Path, "rel/overlays/bin/") {
			continue
		}
		before := aliases(f.Path, f.Old)
		for _, a := range aliases(f.Path, f.Content) {
			if !slices.Contains(before, a) && !allowed(a) {
				out = append(out, fmt.Sprintf("%s names %s, which neither the project nor a dependency defines", f.Path, a))
			}
		}
	}
	return out
}

var evalRe = lazyre.New(`eval\s+'?([A-Z][A-Za-z0-9_.]*)\.[a-z_]+`)

// aliases lists the module names a file refers to (scripts: the module `eval` calls).
func aliases(file string, src []byte) []string {
	if src == nil {
		return nil
	}
	var out []string
	if strings.HasPrefix(file, "rel/overlays/bin/") {
		for _, m := range evalRe.FindAllStringSubmatch(string(src), -1) {
			out = append(out, m[1])
		}
		return out
	}
	toks, err := elixir.Scan(string(src))
	if err != nil {
		return []string{"(" + file + " does not scan: " + err.Error() + ")"}
	}
	code := elixir.Code(toks)
	for _, t := range code {
		if t.Kind != elixir.Alias {
			continue
		}
		// `Mod.fun` is scanned as the alias Mod: the alias is what must exist.
		if !slices.Contains(out, t.Text()) {
			out = append(out, t.Text())
		}
	}
	sort.Strings(out)
	return out
}

// Probes returns the probe paths that the project does not serve: each must be a route of the
// router (a forward covers the paths below it) or the endpoint's health check.
func Probes(p *project.Project, probes []string) []string {
	var out []string
	for _, probe := range probes {
		if !served(p, probe) {
			out = append(out, fmt.Sprintf("the platforms probe %s, which the router does not serve", probe))
		}
	}
	return out
}

func served(p *project.Project, probe string) bool {
	if probe == p.ExistingHealthPath {
		return true
	}
	for _, r := range p.Routes {
		if r.Conditional {
			continue
		}
		switch {
		case r.Verb == "forward" && (probe == r.Path || strings.HasPrefix(probe, strings.TrimSuffix(r.Path, "/")+"/")):
			return true
		case (r.Verb == "get" || r.Verb == "match") && r.Path == probe:
			return true
		}
	}
	return false
}

var (
	flyPathRe  = lazyre.New(`(?m)^\s*path\s*=\s*"([^"]+)"`)
	k8sPathRe  = lazyre.New(`(?m)^\s*path:\s*(/\S*)`)
	probeFiles = func(f string) bool {
		return f == "fly.toml" || strings.HasPrefix(f, "deploy/k8s/") && strings.HasSuffix(f, ".yaml")
	}
)

// ProbePaths reads the paths the platforms probe from fly.toml and the Kubernetes manifests.
func ProbePaths(files []Written) []string {
	var out []string
	for _, f := range files {
		if !probeFiles(f.Path) {
			continue
		}
		re := k8sPathRe
		if path.Base(f.Path) == "fly.toml" {
			re = flyPathRe
		}
		for _, m := range re.FindAllStringSubmatch(string(f.Content), -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	sort.Strings(out)
	return out
}

func camelize(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
