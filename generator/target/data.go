package target

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/setting"
)

// Data is what every template receives. Its field names are a contract with organization
// templates: add fields freely, but renaming or removing one breaks overrides.
type Data struct {
	// Project names.
	App       string                `doc:"OTP app that owns the Repo and the Release module"`
	WebApp    string                `doc:"OTP app that owns the Endpoint"`
	Base      string                `doc:"base module, e.g. MyApp"`
	Repos     []string              `doc:"Ecto repos from :ecto_repos, e.g. [MyApp.Repo]"`
	WebModule string                `doc:"web module, e.g. MyAppWeb"`
	Release   string                `doc:"release name"`
	Umbrella  bool                  `doc:"the project is an umbrella"`
	AppsPath  string                `doc:"the umbrella apps directory"`
	Apps      []project.UmbrellaApp `doc:"the umbrella apps (Name, Dir)"`
	AppDir    string                `doc:"directory of the core app, '' for a regular project"`
	WebDir    string                `doc:"directory of the web app, '' for a regular project"`
	WebLib    string                `doc:"directory of the web module's files, e.g. lib/my_app_web"`

	// Project facts that shape the build.
	Assets            bool     `doc:"the web app has an assets/ directory"`
	AssetsNpm         bool     `doc:"assets/package.json exists: the build needs Node"`
	AssetsDir         string   `doc:"assets directory relative to the root"`
	AssetsSetup       bool     `doc:"mix.exs defines an assets.setup alias"`
	AssetsDeploy      bool     `doc:"mix.exs defines an assets.deploy alias"`
	PackageLock       bool     `doc:"assets/package-lock.json exists"`
	AssetsManager     string   `doc:"the package manager of assets/package.json: npm, yarn, pnpm or bun"`
	AssetsTool        string   `doc:"the command that installs that package manager in the builder ('' for npm)"`
	AssetsInstall     string   `doc:"the command that installs the assets' packages, with their lock file"`
	AssetsScript      string   `doc:"the command that runs package.json's deploy script ('' when it has none)"`
	Priv              bool     `doc:"priv/ exists"`
	PrivStatic        bool     `doc:"priv/static exists in the web app: the build digests it (mix phx.digest), assets/ or not"`
	MixLock           bool     `doc:"mix.lock exists"`
	RuntimeConfig     string   `doc:"the runtime config file: config/runtime.exs, or config/releases.exs in projects from Elixir 1.9-1.10"`
	CompileConfigs    []string `doc:"config files compile time needs, relative to the root"`
	HasReleasesConfig bool     `doc:"mix.exs defines releases:"`
	ForceSSL          bool     `doc:"force_ssl is configured"`

	// Answers.
	Name            string `doc:"deploy name (Fly app, Kubernetes resources, systemd unit)"`
	Host            string `doc:"public host (PHX_HOST)"`
	Port            int    `doc:"HTTP port (PORT)"`
	Database        string `doc:"postgres, mysql, sqlite, mssql or none"`
	Ecto            bool   `doc:"a database is in use, through a repo the code defines"`
	Clustering      bool   `doc:"nodes cluster"`
	Libcluster      bool   `doc:"the project clusters with libcluster (kept as it is)"`
	OwnNodeNames    bool   `doc:"the project names its nodes itself (vm.args): phxdeploy writes no env.sh"`
	Region          string `doc:"Fly primary region"`
	VMSize          string `doc:"Fly machine size"`
	VMMemory        string `doc:"Fly machine memory"`
	VolumeSize      int    `doc:"SQLite volume size in GB"`
	Image           string `doc:"image reference (Kubernetes)"`
	Namespace       string `doc:"Kubernetes namespace"`
	Replicas        int    `doc:"Kubernetes replicas"`
	ClusterDomain   string `doc:"Kubernetes cluster domain (cluster.local unless the cluster was set up with another)"`
	IngressClass    string `doc:"Kubernetes IngressClass of the Ingress ('' writes no Ingress)"`
	InstallDir      string `doc:"systemd install directory"`
	ServiceUser     string `doc:"systemd user"`
	ElixirVersion   string `doc:"builder Elixir version"`
	OTPVersion      string `doc:"builder Erlang/OTP version"`
	DebianVersion   string `doc:"Debian tag of builder and runner"`
	BuilderTagKnown bool   `doc:"the builder image's tag is in phxdeploy's table of known hexpm/elixir tags, or a Dockerfile of the project builds on it"`
	BuilderTagFrom  string `doc:"the project's Dockerfile that builds on the builder tag, when the table does not list it ('' otherwise)"`

	// Derived values shared by several targets.
	NetworkDatabase      bool            `doc:"the database is reached over the network (not SQLite)"`
	DNSClusterQuery      bool            `doc:"the app reads DNS_CLUSTER_QUERY (dns_cluster, not libcluster)"`
	ReleaseCommand       bool            `doc:"Fly runs migrations as a release command"`
	FlyVolumeStage       bool            `doc:"the Dockerfile has a stage that hands a Fly volume to the app user"`
	ProbeHeaders         bool            `doc:"health probes send headers that pass force_ssl"`
	DataDir              string          `doc:"where SQLite keeps its database in containers"`
	VolumeName           string          `doc:"Fly volume name"`
	SwapSizeMB           int             `doc:"Fly swap_size_mb: 512 for machines of 1gb or less, else 0 (none)"`
	SnapshotRetention    int             `doc:"days Fly keeps each daily snapshot of the SQLite volume"`
	DatabaseURLExample   string          `doc:"an example DATABASE_URL"`
	DatabasePort         int             `doc:"the network database's default port"`
	HealthController     bool            `doc:"phxdeploy adds its health check (the project serves none a probe can reach)"`
	HealthModule         string          `doc:"the module of phxdeploy's health check, e.g. MyAppWeb.Health (a Plug)"`
	HealthFile           string          `doc:"its file, beside the router"`
	HealthRepos          []string        `doc:"the repos the readiness check asks: those the application starts"`
	Router               string          `doc:"the router module, as the code defines it"`
	Endpoint             string          `doc:"the endpoint module, as the code defines it"`
	ReleaseModule        string          `doc:"the module bin/migrate calls: the project's own when it has one, else phxdeploy's"`
	WriteRelease         bool            `doc:"phxdeploy writes the Release module (the project has none)"`
	HealthPath           string          `doc:"readiness path"`
	LivePath             string          `doc:"liveness path"`
	HealthTimeoutMs      int             `doc:"readiness check timeout (ms)"`
	HealthTimeoutLiteral string          `doc:"the same, as an Elixir literal (1_000)"`
	UID                  int             `doc:"numeric user and group of the container"`
	KeptImage            bool            `doc:"the targets run the image the project's own Dockerfile builds"`
	OtherDatabases       []OtherDatabase `doc:"the repos whose URL the project reads from another variable than the main repo's (Repo, Var, Port: its default's port, 0 when unknown): databases phxdeploy runs nowhere"`
	ImageVolumes         []ImageVolume   `doc:"the directories the project's own Dockerfile declares VOLUME (Name, Path), /tmp and the SQLite directory aside: Kubernetes mounts an emptyDir at each (its root filesystem is read-only)"`
	ReleaseDir           string          `doc:"where the release is in the image, e.g. /app"`
	MigrateCommand       []string        `doc:"the command that runs migrations in the image (exec form)"`
	FlyMigrateCommand    []string        `doc:"Fly's release_command: MigrateCommand, or its arguments when the image's ENTRYPOINT is the release's script"`
	ImageInit            []string        `doc:"the image's ENTRYPOINT, an init (tini) that runs whatever command the image is given as its child; empty for the project's own Dockerfile"`
	DistPort             int             `doc:"fixed Erlang distribution port"`
	PreStopSeconds       int             `doc:"Kubernetes preStop pause"`
	DrainSeconds         int             `doc:"time the endpoint drains after SIGTERM"`
	GraceSeconds         int             `doc:"Kubernetes termination grace period"`
	MigrationLock        string          `doc:"how Ecto's migration lock serialises pods that migrate together, for the database in use ('' without Ecto)"`
	KillTimeoutSeconds   int             `doc:"Fly kill_timeout and systemd TimeoutStopSec"`
	SecretName           string          `doc:"Kubernetes Secret with the app secrets"`
	ConfigMapName        string          `doc:"Kubernetes ConfigMap with the required values that are not secrets and that phxdeploy cannot know"`
	StatefulSet          bool            `doc:"Kubernetes runs a StatefulSet (SQLite) instead of a Deployment"`
	WorkloadFile         string          `doc:"deployment.yaml or statefulset.yaml"`
	HeadlessService      bool            `doc:"the headless Service is needed (clustering, or the StatefulSet)"`
	EnvFile              string          `doc:"systemd EnvironmentFile"`
	RunnerPackages       []string        `doc:"extra runner packages (--extra-packages)"`

	Env       map[string]string `doc:"the project's names for the settings DATABASE_URL, DATABASE_PATH, POOL_SIZE, ECTO_IPV6, SECRET_KEY_BASE, PHX_HOST, PORT, DNS_CLUSTER_QUERY and the database's parts DATABASE_HOST, _NAME, _USER, _PASSWORD, _PORT; '' when the project does not read the setting from a variable"`
	EnvVars   []EnvVar          `doc:"every variable the release reads (Name, Setting, Required, Secret, Default, Type, When, Sources); EnvFor \"target\" adds the values that target sets"`
	BuildArgs []string          `doc:"variables a compile-time config requires (not secrets): the Dockerfile's build arguments"`
	RedisVar  string            `doc:"the variable naming the Redis server, when the project uses Redis ('' otherwise)"`
	Targets   []string          `doc:"selected targets, e.g. ['fly', 'k8s']"`
	Answers   map[string]string `doc:"every answer by its flag name, as given (for questions added after these fields)"`

	ConfigEnv     bool   `doc:"the builder's Elixir has config_env/0 and runtime.exs (1.11 and later)"`
	BuildEnv      string `doc:"the MIX_ENV the release is built with: prod, unless the project's Dockerfile (phxdeploy's included) builds with another (Plausible's ce)"`
	LoggerWarning string `doc:"Logger's warning function on the builder's Elixir: warning (1.11 and later) or warn"`

	SingleInstance string `doc:"why the app runs as one instance ('' when nothing says so)"`
	ComposeFile    string `doc:"the Compose file phxdeploy writes: compose.yaml, or compose.prod.yaml beside the project's own"`

	composeFiles   []string                       // the Compose files the project keeps
	flyConfigs     []string                       // Fly configs the project keeps elsewhere than fly.toml
	flyConfigFile  string                         // the Fly config the project deploys with ("" when none is read)
	flyConfigOwn   bool                           // it is the project's own: phxdeploy keeps it and follows it
	flyEnv         map[string]string              // what its [env] sets (the project's own config)
	flyConfigApp   string                         // the app it deploys (the project's own config)
	keptFly        string                         // what phxdeploy follows in it ("" when it writes fly.toml)
	flyVolume      string                         // the volume its mount of the SQLite database names
	projectTags    map[string]string              // the builder tags the project's Dockerfiles build on
	hostNeeded     bool                           // a selected target has no host of its own: --host serves every target
	imageBuilt     bool                           // a selected target runs the image the Dockerfile builds
	warnings       []string                       // what the data could not settle, for the report
	secondDatabase string                         // a required variable naming another database than the repo's
	keptImage      string                         // what phxdeploy follows in the project's Dockerfile ("" when it writes its own)
	hostDefaults   map[string]string              // per target, its own host when none was given
	keptImageUser  func() (int, bool)             // the user the project's Dockerfile runs as (nil: phxdeploy's image)
	keptImageEnv   map[string]string              // what the project's Dockerfile's ENV sets
	keptEnvSh      string                         // what phxdeploy follows in the project's own env.sh.eex
	keptProblems   map[string]map[string][]string // per kept file and target, what they cannot agree on
	added          []string                       // settings phxdeploy adds to the runtime config (Phoenix names)
	unresolved     []string                       // settings the project provides from a variable phxdeploy cannot name
	settingNames   map[string]string
	provided       map[string]bool
	importsRead    bool
}

