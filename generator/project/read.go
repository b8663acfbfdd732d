package project

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/safefs"
)

var adapters = []struct{ dep, name string }{
	{"postgrex", "postgres"}, {"myxql", "mysql"}, {"ecto_sqlite3", "sqlite"}, {"tds", "mssql"},
}

// Read reads the project in dir. It never writes, reads nothing outside dir, and every name it
// takes from the project is checked for what it is (an OTP app, a module, a path), so that no
// value from a project can break out of the files phxdeploy writes.
func Read(dir string, opts Options) (*Project, error) {
	release := opts.Release
	d, err := safefs.Open(dir)
	if err != nil {
		return nil, &Error{Path: dir, Msg: "is not a directory phxdeploy can read (" + err.Error() + ")", Fix: "pass the project's root with --dir"}
	}
	defer d.Close()
	f := &files{d: d, show: dir}
	root, err := f.mix("mix.exs")
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &Error{Path: f.name("mix.exs"), Msg: "not found: this is not a Mix project (looked for mix.exs with a :phoenix dependency)", Fix: "run phxdeploy in the root of a Phoenix project, or pass --dir"}
	}
	p := &Project{Dir: d.Path()}
	if err := umbrellaChild(f, root, d.Path()); err != nil {
		return nil, err
	}
	if v, ok := root.keywordValue("elixir"); ok && v.Kind == elixir.String {
		p.ElixirRequirement = elixir.Unquote(v)
	}
	if v, ok := root.keywordValue("apps_path"); ok && v.Kind == elixir.String {
		p.Umbrella = true
		p.AppsPath = strings.TrimPrefix(elixir.Unquote(v), "./")
		if err := checkRelPath(f.name("mix.exs"), "apps_path", p.AppsPath); err != nil {
			return nil, err
		}
	}
	allDeps := map[string]string{}
	addDeps := func(m *mixFile) {
		for k, v := range m.deps() {
			if _, seen := allDeps[k]; !seen || allDeps[k] == "" {
				allDeps[k] = v
			}
		}
	}
	addDeps(root)
	names, hasReleases := root.releaseNames()
	for _, n := range names {
		if err := checkAtom(f.name("mix.exs")+": release", n); err != nil {
			return nil, err
		}
	}
	p.HasReleasesConfig = hasReleases
	p.Releases = names

	if p.Umbrella {
		if err := p.readUmbrella(f, addDeps); err != nil {
			return nil, err
		}
	} else {
		app, ok := root.keywordValue("app")
		if !ok || app.Kind != elixir.Atom {
			return nil, &Error{Path: f.name("mix.exs"), Msg: "no `app: :name` found in project/0", Fix: "phxdeploy needs the OTP app name literally in mix.exs"}
		}
		p.App = elixir.AtomName(app)
		if err := checkAtom(f.name("mix.exs")+": app", p.App); err != nil {
			return nil, err
		}
		p.WebApp = p.App
	}
	req, hasPhoenix := allDeps["phoenix"]
	if !hasPhoenix {
		return nil, &Error{Path: f.name("mix.exs"), Msg: "a Mix project without Phoenix (looked for a {:phoenix, ...} dependency" + map[bool]string{true: " in the umbrella's apps", false: ""}[p.Umbrella] + ")", Fix: "phxdeploy deploys Phoenix applications; run it in a Phoenix project"}
	}
	lock, _, err := f.read("mix.lock")
	if err != nil {
		return nil, err
	}
	for d := range allDeps {
		p.Deps = append(p.Deps, d)
	}
	locked := lockNames(lock)
	for _, d := range locked {
		if !slices.Contains(p.Deps, d) {
			p.Deps = append(p.Deps, d)
		}
	}
	sort.Strings(p.Deps)
	// A release built with Distillery (rel/config.exs, no releases: in mix.exs) is not the Mix
	// release phxdeploy's files are for: its start script, its runtime configuration and its
	// overlays are Distillery's own.
	if _, distillery := allDeps["distillery"]; distillery && !hasReleases && f.isFile("rel/config.exs") {
		p.Warnings = append(p.Warnings, "the project builds its release with Distillery (rel/config.exs): phxdeploy's files are for `mix release` (Elixir 1.9 and later), whose config/runtime.exs, rel/env.sh.eex and overlays Distillery does not read; move the release to `mix release` first (https://hexdocs.pm/mix/Mix.Tasks.Release.html), or keep deploying it as you do")
	}
	p.PhoenixRequirement = req
	p.PhoenixMinor = phoenixMinor(req, lockVersion(lock, "phoenix"))
	p.PlugVersion = lockVersion(lock, "plug")
	p.MixLock = lock != nil

	// The adapter a direct dependency names, else the one mix.lock locks (it may come through
	// another package, such as fly_postgres).
	p.Database = "none"
	for _, deps := range []func(string) bool{
		func(d string) bool { _, ok := allDeps[d]; return ok },
		func(d string) bool { return slices.Contains(locked, d) },
	} {
		for _, a := range adapters {
			if deps(a.dep) {
				p.Database = a.name
				break
			}
		}
		if p.Database != "none" {
			break
		}
	}
	_, p.EctoSQL = allDeps["ecto_sql"]
	if !p.EctoSQL && p.Database != "none" {
		p.EctoSQL = true // ecto_sqlite3 and friends bring ecto_sql along
	}
	_, p.DNSCluster = allDeps["dns_cluster"]
	for d := range allDeps {
		// libcluster, or one of its strategy packages (libcluster_postgres, libcluster_ec2, ...)
		if d == "libcluster" || strings.HasPrefix(d, "libcluster_") {
			p.Libcluster = true
		}
	}
	_, p.Bandit = allDeps["bandit"]
	_, p.Cowboy = allDeps["plug_cowboy"]

	// Names: namespace from config, else the camelized app name.
	config, err := f.code("config/config.exs")
	if err != nil {
		return nil, err
	}
	// The base of the modules phxdeploy creates: the application module's namespace when there
	// is one (readModules), else the config's namespace or the camelized app name.
	p.Base = camelize(p.App)
	if ns := configNamespace(config, p.App); ns != "" {
		p.Base = ns
	}
	repos := configRepos(config, p.App)
	for _, m := range append([]string{p.Base}, repos...) {
		if err := checkModule(f.name("config/config.exs"), m); err != nil {
			return nil, err
		}
	}
	if err := p.readModules(f, opts, repos); err != nil {
		return nil, err
	}
	if err := p.readNodeNaming(f); err != nil {
		return nil, err
	}
	if err := p.readDeployFiles(f); err != nil {
		return nil, err
	}
	if err := p.readFlyConfig(f); err != nil {
		return nil, err
	}
	if err := p.readSingleInstance(f); err != nil {
		return nil, err
	}
	for _, m := range append([]string{p.Base, p.WebModule, p.Endpoint, p.Router, p.Application, p.ReleaseModule}, p.Repos...) {
		if m != "" {
			if err := checkModule(f.name("lib"), m); err != nil {
				return nil, err
			}
		}
	}

	webDir := p.WebDir()
	p.Assets = f.isDir(join(webDir, "assets"))
	p.AssetsNpm = f.isFile(join(webDir, "assets", "package.json"))
	p.Priv = f.isDir(join(p.AppDir(), "priv")) || f.isDir(join(webDir, "priv"))
	p.PrivStatic = f.isDir(join(webDir, "priv", "static"))
	p.PackageLock = f.isFile(join(webDir, "assets", "package-lock.json"))
	p.RuntimeExs = f.isFile("config/runtime.exs")
	p.ReleasesExs = !p.RuntimeExs && f.isFile("config/releases.exs")
	if p.CompileConfigs, err = compileConfigs(f); err != nil {
		return nil, err
	}
	p.Aliases = root.aliases()
	webMix := root
	if p.Umbrella {
		if webMix, err = f.mix(join(webDir, "mix.exs")); err != nil {
			return nil, err
		}
		if webMix != nil {
			p.Aliases = webMix.aliases()
		}
	}
	if err := p.readAssets(f, webMix); err != nil {
		return nil, err
	}
	// force_ssl wherever a config file a release loads sets it (prod.secret.exs and other
	// imported files included, dev and test left out).
	for _, file := range append(append([]string{}, p.CompileConfigs...), "config/runtime.exs", "config/releases.exs") {
		code, err := f.code(file)
		if err != nil {
			return nil, err
		}
		if line := setsForceSSL(code); line > 0 && p.ForceSSLFile == "" {
			p.ForceSSL, p.ForceSSLFile = true, file
			p.Sources["force_ssl"] = file + ":" + itoa(line)
		}
	}

	if err := p.readVersions(f); err != nil {
		return nil, err
	}
	runtimeFile := "config/runtime.exs"
	if p.ReleasesExs {
		runtimeFile = "config/releases.exs"
	}
	p.buildEnv = keptBuildEnv(f)
	if err := p.readContract(f, runtimeFile, root); err != nil {
		return nil, err // the names of the variables it reads cannot be known
	}
	if p.EndpointFile != "" {
		endpoint, err := f.code(p.EndpointFile)
		if err != nil {
			return nil, err
		}
		if line := plugsSSL(endpoint); line > 0 {
			p.ForceSSL = true
			if p.ForceSSLFile == "" {
				p.Sources["force_ssl"] = p.EndpointFile + ":" + itoa(line)
			}
		}
	}
	if err := p.chooseRelease(release, opts.SavedRelease, f.name("mix.exs")); err != nil {
		return nil, err
	}
	// The kept Dockerfile's release directory is named after the release (COPY of _build/prod).
	if err := p.readImage(f); err != nil {
		return nil, err
	}
	if err := p.readKeptScripts(f); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Project) readUmbrella(f *files, addDeps func(*mixFile)) error {
	entries, err := f.d.ReadDir(p.AppsPath)
	if err != nil {
		return &Error{Path: f.name(p.AppsPath), Msg: "umbrella apps_path cannot be read: " + err.Error(), Fix: "check apps_path in mix.exs"}
	}
	var web, withEcto []UmbrellaApp
	for _, e := range entries {
		dir := join(p.AppsPath, e.Name())
		if !e.IsDir() || !f.isFile(join(dir, "mix.exs")) {
			continue
		}
		if err := checkRelPath(f.name(dir), "directory name", e.Name()); err != nil {
			return err
		}
		m, err := f.mix(join(dir, "mix.exs"))
		if err != nil {
			return err
		}
		addDeps(m)
		appTok, ok := m.keywordValue("app")
		if !ok || appTok.Kind != elixir.Atom {
			continue
		}
		a := UmbrellaApp{Name: elixir.AtomName(appTok), Dir: dir}
		if err := checkAtom(f.name(join(dir, "mix.exs"))+": app", a.Name); err != nil {
			return err
		}
		p.Apps = append(p.Apps, a)
		deps := m.deps()
		if _, ok := deps["phoenix"]; ok && f.isDir(join(dir, "lib", a.Name)) {
			endpoint, err := hasEndpoint(f, join(dir, "lib"))
			if err != nil {
				return err
			}
			if endpoint {
				web = append(web, a)
			}
		}
		if _, ok := deps["ecto_sql"]; ok {
			withEcto = append(withEcto, a)
		}
	}
	if len(web) == 0 {
		return &Error{Path: f.name(p.AppsPath), Msg: "no web app found in the umbrella (looked for an app with a :phoenix dependency and an Endpoint module)", Fix: "phxdeploy needs the Phoenix app inside " + p.AppsPath}
	}
	// Prefer the conventional <core>_web naming when several apps qualify.
	sort.SliceStable(web, func(i, j int) bool {
		return strings.HasSuffix(web[i].Name, "_web") && !strings.HasSuffix(web[j].Name, "_web")
	})
	p.WebApp = web[0].Name
	core := strings.TrimSuffix(p.WebApp, "_web")
	p.App = p.WebApp
	for _, a := range p.Apps {
		if a.Name == core {
			p.App = core
		}
	}
	if p.App == p.WebApp && len(withEcto) > 0 {
		p.App = withEcto[0].Name
	}
	return nil
}

