package generator

import (
	"path"
	"strings"
)

// Data is what every template receives. Its field names are a contract with organization
// templates: add fields freely, but renaming or removing one breaks overrides.
type Data struct {
	// Project names.
	App       string        `doc:"OTP app that owns the Repo and the Release module"`
	WebApp    string        `doc:"OTP app that owns the Endpoint"`
	Base      string        `doc:"base module, e.g. MyApp"`
	Repos     []string      `doc:"Ecto repos from :ecto_repos, e.g. [MyApp.Repo]"`
	WebModule string        `doc:"web module, e.g. MyAppWeb"`
	Release   string        `doc:"release name"`
	Umbrella  bool          `doc:"the project is an umbrella"`
	AppsPath  string        `doc:"the umbrella apps directory"`
	Apps      []UmbrellaApp `doc:"the umbrella apps (Name, Dir)"`
	AppDir    string        `doc:"directory of the core app, '' for a regular project"`
	WebDir    string        `doc:"directory of the web app, '' for a regular project"`
	WebLib    string        `doc:"directory of the web module's files, e.g. lib/my_app_web"`

	// Project facts that shape the build.
	Assets            bool     `doc:"the web app has an assets/ directory"`
	AssetsNpm         bool     `doc:"assets/package.json exists: the build needs Node"`
	AssetsDir         string   `doc:"assets directory relative to the root"`
	AssetsSetup       bool     `doc:"mix.exs defines an assets.setup alias"`
	AssetsDeploy      bool     `doc:"mix.exs defines an assets.deploy alias"`
	PackageLock       bool     `doc:"assets/package-lock.json exists"`
	Priv              bool     `doc:"priv/ exists"`
	MixLock           bool     `doc:"mix.lock exists"`
	RuntimeConfig     string   `doc:"the runtime config file: config/runtime.exs, or config/releases.exs in projects from Elixir 1.9-1.10"`
	CompileConfigs    []string `doc:"config files compile time needs, relative to the root"`
	HasReleasesConfig bool     `doc:"mix.exs defines releases:"`
	ForceSSL          bool     `doc:"force_ssl is configured"`

	// Answers.
	Name          string `doc:"deploy name (Fly app, Kubernetes resources, systemd unit)"`
	Host          string `doc:"public host (PHX_HOST)"`
	Port          int    `doc:"HTTP port (PORT)"`
	Database      string `doc:"postgres, mysql, sqlite, mssql or none"`
	Ecto          bool   `doc:"a database is in use"`
	Clustering    bool   `doc:"nodes cluster"`
	Libcluster    bool   `doc:"the project clusters with libcluster (kept as it is)"`
	Region        string `doc:"Fly primary region"`
	VMSize        string `doc:"Fly machine size"`
	VMMemory      string `doc:"Fly machine memory"`
	VolumeSize    int    `doc:"SQLite volume size in GB"`
	Image         string `doc:"image reference (Kubernetes)"`
	Namespace     string `doc:"Kubernetes namespace"`
	Replicas      int    `doc:"Kubernetes replicas"`
	InstallDir    string `doc:"systemd install directory"`
	ServiceUser   string `doc:"systemd user"`
	ElixirVersion string `doc:"builder Elixir version"`
	OTPVersion    string `doc:"builder Erlang/OTP version"`
	DebianVersion string `doc:"Debian tag of builder and runner"`

	// Derived values shared by several targets.
	NetworkDatabase      bool     `doc:"the database is reached over the network (not SQLite)"`
	DNSClusterQuery      bool     `doc:"the app reads DNS_CLUSTER_QUERY (dns_cluster, not libcluster)"`
	ReleaseCommand       bool     `doc:"Fly runs migrations as a release command"`
	FlyVolumeStage       bool     `doc:"the Dockerfile has a stage that hands a Fly volume to the app user"`
	ProbeHeaders         bool     `doc:"health probes send headers that pass force_ssl"`
	DataDir              string   `doc:"where SQLite keeps its database in containers"`
	VolumeName           string   `doc:"Fly volume name"`
	DatabaseURLExample   string   `doc:"an example DATABASE_URL"`
	DatabasePort         int      `doc:"the network database's default port"`
	HealthController     bool     `doc:"phxdeploy adds its health controller (the project has no health check)"`
	HealthPath           string   `doc:"readiness path"`
	LivePath             string   `doc:"liveness path"`
	HealthTimeoutMs      int      `doc:"readiness check timeout (ms)"`
	HealthTimeoutLiteral string   `doc:"the same, as an Elixir literal (1_000)"`
	UID                  int      `doc:"numeric user and group of the container"`
	DistPort             int      `doc:"fixed Erlang distribution port"`
	PreStopSeconds       int      `doc:"Kubernetes preStop pause"`
	DrainSeconds         int      `doc:"time the endpoint drains after SIGTERM"`
	GraceSeconds         int      `doc:"Kubernetes termination grace period"`
	KillTimeoutSeconds   int      `doc:"Fly kill_timeout and systemd TimeoutStopSec"`
	SecretName           string   `doc:"Kubernetes Secret with the app secrets"`
	StatefulSet          bool     `doc:"Kubernetes runs a StatefulSet (SQLite) instead of a Deployment"`
	WorkloadFile         string   `doc:"deployment.yaml or statefulset.yaml"`
	HeadlessService      bool     `doc:"the headless Service is needed (clustering, or the StatefulSet)"`
	EnvFile              string   `doc:"systemd EnvironmentFile"`
	RunnerPackages       []string `doc:"extra runner packages (--extra-packages)"`

	Env     map[string]string `doc:"the project's names for DATABASE_URL, DATABASE_PATH, POOL_SIZE, ECTO_IPV6, SECRET_KEY_BASE, PHX_HOST, PORT, DNS_CLUSTER_QUERY"`
	Targets []string          `doc:"selected targets, e.g. ['fly', 'k8s']"`
}

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

