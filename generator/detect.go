package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Project holds the facts Detect reads from a project's files. Nothing here is an answer: answers
// may override some of these (the database adapter, the versions), but the facts stay as found.
type Project struct {
	Dir string `json:"-"`

	App               string   `json:"app"`         // OTP app that owns the Repo and the Release module
	WebApp            string   `json:"web_app"`     // OTP app that owns the Endpoint and the router
	Base              string   `json:"base_module"` // MyApp
	Repos             []string `json:"repos,omitempty"`
	WebModule         string   `json:"web_module"` // MyAppWeb
	Release           string   `json:"release"`    // release name for `mix release`
	Releases          []string `json:"releases,omitempty"`
	HasReleasesConfig bool     `json:"has_releases_config"`

	PhoenixRequirement string `json:"phoenix_requirement"`
	PhoenixMinor       string `json:"phoenix_minor"` // "1.6", "1.7", "1.8" or "" when unknown

	Database   string `json:"database"` // postgres, mysql, sqlite, mssql or none
	EctoSQL    bool   `json:"ecto_sql"`
	DNSCluster bool   `json:"dns_cluster"`
	Libcluster bool   `json:"libcluster"`
	Bandit     bool   `json:"bandit"`
	Cowboy     bool   `json:"plug_cowboy"`

	Assets    bool `json:"assets"`     // assets/ exists (in the web app for umbrellas)
	AssetsNpm bool `json:"assets_npm"` // assets/package.json exists: the build needs Node
	Priv      bool `json:"priv"`       // priv/ exists in the app that holds it

	MixLock        bool            `json:"mix_lock"`
	PackageLock    bool            `json:"package_lock"`
	Aliases        map[string]bool `json:"-"`
	CompileConfigs []string        `json:"compile_configs"`

	// Files phxdeploy edits, relative to the root ("" when not found).
	ApplicationFile string `json:"application_file"`
	RouterFile      string `json:"router_file"`
	EndpointFile    string `json:"endpoint_file"`
	// ExistingHealthPath is the path of a health check the project already has (a route or an
	// endpoint plug); phxdeploy then points the platforms at it instead of adding its own.
	ExistingHealthPath string `json:"existing_health_path,omitempty"`
	PlugVersion        string `json:"plug_version,omitempty"`
	// Env maps the Phoenix names of the variables phxdeploy sets (DATABASE_URL, PHX_HOST, ...)
	// to the names the project's runtime.exs reads them under.
	Env map[string]string `json:"env"`

	RuntimeExs  bool `json:"runtime_exs"`
	ReleasesExs bool `json:"releases_exs"` // config/releases.exs (Elixir 1.9-1.10) and no runtime.exs
	ForceSSL    bool `json:"force_ssl"`

	ElixirVersion string `json:"elixir_version"`
	OTPVersion    string `json:"otp_version"`
	VersionSource string `json:"version_source"`

	Umbrella bool          `json:"umbrella"`
	AppsPath string        `json:"apps_path,omitempty"`
	Apps     []UmbrellaApp `json:"apps,omitempty"`
}

// UmbrellaApp is one child application of an umbrella project.
type UmbrellaApp struct {
	Name string `json:"name"`
	Dir  string `json:"dir"` // relative to the project root, slash-separated
}

// AppDir is the directory (relative to the root, "" for the root) of the core app.
func (p *Project) AppDir() string { return p.appDir(p.App) }

// WebDir is the directory (relative to the root) of the web app.
func (p *Project) WebDir() string { return p.appDir(p.WebApp) }

// WebLib is the directory (relative to the root) that holds the web module's files, such as
// lib/my_app_web.
func (p *Project) WebLib() string {
	return path.Join(p.WebDir(), "lib", underscore(p.WebModule))
}

