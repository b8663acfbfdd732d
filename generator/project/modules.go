package project

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Options are what a person tells Read when the code alone cannot decide.
type Options struct {
	Release  string // the release to deploy, when mix.exs defines several
	Endpoint string // the public endpoint, when the project has several
	// HealthRoutes reads the router only as far as finding a health route needs (init's text
	// report; its JSON report lists every route): a router whose strings have no segment a
	// health path ends with (mayHaveHealthPath) is not walked, and Routes stays empty; in one
	// that is, Routes holds only the routes that may be health routes (mayBeHealthRoute).
	HealthRoutes bool
	// SavedRelease and SavedEndpoint name the file Release and Endpoint come from when no flag
	// gave them (the project's saved answers), for the errors that name them.
	SavedRelease, SavedEndpoint string
}

// readModules reads every module of the project and finds, from the code, the modules
// phxdeploy refers to: the application module mix.exs names, the endpoint (`use
// Phoenix.Endpoint`), the router it plugs, the web module the router uses, the repos (`use
// Ecto.Repo`) and which of them the application starts, an existing release module, and a health
// route the router already serves (with its scope prefix, through pipelines a probe passes).
func (p *Project) readModules(f *files, opts Options, configRepos []string) error {
	var libs []string
	if p.Umbrella {
		for _, a := range p.Apps {
			libs = append(libs, join(a.Dir, "lib"))
		}
	} else {
		libs = []string{"lib"}
	}
	ix, err := readIndex(f, libs)
	if err != nil {
		return err
	}
	p.ix = ix
	for _, s := range ix.skipped {
		p.Warnings = append(p.Warnings, "skipped "+s+": phxdeploy's scanner cannot read it")
	}
	p.Sources = map[string]string{}

	// The application module is the one mix.exs names in mod: {Module, args}.
	if mod := p.applicationModule(f); mod != "" {
		if m := ix.modules[mod]; m != nil {
			p.Application, p.ApplicationFile, p.Sources["application"] = m.Name, m.File, m.Source()
			if ns := namespace(m.Name); ns != m.Name {
				p.Base = ns
			}
		}
	}

	endpoint, err := chooseEndpoint(f, ix, opts.Endpoint, opts.SavedEndpoint)
	if err != nil {
		return err
	}
	p.Endpoint, p.EndpointFile, p.Sources["endpoint"] = endpoint.Name, endpoint.File, endpoint.Source()
	if u, _ := endpoint.uses_("Phoenix.Endpoint"); u.opts["otp_app"] != "" {
		if err := checkAtom(endpoint.Source()+": otp_app", u.opts["otp_app"]); err != nil {
			return err
		}
		p.WebApp = u.opts["otp_app"]
	}
	for _, e := range ix.endpoints() {
		if e != endpoint {
			p.Warnings = append(p.Warnings, fmt.Sprintf("the project has another endpoint, %s (%s): phxdeploy's files route only to %s; expose the other's port yourself", e.Name, e.Source(), endpoint.Name))
		}
	}
	for _, plug := range endpoint.plugs {
		if m := ix.modules[plug]; m != nil && !ix.isRouter(m) && !m.defs["__using__"] {
			// A plug of the project's own before the router (a tenant, host or auth check) may
			// refuse the platforms' probes, which carry no cookie and a pod's address as host.
			p.endpointPlugs = append(p.endpointPlugs, m.Name)
		}
		if m := ix.modules[plug]; m != nil && ix.isRouter(m) {
			p.Router, p.RouterFile, p.Sources["router"] = m.Name, m.File, m.Source()
			p.WebModule = ix.webModule(m)
			if p.WebModule == "" {
				p.WebModule = namespace(m.Name)
			}
			break
		}
	}
	if p.Router == "" {
		p.Warnings = append(p.Warnings, p.Endpoint+" plugs no router phxdeploy can read: the health routes are left to you")
	}

	// Repos: :ecto_repos when configured, else every module that uses Ecto.Repo; the health check
	// only asks the ones the application starts.
	found := ix.repos()
	p.Repos = configRepos
	if len(p.Repos) == 0 {
		p.Repos = names(found)
	}
	if len(p.Repos) == 0 && p.EctoSQL {
		p.Warnings = append(p.Warnings, "mix.exs depends on ecto_sql, but no module under lib uses Ecto.Repo: phxdeploy configures no repo (set the database settings in runtime.exs yourself)")
	}
	for _, r := range p.Repos {
		if ix.modules[r] == nil {
			p.Warnings = append(p.Warnings, "config names the repo "+r+", which no file under lib defines")
		}
	}
	if app := ix.modules[p.Application]; app != nil {
		if app.mentions("Cluster.Supervisor") {
			p.Libcluster = true // clustering its own way, with libcluster's supervisor
			p.Sources["clustering"] = app.Source()
		}
		for _, r := range p.Repos {
			if app.mentions(r) {
				p.StartedRepos = append(p.StartedRepos, r)
			}
		}
	}

	// An existing release module: one that defines migrate and runs Ecto's migrator.
	for _, m := range ix.with(func(m *Module) bool { return m.defs["migrate"] && m.mentions("Ecto.Migrator") }) {
		p.ReleaseModule, p.ReleaseFile, p.Sources["release_module"] = m.Name, m.File, m.Source()
		b, _, err := f.read(m.File)
		if err != nil {
			return err
		}
		p.ReleaseIsPhxdeploys = strings.Contains(string(b), "(written by phxdeploy)")
		break
	}
	p.ModuleNames, p.moduleFiles = map[string]bool{}, map[string]string{}
	for name, m := range ix.modules {
		p.ModuleNames[name], p.moduleFiles[name] = true, m.File
	}

	if r := ix.modules[p.Router]; r != nil && (!opts.HealthRoutes || mayHaveHealthPath(r.tree.Code)) {
		var pipelines map[string][]string
		p.Routes, pipelines = routes(r, opts.HealthRoutes)
		for _, r := range p.Routes {
			if probeVerb(r.Verb) && slices.Contains(healthPaths, "/"+path.Base(r.Path)) &&
				!r.Conditional && safeForProbes(r.Pipelines, pipelines) && !ownHealth(r, ownHealthModule(p)) {
				p.ExistingHealthPath, p.Sources["health_route"] = r.Path, r.Source
				break
			}
		}
	}
	if p.ExistingHealthPath == "" {
		if hp, src := endpointHealth(ix, endpoint); hp != "" {
			p.ExistingHealthPath, p.Sources["health_route"] = hp, src
		}
	}
	if p.ExistingHealthPath == "" && len(p.endpointPlugs) > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s plugs %s before the router: if it refuses a plain GET without a session or with a pod's address as host, the health probes fail; let /health through", p.Endpoint, strings.Join(p.endpointPlugs, ", ")))
	}
	return nil
}

