package project

import (
	"path"
	"strings"
)

// Project holds the facts Read reads from a project's files. Nothing here is an answer: answers
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
	Libcluster bool   `json:"libcluster"` // libcluster, a strategy package, or a Cluster.Supervisor child
	// OwnNodeNames is set when the project names its nodes itself (vm.args -name/-sname).
	OwnNodeNames bool `json:"own_node_names,omitempty"`
	Bandit       bool `json:"bandit"`
	Cowboy       bool `json:"plug_cowboy"`

	Assets      bool   `json:"assets"` // assets/ exists (in the web app for umbrellas)
	AssetsBuild Assets `json:"assets_build"`
	AssetsNpm   bool   `json:"assets_npm"`  // assets/package.json exists: the build needs Node
	Priv        bool   `json:"priv"`        // priv/ exists in the app that holds it
	PrivStatic  bool   `json:"priv_static"` // priv/static exists in the web app

	// Deps are the dependencies mix.exs names and mix.lock locks.
	Deps           []string        `json:"-"`
	MixLock        bool            `json:"mix_lock"`
	PackageLock    bool            `json:"package_lock"`
	Aliases        map[string]bool `json:"-"`
	CompileConfigs []string        `json:"compile_configs"`

	// Modules as the code defines them, and their files (relative to the root; "" when not
	// found).
	Application     string `json:"application_module,omitempty"`
	ApplicationFile string `json:"application_file"`
	Endpoint        string `json:"endpoint,omitempty"`
	EndpointFile    string `json:"endpoint_file"`
	Router          string `json:"router,omitempty"`
	RouterFile      string `json:"router_file"`
	// StartedRepos are the repos the application module starts (the health check asks these).
	StartedRepos []string `json:"started_repos,omitempty"`
	// ReleaseModule is a module the project already has that runs Ecto's migrator (any name,
	// any file): phxdeploy calls it instead of writing its own.
	ReleaseModule string `json:"release_module,omitempty"`
	ReleaseFile   string `json:"release_file,omitempty"`
	// ReleaseIsPhxdeploys is set when that module is the one phxdeploy wrote (it says so).
	ReleaseIsPhxdeploys bool `json:"-"`
	// Routes are the routes the router serves, with scope prefixes and pipelines.
	Routes []Route `json:"routes,omitempty"`
	// ModuleNames are all the modules the project defines under lib, with their files.
	ModuleNames   map[string]bool `json:"-"`
	moduleFiles   map[string]string
	endpointPlugs []string // the project's own plugs in the endpoint
	// Sources says where each fact about modules and routes was read (file:line).
	Sources map[string]string `json:"sources,omitempty"`
	// SingleInstance says why the app must run as one instance ("" when nothing says so).
	SingleInstance string `json:"single_instance,omitempty"`
	// KeptImage is what the project's own Dockerfile builds (nil when it has none, or the
	// Dockerfile is phxdeploy's).
	KeptImage *KeptImage `json:"kept_image,omitempty"`
	// KeptEnvSh is what the project's own rel/env.sh.eex does, when it names the nodes itself
	// (nil when phxdeploy's block is in it, or it names none).
	KeptEnvSh *KeptEnvSh `json:"kept_env_sh,omitempty"`
	// Privileged are lines of the overlay scripts the platforms run (bin/server, bin/migrate)
	// that change user: they fail as the unprivileged user the release runs as.
	Privileged []PrivilegedScript `json:"privileged,omitempty"`
	// ComposeFiles are the Compose files the project keeps (docker-compose.yml, ...).
	ComposeFiles []string `json:"compose_files,omitempty"`
	// FlyConfigs are Fly configs the project keeps somewhere other than fly.toml.
	FlyConfigs []string `json:"fly_configs,omitempty"`
	// FlyConfig is what the Fly config the project deploys with says (nil when it has none).
	FlyConfig *FlyConfig `json:"fly_config,omitempty"`
	// Warnings are what phxdeploy noticed and could not settle from the code.
	Warnings []string `json:"warnings,omitempty"`
	// ExistingHealthPath is the path of a health check the project already has (a route or an
	// endpoint plug); phxdeploy then points the platforms at it instead of adding its own.
	ExistingHealthPath string `json:"existing_health_path,omitempty"`
	PlugVersion        string `json:"plug_version,omitempty"`
	// Contract is the environment the release reads (and what the build reads).
	Contract Contract `json:"environment"`
	ix       *index
	// buildEnv is the MIX_ENV the project's own Dockerfile builds the release with ("": prod)
	buildEnv string
	// Settings say how the project provides the settings phxdeploy needs (DATABASE_URL,
	// PHX_HOST, ...), by their Phoenix names: the variable it reads each from, or why none.
	Settings map[string]SettingSource `json:"settings"`
	// OtherRepoURLs are the repos (of ecto_repos) whose URL the runtime config reads from a
	// variable other than the main repo's: databases the deployment must provide (Plausible's
	// ClickHouse, CLICKHOUSE_DATABASE_URL).
	OtherRepoURLs []RepoURL `json:"other_repo_urls,omitempty"`

	RuntimeExs  bool `json:"runtime_exs"`
	ReleasesExs bool `json:"releases_exs"` // config/releases.exs (Elixir 1.9-1.10) and no runtime.exs
	ForceSSL    bool `json:"force_ssl"`
	// ForceSSLFile is the config file that sets force_ssl ("" when only the endpoint plugs
	// Plug.SSL): phxdeploy excludes the health paths there.
	ForceSSLFile string `json:"force_ssl_file,omitempty"`

	ElixirRequirement string `json:"elixir_requirement,omitempty"` // mix.exs `elixir:`
	ElixirVersion     string `json:"elixir_version"`
	OTPVersion        string `json:"otp_version"`
	VersionSource     string `json:"version_source"`
	// DebianVersion is the Debian image a project Dockerfile builds on (bookworm-20250428-slim).
	DebianVersion string `json:"debian_version,omitempty"`
	// DockerTags are the hexpm/elixir builder tags the project's Dockerfiles build on (whole
	// versions and a Debian image), with where the Debian image is named: tags that exist,
	// whether phxdeploy's table knows them or not.
	DockerTags map[string]string `json:"docker_tags,omitempty"`

	Umbrella bool          `json:"umbrella"`
	AppsPath string        `json:"apps_path,omitempty"`
	Apps     []UmbrellaApp `json:"apps,omitempty"`
}