// underscore converts a module name to its file name form (MyAppWeb -> my_app_web).
func underscore(mod string) string {
	var b strings.Builder
	for i := 0; i < len(mod); i++ {
		c := mod[i]
		if c == '.' {
			b.WriteByte('/')
			continue
		}
		if isUpper(c) {
			if i > 0 && mod[i-1] != '.' && (!isUpper(mod[i-1]) || i+1 < len(mod) && !isUpper(mod[i+1]) && mod[i+1] != '.') {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func (p *Project) appDir(name string) string {
	for _, a := range p.Apps {
		if a.Name == name {
			return a.Dir
		}
	}
	return ""
}

// DetectError explains why a directory is not a project phxdeploy can work on.
type DetectError struct {
	Path string
	Msg  string
	Fix  string
}

func (e *DetectError) Error() string {
	s := e.Path + ": " + e.Msg
	if e.Fix != "" {
		s += "\n  fix: " + e.Fix
	}
	return s
}

// Built-in versions used when the project pins none; the tag must exist on Docker Hub.
const (
	DefaultElixir = "1.19.5"
	DefaultOTP    = "28.3.1"
	DefaultDebian = "trixie-20260610-slim"
)

// mixFile is a scanned mix.exs.
type mixFile struct {
	path string
	code []elixir.Token
}

func readMix(path string) (*mixFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	toks, err := elixir.Scan(string(b))
	if err != nil {
		return nil, &DetectError{Path: path, Msg: "cannot read it as Elixir: " + err.Error(), Fix: "check that the file compiles with `mix compile`"}
	}
	return &mixFile{path: path, code: elixir.Code(toks)}, nil
}

// keywordValue returns the token after the first `key:` in the file. A module attribute
// (`app: @app`) is resolved to the value of its `@app :name` definition.
func (m *mixFile) keywordValue(key string) (elixir.Token, bool) {
	for i, t := range m.code {
		if t.Kind == elixir.KeywordKey && t.Text == key && i+1 < len(m.code) {
			if m.code[i+1].Is("@") && i+2 < len(m.code) && m.code[i+2].Kind == elixir.Ident {
				return m.attribute(m.code[i+2].Text)
			}
			return m.code[i+1], true
		}
	}
	return elixir.Token{}, false
}

// attribute returns the value of `@name value` in the file.
func (m *mixFile) attribute(name string) (elixir.Token, bool) {
	for i := 0; i+2 < len(m.code); i++ {
		if m.code[i].Is("@") && m.code[i+1].Is(name) && m.code[i+1].Line == m.code[i+2].Line && m.code[i+2].Kind != elixir.Punct {
			return m.code[i+2], true
		}
	}
	return elixir.Token{}, false
}

// deps returns every `{:name, ...}` tuple head in the file with the requirement string when the
// second element is one.
func (m *mixFile) deps() map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(m.code); i++ {
		if m.code[i].Is("{") && m.code[i+1].Kind == elixir.Atom {
			req := ""
			if i+3 < len(m.code) && m.code[i+2].Is(",") && m.code[i+3].Kind == elixir.String {
				req = elixir.Unquote(m.code[i+3])
			}
			name := elixir.AtomName(m.code[i+1])
			if _, seen := out[name]; !seen {
				out[name] = req
			}
		}
	}
	return out
}

// releaseNames returns the keys of a literal `releases: [name: [...], ...]` list.
func (m *mixFile) releaseNames() (names []string, present bool) {
	for i, t := range m.code {
		if t.Kind != elixir.KeywordKey || t.Text != "releases" {
			continue
		}
		present = true
		if i+1 >= len(m.code) || !m.code[i+1].Is("[") {
			return nil, true // computed elsewhere
		}
		depth := 0
		for _, u := range m.code[i+1:] {
			switch {
			case u.Is("[") || u.Is("{") || u.Is("("):
				depth++
			case u.Is("]") || u.Is("}") || u.Is(")"):
				depth--
			case depth == 1 && u.Kind == elixir.KeywordKey:
				names = append(names, u.Text)
			}
			if depth == 0 {
				break
			}
		}
		return names, true
	}
	return nil, false
}

// aliases returns the names of the keyword keys that look like task aliases ("assets.deploy":).
func (m *mixFile) aliases() map[string]bool {
	out := map[string]bool{}
	for _, t := range m.code {
		if t.Kind == elixir.KeywordKey {
			out[strings.Trim(t.Text, `"`)] = true
		}
	}
	return out
}

// compileConfigs lists the config files a production build reads at compile time: every .exs in
// config/ except runtime.exs (read at boot) and the dev and test files.
func compileConfigs(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".exs") || n == "runtime.exs" || n == "releases.exs" || n == "dev.exs" || n == "test.exs" {
			continue
		}
		out = append(out, "config/"+n)
	}
	return out
}

var adapters = []struct{ dep, name string }{
	{"postgrex", "postgres"}, {"myxql", "mysql"}, {"ecto_sqlite3", "sqlite"}, {"tds", "mssql"},
}

// Detect reads the project in dir. It never writes.
func Detect(dir string, release string) (*Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return nil, &DetectError{Path: dir, Msg: "no such directory", Fix: "pass the project's root with --dir"}
	}
	rootMix := filepath.Join(abs, "mix.exs")
	root, err := readMix(rootMix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &DetectError{Path: rootMix, Msg: "not found: this is not a Mix project (looked for mix.exs with a :phoenix dependency)", Fix: "run phxdeploy in the root of a Phoenix project, or pass --dir"}
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
			return nil, &DetectError{Path: rootMix, Msg: "no `app: :name` found in project/0", Fix: "phxdeploy needs the OTP app name literally in mix.exs"}
		}
		p.App = elixir.AtomName(app)
		p.WebApp = p.App
	}
	req, hasPhoenix := allDeps["phoenix"]
	if !hasPhoenix {
		return nil, &DetectError{Path: rootMix, Msg: "a Mix project without Phoenix (looked for a {:phoenix, ...} dependency" + map[bool]string{true: " in the umbrella's apps", false: ""}[p.Umbrella] + ")", Fix: "phxdeploy deploys Phoenix applications; run it in a Phoenix project"}
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
		return &DetectError{Path: appsDir, Msg: "umbrella apps_path cannot be read: " + err.Error(), Fix: "check apps_path in mix.exs"}
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
		return &DetectError{Path: appsDir, Msg: "no web app found in the umbrella (looked for an app with a :phoenix dependency and an Endpoint module)", Fix: "phxdeploy needs the Phoenix app inside " + p.AppsPath}
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
		if len(p.Releases) > 0 && !contains(p.Releases, requested) {
			return &DetectError{Path: rootMix, Msg: fmt.Sprintf("no release named %q (releases: %s)", requested, strings.Join(p.Releases, ", ")), Fix: "pass one of those to --release"}
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
		return &DetectError{Path: rootMix, Msg: "several releases are configured (" + strings.Join(p.Releases, ", ") + ")", Fix: "choose one with --release NAME"}
	case p.Umbrella:
		p.Release = strings.TrimSuffix(p.WebApp, "_web")
	default:
		p.Release = p.App
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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

// configNamespace finds `config :app, namespace: Mod` (also inside a longer keyword list).
func configNamespace(path, app string) string {
	code, _ := fileCode(path)
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("config") || code[i+1].Kind != elixir.Atom || elixir.AtomName(code[i+1]) != app {
			continue
		}
		// scan this call's arguments up to the next `config` at the same level
		for j := i + 2; j+1 < len(code) && !code[j].Is("config") && !code[j].Is("import"); j++ {
			if code[j].Kind == elixir.KeywordKey && code[j].Text == "namespace" && code[j+1].Kind == elixir.Alias {
				return code[j+1].Text
			}
		}
	}
	return ""
}

// fileCode reads and scans an Elixir file; ok is false when it is missing or cannot be scanned.
func fileCode(path string) (code []elixir.Token, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	return scanCode(b)
}

func scanCode(b []byte) ([]elixir.Token, bool) {
	toks, err := elixir.Scan(string(b))
	if err != nil {
		return nil, false
	}
	return elixir.Code(toks), true
}

// configRepos reads `ecto_repos: [A.Repo, ...]` from `config :app, ...`.
func configRepos(path, app string) []string {
	code, _ := fileCode(path)
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("config") || code[i+1].Kind != elixir.Atom || elixir.AtomName(code[i+1]) != app {
			continue
		}
		for j := i + 2; j+1 < len(code) && !code[j].Is("config"); j++ {
			if code[j].Kind == elixir.KeywordKey && code[j].Text == "ecto_repos" && code[j+1].Is("[") {
				var repos []string
				for k := j + 2; k < len(code) && !code[k].Is("]"); k++ {
					if code[k].Kind == elixir.Alias {
						repos = append(repos, code[k].Text)
					}
				}
				return repos
			}
		}
	}
	return nil
}

