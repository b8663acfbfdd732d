package generator

import (
	"path"
	"strings"
)

// Data is what every template receives. Its field names are a contract with organization
// templates: add fields freely, but renaming or removing one breaks overrides.
type Data struct {
	// Project names.
	App       string   // OTP app that owns the Repo and the Release module
	WebApp    string   // OTP app that owns the Endpoint
	Base      string   // base module, e.g. MyApp
	Repos     []string // Ecto repos from :ecto_repos, e.g. [MyApp.Repo]
	WebModule string   // web module, e.g. MyAppWeb
	Release   string   // release name
	Umbrella  bool
	AppsPath  string
	Apps      []UmbrellaApp
	AppDir    string // directory of the core app, "" for a regular project
	WebDir    string // directory of the web app, "" for a regular project
	WebLib    string // directory of the web module's files, e.g. lib/my_app_web

	// Project facts that shape the build.
	Assets            bool
	AssetsNpm         bool
	AssetsDir         string // assets directory relative to the root
	AssetsSetup       bool   // mix.exs defines an assets.setup alias
	AssetsDeploy      bool   // mix.exs defines an assets.deploy alias
	PackageLock       bool   // assets/package-lock.json exists
	Priv              bool
	MixLock           bool
	CompileConfigs    []string // config files compile time needs, relative to the root
	HasReleasesConfig bool
	ForceSSL          bool

	// Answers.
	Name          string
	Host          string
	Port          int
	Database      string // postgres, mysql, sqlite, mssql or none
	Ecto          bool   // a database is in use
	Clustering    bool
	Libcluster    bool // the project clusters with libcluster (kept as it is)
	Region        string
	VMSize        string
	VMMemory      string
	VolumeSize    int
	Image         string
	Namespace     string
	Replicas      int
	InstallDir    string
	ServiceUser   string
	ElixirVersion string
	OTPVersion    string
	DebianVersion string

	// Derived values shared by several targets.
	NetworkDatabase      bool   // the database is reached over the network (not SQLite)
	DNSClusterQuery      bool   // the app reads DNS_CLUSTER_QUERY (dns_cluster, not libcluster)
	ReleaseCommand       bool   // Fly runs migrations as a release command
	FlyVolumeStage       bool   // the Dockerfile has a stage that hands a Fly volume to the app user
	ProbeHeaders         bool   // health probes send headers that pass force_ssl
	DataDir              string // where SQLite keeps its database in containers
	VolumeName           string // Fly volume name
	DatabaseURLExample   string
	DatabasePort         int  // the network database's default port
	HealthController     bool // phxdeploy adds its health controller (the project has no health check)
	HealthPath           string
	LivePath             string
	HealthTimeoutMs      int
	HealthTimeoutLiteral string // the same, as an Elixir literal (1_000)
	UID                  int    // numeric user and group of the container
	DistPort             int    // fixed Erlang distribution port
	PreStopSeconds       int
	DrainSeconds         int
	GraceSeconds         int
	KillTimeoutSeconds   int
	SecretName           string
	StatefulSet          bool   // Kubernetes runs a StatefulSet (SQLite) instead of a Deployment
	WorkloadFile         string // deployment.yaml or statefulset.yaml
	HeadlessService      bool   // the headless Service is needed (clustering, or the StatefulSet)
	EnvFile              string
	RunnerPackages       []string

	Targets []string // selected targets, e.g. ["fly", "k8s"]

	runtimeExists bool
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
		HasReleasesConfig: p.HasReleasesConfig, ForceSSL: p.ForceSSL,

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
		DataDir: "/data", SecretName: s.Name, Targets: s.Targets, runtimeExists: p.RuntimeExs,
		EnvFile: "/etc/" + s.Name + "/" + s.Name + ".env", RunnerPackages: s.ExtraPackages,
	}
	if len(d.Repos) == 0 {
		d.Repos = []string{d.Base + ".Repo"}
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