// Warnings are what the data could not settle from the project and the answers.
func (d *Data) Warnings() []string { return d.warnings }

// Fixed conventions. Bandit and Cowboy drain for up to 15 s by default after SIGTERM.
const (
	containerUID   = 10001
	distPort       = 9000
	preStopSeconds = 5
	drainSeconds   = 15
	healthTimeout  = 1000
)

var databaseURLExamples = map[string]string{
	"postgres": "ecto://USER:PASS@HOST/DATABASE",
	"mysql":    "ecto://USER:PASS@HOST/DATABASE",
	"mssql":    "ecto://USER:PASS@HOST/DATABASE",
}

// NewData combines project facts and answers into the template data. Each target's Derive then
// sets the fields its own files use.
func (r *Registry) NewData(p *project.Project, v *answers.Values) *Data {
	name := v.String("name")
	d := &Data{
		App: p.App, WebApp: p.WebApp, Base: p.Base, Repos: p.Repos, WebModule: p.WebModule, Release: p.Release,
		Umbrella: p.Umbrella, AppsPath: strings.TrimPrefix(p.AppsPath, "./"), Apps: p.Apps,
		AppDir: p.AppDir(), WebDir: p.WebDir(), WebLib: p.WebLib(),
		Assets: p.Assets, AssetsNpm: p.AssetsNpm, AssetsSetup: p.Aliases["assets.setup"], AssetsDeploy: p.Aliases["assets.deploy"],
		PackageLock: p.PackageLock, Priv: p.Priv, PrivStatic: p.PrivStatic, MixLock: p.MixLock, CompileConfigs: p.CompileConfigs,
		HasReleasesConfig: p.HasReleasesConfig || p.Umbrella, ForceSSL: p.ForceSSL, BuildEnv: p.BuildEnv(),

		Name: name, Host: v.String("host"), Port: v.Int("port"), Database: v.String("database"),
		Clustering: v.Bool("clustering"), Libcluster: p.Libcluster, OwnNodeNames: p.OwnNodeNames,
		Region: v.String("region"), VMSize: v.String("vm-size"), VMMemory: v.String("vm-memory"), VolumeSize: v.Int("volume-size"),
		Image: strings.ReplaceAll(v.String("image"), "{name}", name), Namespace: v.String("namespace"), Replicas: v.Int("replicas"),
		ClusterDomain: v.String("cluster-domain"), IngressClass: v.String("ingress-class"),
		InstallDir: v.String("install-dir"), ServiceUser: v.String("service-user"),
		ElixirVersion: v.String("elixir-version"), OTPVersion: v.String("otp-version"), DebianVersion: v.String("debian-version"),
		RunnerPackages: v.List("extra-packages"),

		HealthPath: "/health", LivePath: "/health/live",
		HealthTimeoutMs: healthTimeout, HealthTimeoutLiteral: "1_000",
		UID: containerUID, DistPort: distPort,
		PreStopSeconds: preStopSeconds, DrainSeconds: drainSeconds,
		DataDir: "/data", Targets: r.Selected(v),
		Answers: map[string]string{},
	}
	// Without a host given, each target uses its own default host, never another's.
	if src := v.Source("host"); src == answers.SourceDefault || answers.IsDetected(src) {
		d.hostDefaults = map[string]string{}
		for _, t := range r.targets {
			if h, _, ok := t.defaultHost(p, name); ok {
				d.hostDefaults[t.Name] = h
			}
		}
	}
	// Ecto's files (migrations, the Release module, repo settings) need a repo the code defines.
	d.Ecto = d.Database != "none" && len(d.Repos) > 0
	for _, q := range r.Questions() {
		if s, ok := v.Get(q.Key); ok {
			d.Answers[q.Key] = s
		}
	}
	d.Router, d.Endpoint = p.Router, p.Endpoint
	d.HealthRepos = p.StartedRepos
	// The project's own release module is called, never replaced; the one phxdeploy wrote on an
	// earlier run is phxdeploy's to keep up to date.
	d.ReleaseModule, d.WriteRelease = p.ReleaseModule, p.ReleaseModule == "" || p.ReleaseIsPhxdeploys && p.ReleaseFile == releaseFile(d)
	if d.WriteRelease {
		d.ReleaseModule = d.Base + ".Release"
	}
	// What the builder's Elixir has: config_env/0 and runtime.exs from 1.11 (before, the runtime
	// config is config/releases.exs, evaluated only in releases, so it has no prod block), and
	// Logger.warning from 1.11.
	d.ConfigEnv = project.AtLeast(d.ElixirVersion, 1, 11)
	d.LoggerWarning = map[bool]string{true: "warning", false: "warn"}[d.ConfigEnv]
	d.RuntimeConfig = "config/runtime.exs"
	if p.ReleasesExs || !p.RuntimeExs && !d.ConfigEnv {
		d.RuntimeConfig = "config/releases.exs" // Mix still reads it when there is no runtime.exs
	}
	d.warnings = append(d.warnings, partialPins(p, d, v)...)
	d.projectTags = p.DockerTags
	if !project.Satisfies(d.ElixirVersion, p.ElixirRequirement) {
		d.warnings = append(d.warnings, fmt.Sprintf("the builder's Elixir %s does not meet mix.exs's requirement %q: pass --elixir-version with a version that does", d.ElixirVersion, p.ElixirRequirement))
	}
	d.HealthController = p.ExistingHealthPath == ""
	d.HealthModule, d.HealthFile = healthModule(p)
	if p.ExistingHealthPath != "" {
		d.HealthPath, d.LivePath = p.ExistingHealthPath, p.ExistingHealthPath
	}
	d.AssetsDir = path.Join(d.WebDir, "assets")
	d.assets(p.AssetsBuild)
	d.NetworkDatabase = d.Ecto && d.Database != "sqlite"
	d.DNSClusterQuery = d.Clustering && !p.Libcluster && !p.OwnNodeNames
	if d.DNSClusterQuery && !d.ConfigEnv {
		d.DNSClusterQuery = false // dns_cluster needs Elixir 1.11
		d.warnings = append(d.warnings, "dns_cluster needs Elixir 1.11 or later: the nodes are named for clustering, but nothing connects them (add libcluster, or build with a newer Elixir)")
	}
	d.settingNames, d.provided = p.Names(), map[string]bool{}
	for k, v := range p.Settings {
		d.provided[k] = v.At != "build"
	}
	d.importsRead = p.Contract.Unreadable == ""
	d.environment(p)
	d.ProbeHeaders = p.ForceSSL
	d.DatabaseURLExample = databaseURLExamples[d.Database]
	d.DatabasePort = map[string]int{"postgres": 5432, "mysql": 3306, "mssql": 1433}[d.Database]
	d.KillTimeoutSeconds = drainSeconds + 15
	d.composeFiles, d.flyConfigs = p.ComposeFiles, p.FlyConfigs
	d.SingleInstance = p.SingleInstance
	for _, t := range r.targets {
		d.imageBuilt = d.imageBuilt || t.BuildsImage && d.Selected(t.Name)
	}
	d.ReleaseDir, d.MigrateCommand = "/app", []string{"/app/bin/migrate"}
	d.image(p)
	if d.FlyMigrateCommand == nil {
		d.FlyMigrateCommand = d.MigrateCommand
	}
	d.keptScripts(p)
	for _, t := range r.targets {
		d.hostNeeded = d.hostNeeded || d.Selected(t.Name) && t.PublicHost == nil && !t.LocalHost
	}
	d.followFlyConfig(p, v)
	if d.imageBuilt && !d.KeptImage {
		// The release is not a good PID 1: it would keep zombies of its port programs and of
		// epmd's launcher. tini reaps them and forwards signals; -s (subreaper) keeps that true
		// where something else is PID 1 (Fly's init, docker run --init) and silences tini's
		// warning there.
		d.ImageInit = []string{"/usr/bin/tini", "-s", "--"}
		var warning string
		if d.BuilderTagKnown, warning = builderTag(d); warning != "" {
			d.warnings = append(d.warnings, warning)
		}
	}
	for _, t := range r.all() {
		if t.Derive != nil {
			t.Derive(d)
		}
	}
	return d
}