// forceSSL reports whether config/prod.exs sets force_ssl in code (not in a comment).
func forceSSL(path string) bool {
	code, _ := fileCode(path)
	for _, t := range code {
		if t.Kind == elixir.KeywordKey && t.Text == "force_ssl" {
			return true
		}
	}
	return false
}

// detectFiles finds the application module, the router and the endpoint, and a health check
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

// plugsSSL reports whether the endpoint plugs Plug.SSL itself (in code, not in a comment).
func plugsSSL(path string) bool {
	code, _ := fileCode(path)
	for i := 0; i+1 < len(code); i++ {
		if code[i].Is("plug") && code[i+1].Kind == elixir.Alias && code[i+1].Text == "Plug.SSL" {
			return true
		}
	}
	return false
}

var lockVersionRe = regexp.MustCompile(`"([a-z0-9_]+)":\s*\{:hex,\s*:[a-z0-9_]+,\s*"([0-9][^"]*)"`)

func readLockVersion(path, dep string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, m := range lockVersionRe.FindAllStringSubmatch(string(b), -1) {
		if m[1] == dep {
			return m[2]
		}
	}
	return ""
}

var minorRe = regexp.MustCompile(`(\d+)\.(\d+)`)

// phoenixMinor prefers the locked version and falls back to the requirement's lowest bound.
func phoenixMinor(req, locked string) string {
	for _, s := range []string{locked, req} {
		if m := minorRe.FindStringSubmatch(s); m != nil {
			return m[1] + "." + m[2]
		}
	}
	return ""
}