// UmbrellaApp is one child application of an umbrella project.
type UmbrellaApp struct {
	Name string `json:"name"`
	Dir  string `json:"dir"` // relative to the project root, slash-separated
}

// Content is a file of the project as Read read it, where Read keeps it parsed (the router, the
// endpoint and the modules they plug): what an edit of the file starts from, without reading it
// again. ok is false for every other file.
func (p *Project) Content(rel string) (src string, ok bool) {
	if p.ix == nil {
		return "", false
	}
	for _, name := range p.ix.order {
		if m := p.ix.modules[name]; m.File == rel && m.tree != nil {
			return m.tree.Src, true
		}
	}
	return "", false
}

// AppDir is the directory (relative to the root, "" for the root) of the core app.
func (p *Project) AppDir() string { return p.appDir(p.App) }

// WebDir is the directory (relative to the root) of the web app.
func (p *Project) WebDir() string { return p.appDir(p.WebApp) }

// WebLib is the directory (relative to the root) of the router: the web module's files, such as
// lib/my_app_web. Without a router, the web app's lib.
func (p *Project) WebLib() string {
	if p.RouterFile != "" {
		return path.Dir(p.RouterFile)
	}
	return path.Join(p.WebDir(), "lib")
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

// Error explains why a directory is not a project phxdeploy can work on.
type Error struct {
	Path string
	Msg  string
	Fix  string
}

func (e *Error) Error() string {
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

// Sample is a Phoenix 1.8 project with Postgres, assets and force_ssl, made of facts alone (no
// files): the example for `templates vars` and the base of lint's project shapes.
func Sample() *Project {
	return &Project{App: "shop", WebApp: "shop", Base: "Shop", WebModule: "ShopWeb", Release: "shop",
		Repos: []string{"Shop.Repo"}, StartedRepos: []string{"Shop.Repo"},
		Application: "Shop.Application", ApplicationFile: "lib/shop/application.ex",
		Endpoint: "ShopWeb.Endpoint", EndpointFile: "lib/shop_web/endpoint.ex",
		Router: "ShopWeb.Router", RouterFile: "lib/shop_web/router.ex",
		PhoenixMinor: "1.8", Database: "postgres", EctoSQL: true, DNSCluster: true, Bandit: true,
		Assets: true, Priv: true, PrivStatic: true, MixLock: true, ForceSSL: true, PlugVersion: "1.18.1",
		CompileConfigs: []string{"config/config.exs", "config/prod.exs"},
		Aliases:        map[string]bool{"assets.setup": true, "assets.deploy": true}}
}

// DefinedIn returns the file that defines module, or "".
func (p *Project) DefinedIn(module string) string { return p.moduleFiles[module] }

// RepoURL is a repo whose URL the runtime config reads from a variable.
type RepoURL struct {
	Repo    string `json:"repo"`
	Var     string `json:"variable"`
	Default string `json:"default,omitempty"` // the code's default, as written
	Source  string `json:"source"`
}