// Selected reports whether target name is selected.
func (d *Data) Selected(name string) bool { return slices.Contains(d.Targets, name) }

// SettingContext is what the runtime.exs settings refer to.
func (d *Data) SettingContext(newFile bool) setting.Context {
	return setting.Context{App: d.App, WebApp: d.WebApp, Repos: d.Repos, Endpoint: d.Endpoint,
		Database: d.Database, DNSCluster: d.DNSClusterQuery, NewFile: newFile, DatabaseURLExample: d.DatabaseURLExample,
		NoProdBlock: !d.ConfigEnv && d.RuntimeConfig == "config/releases.exs",
		Names:       d.settingNames, Provided: d.provided, ImportsRead: d.importsRead, BuildEnv: d.BuildEnv}
}

// healthModule names phxdeploy's health check after the router's namespace (ShopWeb.Router ->
// ShopWeb.Health, in lib/shop_web/health.ex), unless the project defines that module elsewhere:
// then a name it does not use.
func healthModule(p *project.Project) (module, file string) {
	if p.Router == "" {
		return "", ""
	}
	ns := p.Router[:max(strings.LastIndexByte(p.Router, '.'), 0)]
	if ns == "" {
		ns = p.Router
	}
	for _, name := range []string{"Health", "HealthCheck", "DeployHealth", "PhxdeployHealth"} {
		module = ns + "." + name
		file = path.Join(path.Dir(p.RouterFile), snake(name)+".ex")
		if !p.ModuleNames[module] || p.DefinedIn(module) == file {
			return module, file
		}
	}
	return module, file
}