// ownHealth reports whether a route is phxdeploy's own health check: the forward to its Plug,
// or the controller routes an earlier phxdeploy added (readiness and liveness actions).
func ownHealth(r Route, own string) bool {
	return r.Verb == "forward" && r.To == own ||
		strings.HasSuffix(r.To, "HealthController") && (r.Action == "readiness" || r.Action == "liveness")
}

// applicationModule is the module mix.exs names in `mod: {Module, args}`.
func (p *Project) applicationModule(f *files) string {
	m, err := f.mix(join(p.AppDir(), "mix.exs"))
	if err != nil || m == nil {
		return ""
	}
	for i, t := range m.code {
		if t.Kind == elixir.KeywordKey && t.Text() == "mod" && i+2 < len(m.code) && m.code[i+1].Is("{") && m.code[i+2].Kind == elixir.Alias {
			return m.code[i+2].Text()
		}
	}
	return ""
}

// chooseEndpoint returns the project's public endpoint: the one given, or the only one.
func chooseEndpoint(f *files, ix *index, given, saved string) (*Module, error) {
	eps := ix.endpoints()
	if given != "" {
		for _, e := range eps {
			if e.Name == given {
				return e, nil
			}
		}
		what, fix := "--endpoint "+given, "give one of the endpoints found"
		if saved != "" {
			what, fix = "endpoint "+given+" (saved in "+saved+")", "give one of the endpoints found with --endpoint, which replaces the saved one"
		}
		return nil, &Error{Path: f.name("lib"), Msg: fmt.Sprintf("%s: no module of that name uses Phoenix.Endpoint (found: %s)", what, orNone(names(eps))), Fix: fix}
	}
	switch len(eps) {
	case 1:
		return eps[0], nil
	case 0:
		return nil, &Error{Path: f.name("lib"), Msg: "no module uses Phoenix.Endpoint", Fix: "phxdeploy deploys Phoenix applications; check that the endpoint is under lib/"}
	}
	return nil, &AmbiguousError{Flag: "endpoint", Candidates: names(eps),
		Why: "the project has several endpoints; which one serves the public (its port is the one platforms route to)?"}
}

// AmbiguousError is a fact the code does not decide: several candidates, and a flag to choose.
type AmbiguousError struct {
	Flag       string
	Candidates []string
	Why        string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s (%s)\n  fix: choose one with --%s (%s)", e.Why, strings.Join(e.Candidates, ", "), e.Flag, strings.Join(e.Candidates, " or "))
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// endpointHealth finds a health check the endpoint answers before the router: a plug given a
// health path in its options, or a plug module of the project that matches one.
func endpointHealth(ix *index, endpoint *Module) (string, string) {
	code := endpoint.tree.Code
	for i := endpoint.body.Open + 1; i+1 < endpoint.body.Close; i++ {
		if !code[i].Is("plug") || !elixir.StatementStart(code, i) {
			continue
		}
		at := i + 1
		if code[at].Is("(") {
			at++ // plug(X, ...)
		}
		if code[at].Kind != elixir.Alias {
			continue
		}
		end := elixir.StatementEnd(code, endpoint.body, i)
		for k := i + 2; k < end; k++ {
			if code[k].Kind == elixir.String && slices.Contains(healthPaths, elixir.Unquote(code[k])) {
				return elixir.Unquote(code[k]), fmt.Sprintf("%s:%d", endpoint.File, code[i].Line())
			}
		}
		if m := ix.modules[code[at].Text()]; m != nil && m.defs["call"] {
			for _, t := range m.code {
				if t.Kind == elixir.String && slices.Contains(healthPaths, elixir.Unquote(t)) {
					return elixir.Unquote(t), m.Source()
				}
			}
		}
	}
	return "", ""
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
		if code[i].Is("defmodule") && code[i+1].Kind == elixir.Alias && code[i+1].Text() == module {
			return true, nil
		}
	}
	return false, nil
}