// NewData combines project facts and settings into the template data.
func NewData(p *Project, s *Settings) *Data {
	d := &Data{
		App: p.App, WebApp: p.WebApp, Base: p.Base, Repos: p.Repos, WebModule: p.WebModule, Release: p.Release,
		Umbrella: p.Umbrella, AppsPath: strings.TrimPrefix(p.AppsPath, "./"), Apps: p.Apps,
		AppDir: p.AppDir(), WebDir: p.WebDir(), WebLib: p.WebLib(),
		Assets: p.Assets, AssetsNpm: p.AssetsNpm, AssetsSetup: p.Aliases["assets.setup"], AssetsDeploy: p.Aliases["assets.deploy"],
		PackageLock: p.PackageLock, Priv: p.Priv, MixLock: p.MixLock, CompileConfigs: p.CompileConfigs,
		HasReleasesConfig: p.HasReleasesConfig || p.Umbrella, ForceSSL: p.ForceSSL,

		Name: s.Name, Host: s.Host, Port: s.Port, Database: s.Database, Ecto: s.Database != "none",
		Clustering: s.Clustering, Libcluster: p.Libcluster,
		Region: s.Region, VMSize: s.VMSize, VMMemory: s.VMMemory, VolumeSize: s.VolumeSize,
		Image: s.Image, Namespace: s.Namespace, Replicas: s.Replicas,
		InstallDir: s.InstallDir, ServiceUser: s.ServiceUser,
		ElixirVersion: s.ElixirVersion, OTPVersion: s.OTPVersion, DebianVersion: s.DebianVersion,

		HealthPath: "/health", LivePath: "/health/live",
		HealthTimeoutMs: healthTimeout, HealthTimeoutLiteral: "1_000",
		UID: containerUID, DistPort: distPort,
		PreStopSeconds: preStopSeconds, DrainSeconds: drainSeconds,
		DataDir: "/data", SecretName: s.Name, Targets: s.Targets,
		EnvFile: "/etc/" + s.Name + "/" + s.Name + ".env", RunnerPackages: s.ExtraPackages,
	}
	if len(d.Repos) == 0 {
		d.Repos = []string{d.Base + ".Repo"}
	}
	// An umbrella always ends up with a release definition: phxdeploy adds one (or the user does,
	// from the manual snippet), so the Dockerfile names the release from the start.
	d.RuntimeConfig = "config/runtime.exs"
	if p.ReleasesExs {
		d.RuntimeConfig = "config/releases.exs" // Mix still reads it when there is no runtime.exs
	}
	d.Env = map[string]string{}
	for _, v := range EnvVars {
		d.Env[v] = v
		if n := p.Env[v]; n != "" {
			d.Env[v] = n
		}
	}
	d.HealthController = p.ExistingHealthPath == ""
	if !d.HealthController {
		d.HealthPath, d.LivePath = p.ExistingHealthPath, p.ExistingHealthPath
	}
	d.AssetsDir = path.Join(d.WebDir, "assets")
	d.NetworkDatabase = d.Ecto && d.Database != "sqlite"
	d.DNSClusterQuery = d.Clustering && !p.Libcluster
	d.ReleaseCommand = d.NetworkDatabase
	d.FlyVolumeStage = d.Database == "sqlite" && contains(s.Targets, "fly")
	d.ProbeHeaders = p.ForceSSL
	d.VolumeName = strings.ReplaceAll(s.Name, "-", "_") + "_data"
	d.DatabaseURLExample = databaseURLExamples[d.Database]
	d.StatefulSet = d.Database == "sqlite"
	d.WorkloadFile = map[bool]string{true: "statefulset.yaml", false: "deployment.yaml"}[d.StatefulSet]
	d.HeadlessService = d.Clustering || d.StatefulSet
	d.DatabasePort = map[string]int{"postgres": 5432, "mysql": 3306, "mssql": 1433}[d.Database]
	d.GraceSeconds = preStopSeconds + drainSeconds + 10
	d.KillTimeoutSeconds = drainSeconds + 15
	return d
}

// SampleProject is a Phoenix 1.8 project with Postgres, assets and force_ssl, made of facts
// alone (no files): the example for `templates vars` and the base of lint's project shapes.
func SampleProject() *Project {
	return &Project{App: "shop", WebApp: "shop", Base: "Shop", WebModule: "ShopWeb", Release: "shop",
		PhoenixMinor: "1.8", Database: "postgres", EctoSQL: true, DNSCluster: true, Bandit: true,
		Assets: true, Priv: true, MixLock: true, ForceSSL: true, PlugVersion: "1.18.1",
		CompileConfigs: []string{"config/config.exs", "config/prod.exs"},
		Aliases:        map[string]bool{"assets.setup": true, "assets.deploy": true}}
}

// SampleAnswers selects every target for SampleProject.
func SampleAnswers() map[string]string {
	return map[string]string{"target": strings.Join(Targets, ","), "image": "registry.example.com/shop:1.0.0", "host": "shop.example.com"}
}