// snake converts a module name part to its file name (HealthCheck -> health_check).
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// releaseFile is where phxdeploy writes its Release module.
func releaseFile(d *Data) string { return path.Join(d.AppDir, "lib", d.App, "release.ex") }

// assets turns the project's package manager into the builder's commands.
func (d *Data) assets(a project.Assets) {
	d.AssetsManager = a.Manager
	dir := d.AssetsDir
	frozen := a.Lock != ""
	switch a.Manager {
	case "npm":
		d.AssetsInstall = "npm install --prefix " + dir
		if a.Lock == "package-lock.json" || a.Lock == "npm-shrinkwrap.json" {
			d.AssetsInstall = "npm ci --prefix " + dir
		}
		if slices.Contains(a.Scripts, "deploy") {
			d.AssetsScript = "npm run deploy --prefix " + dir
		}
	case "yarn":
		if a.Berry {
			d.AssetsTool = "corepack enable"
			d.AssetsInstall = "cd " + dir + " && yarn install" + map[bool]string{true: " --immutable"}[frozen]
		} else {
			d.AssetsTool = "npm install --global yarn@1"
			d.AssetsInstall = "yarn --cwd " + dir + " install" + map[bool]string{true: " --frozen-lockfile"}[frozen]
		}
		if slices.Contains(a.Scripts, "deploy") {
			d.AssetsScript = "cd " + dir + " && yarn run deploy"
		}
	case "pnpm":
		d.AssetsTool = "npm install --global pnpm"
		d.AssetsInstall = "pnpm --dir " + dir + " install" + map[bool]string{true: " --frozen-lockfile"}[frozen]
		if slices.Contains(a.Scripts, "deploy") {
			d.AssetsScript = "pnpm --dir " + dir + " run deploy"
		}
	case "bun":
		d.AssetsTool = "npm install --global bun"
		d.AssetsInstall = "cd " + dir + " && bun install" + map[bool]string{true: " --frozen-lockfile"}[frozen]
		if slices.Contains(a.Scripts, "deploy") {
			d.AssetsScript = "cd " + dir + " && bun run deploy"
		}
	}
}

// ImageVolume is a directory the project's image declares VOLUME: the app writes there.
type ImageVolume struct {
	Name string // the pod's volume name
	Path string
}

// OtherDatabase is a repo's database that the deployment provides (phxdeploy runs none).
type OtherDatabase struct {
	Repo string
	Var  string // the variable its URL is read from
	Port int    // the port of the code's default URL (0 when it names none)
}