var (
	toolVersionsRe = regexp.MustCompile(`(?m)^\s*(elixir|erlang)\s+([^\s#]+)`)
	miseRe         = regexp.MustCompile(`(?m)^\s*(elixir|erlang)\s*=\s*["']?([^"'\s#]+)`)
	otpSuffixRe    = regexp.MustCompile(`^(.*)-otp-(\d+)$`)
)

// detectVersions reads .tool-versions, mise.toml or .elixir-version; anything not pinned falls
// back to the built-in default.
func detectVersions(dir string) (elixirV, otpV, source string) {
	try := []struct {
		file string
		re   *regexp.Regexp
	}{{".tool-versions", toolVersionsRe}, {"mise.toml", miseRe}, {".mise.toml", miseRe}}
	for _, f := range try {
		b, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			continue
		}
		for _, m := range f.re.FindAllStringSubmatch(string(b), -1) {
			switch m[1] {
			case "elixir":
				if elixirV == "" {
					elixirV = m[2]
				}
			case "erlang":
				if otpV == "" {
					otpV = m[2]
				}
			}
		}
		if elixirV != "" || otpV != "" {
			source = f.file
			break
		}
	}
	if elixirV == "" {
		if b, err := os.ReadFile(filepath.Join(dir, ".elixir-version")); err == nil {
			elixirV = strings.TrimSpace(string(b))
			source = ".elixir-version"
		}
	}
	// asdf writes elixir versions such as 1.17.3-otp-27: the suffix is the OTP major it was built for.
	if m := otpSuffixRe.FindStringSubmatch(elixirV); m != nil {
		elixirV = m[1]
	}
	elixirV = strings.TrimPrefix(elixirV, "v")
	otpV = strings.TrimPrefix(strings.TrimPrefix(otpV, "OTP-"), "v")
	if source == "" {
		source = "built-in default"
	}
	return elixirV, otpV, source
}
