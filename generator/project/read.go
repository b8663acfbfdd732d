package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

var adapters = []struct{ dep, name string }{
	{"postgrex", "postgres"}, {"myxql", "mysql"}, {"ecto_sqlite3", "sqlite"}, {"tds", "mssql"},
}

// Read reads the project in dir. It never writes.
func Read(dir string, release string) (*Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return nil, &Error{Path: dir, Msg: "no such directory", Fix: "pass the project's root with --dir"}
	}
	rootMix := filepath.Join(abs, "mix.exs")
	root, err := readMix(rootMix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Path: rootMix, Msg: "not found: this is not a Mix project (looked for mix.exs with a :phoenix dependency)", Fix: "run phxdeploy in the root of a Phoenix project, or pass --dir"}
	}
	if err != nil {
		return nil, err
	}
	p := &Project{Dir: abs}
	if v, ok := root.keywordValue("apps_path"); ok && v.Kind == elixir.String {
		p.Umbrella = true
		p.AppsPath = elixir.Unquote(v)
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
	p.HasReleasesConfig = hasReleases
	p.Releases = names

	if p.Umbrella {
		if err := p.detectUmbrella(abs, addDeps); err != nil {
			return nil, err
		}
	} else {
		app, ok := root.keywordValue("app")
		if !ok || app.Kind != elixir.Atom {
			return nil, &Error{Path: rootMix, Msg: "no `app: :name` found in project/0", Fix: "phxdeploy needs the OTP app name literally in mix.exs"}
		}
		p.App = elixir.AtomName(app)
		p.WebApp = p.App
	}
	req, hasPhoenix := allDeps["phoenix"]
	if !hasPhoenix {
		return nil, &Error{Path: rootMix, Msg: "a Mix project without Phoenix (looked for a {:phoenix, ...} dependency" + map[bool]string{true: " in the umbrella's apps", false: ""}[p.Umbrella] + ")", Fix: "phxdeploy deploys Phoenix applications; run it in a Phoenix project"}
	}
	p.PhoenixRequirement = req
	p.PhoenixMinor = phoenixMinor(req, readLockVersion(filepath.Join(abs, "mix.lock"), "phoenix"))

	p.Database = "none"
	for _, a := range adapters {
		if _, ok := allDeps[a.dep]; ok {
			p.Database = a.name
			break
		}
	}
	_, p.EctoSQL = allDeps["ecto_sql"]
	if !p.EctoSQL && p.Database != "none" {
		p.EctoSQL = true // ecto_sqlite3 and friends bring ecto_sql along
	}
	_, p.DNSCluster = allDeps["dns_cluster"]
	_, p.Libcluster = allDeps["libcluster"]
	_, p.Bandit = allDeps["bandit"]
	_, p.Cowboy = allDeps["plug_cowboy"]

	// Names: namespace from config, else the camelized app name.
	p.Base = camelize(p.App)
	if ns := configNamespace(filepath.Join(abs, "config", "config.exs"), p.App); ns != "" {
		p.Base = ns
	}
	p.WebModule = p.Base + "Web"
	p.Repos = configRepos(filepath.Join(abs, "config", "config.exs"), p.App)
	if p.Umbrella {
		p.WebModule = camelize(p.WebApp)
		if ns := configNamespace(filepath.Join(abs, "config", "config.exs"), p.WebApp); ns != "" {
			p.WebModule = ns
		}
	}

	webDir := filepath.Join(abs, filepath.FromSlash(p.WebDir()))
	p.Assets = isDir(filepath.Join(webDir, "assets"))
	p.AssetsNpm = isFile(filepath.Join(webDir, "assets", "package.json"))
	p.Priv = isDir(filepath.Join(abs, filepath.FromSlash(p.AppDir()), "priv")) || isDir(filepath.Join(webDir, "priv"))
	p.PackageLock = isFile(filepath.Join(webDir, "assets", "package-lock.json"))
	p.MixLock = isFile(filepath.Join(abs, "mix.lock"))
	p.RuntimeExs = isFile(filepath.Join(abs, "config", "runtime.exs"))
	p.ReleasesExs = !p.RuntimeExs && isFile(filepath.Join(abs, "config", "releases.exs"))
	p.CompileConfigs = compileConfigs(filepath.Join(abs, "config"))
	p.Aliases = root.aliases()
	if p.Umbrella {
		if web, err := readMix(filepath.Join(webDir, "mix.exs")); err == nil {
			p.Aliases = web.aliases()
		}
	}
	p.ForceSSL = forceSSL(filepath.Join(abs, "config", "prod.exs"))

	p.ElixirVersion, p.OTPVersion, p.VersionSource = detectVersions(abs)
	p.PlugVersion = readLockVersion(filepath.Join(abs, "mix.lock"), "plug")
	p.detectFiles(abs)
	runtimeFile := "runtime.exs"
	if p.ReleasesExs {
		runtimeFile = "releases.exs"
	}
	runtime, _ := os.ReadFile(filepath.Join(abs, "config", runtimeFile))
	repos := p.Repos
	if len(repos) == 0 {
		repos = []string{p.Base + ".Repo"}
	}
	p.Env = envNames(string(runtime), repos, p.WebModule+".Endpoint")
	p.ForceSSL = p.ForceSSL || p.EndpointFile != "" && plugsSSL(filepath.Join(abs, filepath.FromSlash(p.EndpointFile)))

	if err := p.chooseRelease(release, rootMix); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Project) detectUmbrella(abs string, addDeps func(*mixFile)) error {
	appsDir := filepath.Join(abs, filepath.FromSlash(p.AppsPath))
	entries, err := os.ReadDir(appsDir)
	if err != nil {
		return &Error{Path: appsDir, Msg: "umbrella apps_path cannot be read: " + err.Error(), Fix: "check apps_path in mix.exs"}
	}
	var web, withEcto []UmbrellaApp
	for _, e := range entries {
		mixPath := filepath.Join(appsDir, e.Name(), "mix.exs")
		if !e.IsDir() || !isFile(mixPath) {
			continue
		}
		m, err := readMix(mixPath)
		if err != nil {
			return err
		}
		addDeps(m)
		appTok, ok := m.keywordValue("app")
		if !ok || appTok.Kind != elixir.Atom {
			continue
		}
		a := UmbrellaApp{Name: elixir.AtomName(appTok), Dir: strings.TrimPrefix(p.AppsPath+"/"+e.Name(), "./")}
		p.Apps = append(p.Apps, a)
		deps := m.deps()
		if _, ok := deps["phoenix"]; ok && isDir(filepath.Join(appsDir, e.Name(), "lib", a.Name)) && hasEndpoint(filepath.Join(appsDir, e.Name(), "lib")) {
			web = append(web, a)
		}
		if _, ok := deps["ecto_sql"]; ok {
			withEcto = append(withEcto, a)
		}
	}
	if len(web) == 0 {
		return &Error{Path: appsDir, Msg: "no web app found in the umbrella (looked for an app with a :phoenix dependency and an Endpoint module)", Fix: "phxdeploy needs the Phoenix app inside " + p.AppsPath}
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

func hasEndpoint(libDir string) bool {
	found := false
	_ = filepath.WalkDir(libDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(path, "endpoint.ex") {
			found = true
		}
		return nil
	})
	return found
}

func (p *Project) chooseRelease(requested, rootMix string) error {
	switch {
	case requested != "":
		if len(p.Releases) > 0 && !slices.Contains(p.Releases, requested) {
			return &Error{Path: rootMix, Msg: fmt.Sprintf("no release named %q (releases: %s)", requested, strings.Join(p.Releases, ", ")), Fix: "pass one of those to --release"}
		}
		p.Release = requested
	case len(p.Releases) == 1:
		p.Release = p.Releases[0]
	case len(p.Releases) > 1:
		for _, r := range p.Releases {
			if r == p.App || r == p.WebApp {
				p.Release = r
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

func isDir(path string) bool  { st, err := os.Stat(path); return err == nil && st.IsDir() }
func isFile(path string) bool { st, err := os.Stat(path); return err == nil && st.Mode().IsRegular() }

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