// healthPaths are the paths an existing health check commonly answers on.
var healthPaths = []string{"/health", "/healthz", "/health_check", "/healthcheck", "/_health", "/ping", "/up", "/status"}

// mayHaveHealthPath reports whether a router's code could declare a route whose last path
// segment is one of healthPaths. A route's path is made of the raw text of string literals
// (the scopes' and its own, in quotes; a heredoc's trimmed of white space) cut at slashes and
// cleaned: each of its segments stands in one of them between a slash, a quote or white space
// (a byte of a multi-byte space too) on both sides. Code with no health path's name standing so
// in a string has no health route, and its routes need not be read to know it.
func mayHaveHealthPath(code []elixir.Token) bool {
	for _, t := range code {
		if t.Kind == elixir.String && healthSegment(t.Text()) {
			return true
		}
	}
	return false
}

// mayHoldHealthRoute reports whether a block of a router (its code) may hold a health route,
// or defines a pipeline (which routes elsewhere go through): without either, and under a
// prefix with no health path's name, reading for the health route can pass it by.
func mayHoldHealthRoute(code []elixir.Token) bool {
	for _, t := range code {
		if t.Kind == elixir.String && healthSegment(t.Text()) || t.Kind == elixir.Ident && t.Is("pipeline") {
			return true
		}
	}
	return false
}

// mayBeHealthRoute reports whether a route (its verb, its scope's prefix, its path's string
// token) may be a health route: a GET, forward or match with a segment named as one of
// healthPaths in its path or its prefix (cleaning a path removes segments, never makes one).
func mayBeHealthRoute(verb, prefix string, path elixir.Token) bool {
	return probeVerb(verb) && (healthSegment(path.Text()) || healthSegment(prefix))
}

// healthSegment reports whether s (a string's source, quotes included, or a path) has a segment
// named as one of healthPaths between edges (pathEdge, or s's ends).
func healthSegment(s string) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || pathEdge[s[i]] {
			if n := i - start; n >= 2 && n <= 12 && isHealthName(s[start:i]) {
				return true
			}
			start = i + 1
		}
	}
	return false
}

// pathEdge marks the bytes a path segment stands between in a string's source (see
// mayHaveHealthPath): a slash, a quote, white space and control bytes, and bytes of
// multi-byte characters.
var pathEdge = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '/' || c == '"' || c <= ' ' || c >= 0x80
	}
	return t
}()

// probeVerb reports whether a route of this verb answers a probe's GET.
func probeVerb(verb string) bool { return verb == "get" || verb == "forward" || verb == "match" }

// isHealthName reports whether a path segment is the name of one of healthPaths (a switch:
// a loop over healthPaths made reading a large router's routes 15% slower;
// TestIsHealthNameIsHealthPaths keeps the two together).
func isHealthName(seg string) bool {
	switch seg {
	case "health", "healthz", "health_check", "healthcheck", "_health", "ping", "up", "status":
		return true
	}
	return false
}

// existingHealthPath returns the path of a health check a file already defines (a route or a
// plug matching one of the usual paths), or "".
func existingHealthPath(src string) string {
	t, err := elixir.Parse(src)
	if err != nil {
		return ""
	}
	code := t.Code
	for i := 0; i+2 < len(code); i++ {
		if code[i].Kind == elixir.Alias && strings.HasSuffix(code[i].Text(), "HealthController") && code[i+1].Is(",") &&
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

// readNodeNaming finds a project that names its nodes itself: rel/vm.args.eex (or vm.args) with
// -name or -sname. Its env.sh is then none of phxdeploy's business, and no dns_cluster is added.
func (p *Project) readNodeNaming(f *files) error {
	for _, file := range []string{"rel/vm.args.eex", "rel/vm.args"} {
		b, ok, err := f.read(file)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			if fields := strings.Fields(line); len(fields) > 0 && (fields[0] == "-name" || fields[0] == "-sname") {
				p.OwnNodeNames = true
				p.Sources["node_naming"] = file + ":" + itoa(i+1)
				return nil
			}
		}
	}
	return nil
}

// ownHealthModule is the module phxdeploy's health check has when it is in the project: one
// defined beside the router whose doc says phxdeploy wrote it.
func ownHealthModule(p *Project) string {
	for _, name := range []string{"Health", "HealthCheck", "DeployHealth", "PhxdeployHealth"} {
		m := namespace(p.Router) + "." + name
		if f := p.moduleFiles[m]; f != "" && path.Dir(f) == path.Dir(p.RouterFile) {
			return m
		}
	}
	return ""
}