// hasEndpoint reports whether a file named *endpoint.ex is under dir.
func hasEndpoint(f *files, dir string) (bool, error) {
	found := false
	err := f.walk(dir, func(rel string) (bool, error) {
		found = strings.HasSuffix(rel, "endpoint.ex")
		return found, nil
	})
	return found, err
}

// umbrellaChild refuses an app of an umbrella (its mix.exs builds into the umbrella's _build,
// as `mix new --umbrella` writes apps): the release, the config and the Dockerfile belong to the
// umbrella's root, which the error names as the --dir to give.
func umbrellaChild(f *files, m *mixFile, dir string) error {
	v, ok := m.keywordValue("build_path")
	if !ok || v.Kind != elixir.String {
		return nil
	}
	build := elixir.Unquote(v)
	if path.Base(build) != "_build" || !strings.HasPrefix(build, "../") {
		return nil
	}
	root := filepath.Clean(filepath.Join(dir, filepath.FromSlash(path.Dir(build))))
	return &Error{Path: f.name("mix.exs"), Msg: fmt.Sprintf("this is an app of the umbrella project at %s (build_path: %q): its release, config and deployment files belong to the umbrella's root", root, build),
		Fix: "run phxdeploy there: phxdeploy init --dir " + root}
}

func (p *Project) chooseRelease(requested, saved, rootMix string) error {
	switch {
	case requested != "":
		if len(p.Releases) > 0 && !slices.Contains(p.Releases, requested) {
			msg, fix := fmt.Sprintf("no release named %q (releases: %s)", requested, strings.Join(p.Releases, ", ")), "pass one of those to --release"
			if saved != "" {
				msg += " for the release saved in " + saved
				fix += ", which replaces the saved one"
			}
			return &Error{Path: rootMix, Msg: msg, Fix: fix}
		}
		p.Release = requested
	case len(p.Releases) == 1:
		p.Release = p.Releases[0]
	case len(p.Releases) > 1:
		for _, r := range p.Releases {
			if r == p.App || r == p.WebApp {
				p.Release = r
				p.Warnings = append(p.Warnings, fmt.Sprintf("mix.exs defines several releases (%s); phxdeploy deploys %s, the one named after the app: pass --release to deploy another", strings.Join(p.Releases, ", "), r))
				return nil
			}
		}
		return &Error{Path: rootMix, Msg: "several releases are configured (" + strings.Join(p.Releases, ", ") + ")", Fix: "choose one with --release NAME"}
	case p.Umbrella:
		p.Release = strings.TrimSuffix(p.WebApp, "_web")
	default:
		p.Release = p.App
	}
	return nil
}

func camelize(app string) string {
	var b strings.Builder
	for _, part := range strings.Split(app, "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
