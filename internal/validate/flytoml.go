package validate

import (
	"bytes"
	"errors"
	"fmt"

	toml "github.com/pelletier/go-toml/v2"
)

// FlyConfig mirrors the keys flyctl's internal/appconfig accepts in fly.toml (see its
// testdata/full-reference.toml; checked against flyctl's config.go and service.go and fly-go's
// MachineGuest in August 2026). Decoding with unknown fields disallowed catches misspelt or
// invented keys that flyctl would silently ignore.
type FlyConfig struct {
	App            string            `toml:"app"`
	PrimaryRegion  string            `toml:"primary_region"`
	KillSignal     string            `toml:"kill_signal"`
	KillTimeout    string            `toml:"kill_timeout"`
	SwapSizeMB     *int              `toml:"swap_size_mb"`
	ConsoleCommand string            `toml:"console_command"`
	Experimental   map[string]any    `toml:"experimental"`
	Build          *FlyBuild         `toml:"build"`
	Deploy         *FlyDeploy        `toml:"deploy"`
	Env            map[string]string `toml:"env"`
	Processes      map[string]string `toml:"processes"`
	Mounts         []FlyMount        `toml:"mounts"`
	HTTPService    *FlyHTTPService   `toml:"http_service"`
	Services       []map[string]any  `toml:"services"`
	Checks         map[string]any    `toml:"checks"`
	Files          []FlyFile         `toml:"files"`
	VM             []FlyVM           `toml:"vm"`
	Statics        []FlyStatic       `toml:"statics"`
	Metrics        []map[string]any  `toml:"metrics"`
	Restart        []FlyRestart      `toml:"restart"`
	HostDedication string            `toml:"host_dedication_id"`
	MachineConfig  string            `toml:"machine_config"`
	Container      string            `toml:"container"`
	MachineChecks  []map[string]any  `toml:"machine_checks"`
}

type FlyBuild struct {
	Builder          string            `toml:"builder"`
	Args             map[string]string `toml:"args"`
	Buildpacks       []string          `toml:"buildpacks"`
	Image            string            `toml:"image"`
	Settings         map[string]any    `toml:"settings"`
	Builtin          string            `toml:"builtin"`
	Dockerfile       string            `toml:"dockerfile"`
	Ignorefile       string            `toml:"ignorefile"`
	BuildTarget      string            `toml:"build-target"`
	Compose          map[string]any    `toml:"compose"`
	Compression      string            `toml:"compression"`
	CompressionLevel *int              `toml:"compression_level"`
}

type FlyDeploy struct {
	Strategy              string   `toml:"strategy"`
	MaxUnavailable        *float64 `toml:"max_unavailable"`
	WaitTimeout           string   `toml:"wait_timeout"`
	ReleaseCommand        string   `toml:"release_command"`
	ReleaseCommandTimeout string   `toml:"release_command_timeout"`
	ReleaseCommandVM      *FlyVM   `toml:"release_command_vm"`
	SeedCommand           string   `toml:"seed_command"`
}

type FlyMount struct {
	Source                  string   `toml:"source"`
	Destination             string   `toml:"destination"`
	InitialSize             string   `toml:"initial_size"`
	SnapshotRetention       *int     `toml:"snapshot_retention"`
	ScheduledSnapshots      *bool    `toml:"scheduled_snapshots"`
	AutoExtendSizeThreshold int      `toml:"auto_extend_size_threshold"`
	AutoExtendSizeIncrement string   `toml:"auto_extend_size_increment"`
	AutoExtendSizeLimit     string   `toml:"auto_extend_size_limit"`
	Processes               []string `toml:"processes"`
}

type FlyHTTPService struct {
	InternalPort       int              `toml:"internal_port"`
	ForceHTTPS         bool             `toml:"force_https"`
	AutoStopMachines   any              `toml:"auto_stop_machines"` // "off", "stop", "suspend" (formerly a bool)
	AutoStartMachines  *bool            `toml:"auto_start_machines"`
	MinMachinesRunning *int             `toml:"min_machines_running"`
	Processes          []string         `toml:"processes"`
	Concurrency        *FlyConcurrency  `toml:"concurrency"`
	TLSOptions         map[string]any   `toml:"tls_options"`
	HTTPOptions        map[string]any   `toml:"http_options"`
	Checks             []FlyHTTPCheck   `toml:"checks"`
	MachineChecks      []map[string]any `toml:"machine_checks"`
}

type FlyConcurrency struct {
	Type      string `toml:"type"`
	SoftLimit int    `toml:"soft_limit"`
	HardLimit int    `toml:"hard_limit"`
}

type FlyHTTPCheck struct {
	GracePeriod   string            `toml:"grace_period"`
	Interval      string            `toml:"interval"`
	Method        string            `toml:"method"`
	Timeout       string            `toml:"timeout"`
	Path          string            `toml:"path"`
	Protocol      string            `toml:"protocol"`
	TLSSkipVerify *bool             `toml:"tls_skip_verify"`
	TLSServerName string            `toml:"tls_server_name"`
	Headers       map[string]string `toml:"headers"`
}

type FlyFile struct {
	GuestPath  string   `toml:"guest_path"`
	LocalPath  string   `toml:"local_path"`
	SecretName string   `toml:"secret_name"`
	RawValue   string   `toml:"raw_value"`
	Processes  []string `toml:"processes"`
}

type FlyVM struct {
	Size             string   `toml:"size"`
	Memory           string   `toml:"memory"`
	CPUKind          string   `toml:"cpu_kind"`
	CPUs             int      `toml:"cpus"`
	MemoryMB         int      `toml:"memory_mb"`
	GPUs             int      `toml:"gpus"`
	GPUKind          string   `toml:"gpu_kind"`
	MaxMemoryMB      int      `toml:"max_memory_mb"`
	HostDedicationID string   `toml:"host_dedication_id"`
	PersistRootfs    string   `toml:"persist_rootfs"`
	KernelArgs       []string `toml:"kernel_args"`
	Processes        []string `toml:"processes"`
}

type FlyStatic struct {
	GuestPath     string `toml:"guest_path"`
	URLPrefix     string `toml:"url_prefix"`
	TigrisBucket  string `toml:"tigris_bucket"`
	IndexDocument string `toml:"index_document"`
}

type FlyRestart struct {
	Policy    string   `toml:"policy"`
	Retries   int      `toml:"retries"`
	Processes []string `toml:"processes"`
}

// DecodeFly decodes fly.toml strictly.
func DecodeFly(content []byte) (*FlyConfig, error) {
	var cfg FlyConfig
	dec := toml.NewDecoder(bytes.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) {
			return nil, fmt.Errorf("fly.toml: unknown keys:\n%s", sm.String())
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, fmt.Errorf("fly.toml:%d:%d: %s", row, col, de.Error())
		}
		return nil, fmt.Errorf("fly.toml: %w", err)
	}
	return &cfg, nil
}

// FlyExpectations are the facts a fly.toml must agree with.
type FlyExpectations struct {
	SQLite       bool
	Migrations   bool // a network database: migrations run as the release command
	HealthPath   string
	ProbeHeaders bool // force_ssl is on: the check must carry X-Forwarded-Proto
	Port         int
	// The names the app reads PORT and DATABASE_PATH under ("" means the Phoenix names).
	PortVar, DatabasePathVar string
}

// Fly decodes fly.toml strictly and checks it against what the project needs.
func Fly(content []byte, want FlyExpectations) []string {
	cfg, err := DecodeFly(content)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, "fly.toml: "+fmt.Sprintf(format, args...))
	}
	if cfg.App == "" {
		bad("no app name")
	}
	hasRelease := cfg.Deploy != nil && cfg.Deploy.ReleaseCommand != ""
	if want.SQLite && hasRelease {
		bad("release_command with SQLite: the release machine has no volume")
	}
	if want.Migrations && !hasRelease {
		bad("no release_command: migrations would not run before traffic")
	}
	if !want.Migrations && hasRelease {
		bad("release_command %q, but the project has no network database to migrate", cfg.Deploy.ReleaseCommand)
	}
	if want.SQLite {
		if len(cfg.Mounts) != 1 {
			bad("SQLite needs exactly one [[mounts]] volume, found %d", len(cfg.Mounts))
		} else if path := cfg.Env[orDefault(want.DatabasePathVar, "DATABASE_PATH")]; path == "" || !hasDirPrefix(path, cfg.Mounts[0].Destination) {
			bad("%s %q is not under the volume mounted at %q", orDefault(want.DatabasePathVar, "DATABASE_PATH"), path, cfg.Mounts[0].Destination)
		}
	}
	if cfg.SwapSizeMB != nil && *cfg.SwapSizeMB <= 0 {
		bad("swap_size_mb = %d: give a size in MB, or leave the key out", *cfg.SwapSizeMB)
	}
	for _, m := range cfg.Mounts {
		if r := m.SnapshotRetention; r != nil && (*r < 1 || *r > 60) {
			bad("[[mounts]] %s: snapshot_retention = %d, but Fly keeps snapshots 1 to 60 days", m.Source, *r)
		}
	}
	for k := range cfg.Env {
		if isSecretName(k) {
			bad("[env] holds %s, which is a secret: set it with fly secrets", k)
		}
	}
	hs := cfg.HTTPService
	if hs == nil {
		bad("no [http_service]")
		return problems
	}
	if hs.InternalPort != want.Port {
		bad("internal_port %d, but the app listens on %d", hs.InternalPort, want.Port)
	}
	if portVar := orDefault(want.PortVar, "PORT"); cfg.Env[portVar] != fmt.Sprint(want.Port) {
		bad("[env] %s %q differs from internal_port %d", portVar, cfg.Env[portVar], want.Port)
	}
	if len(hs.Checks) == 0 {
		bad("no [[http_service.checks]]")
	}
	for _, c := range hs.Checks {
		if c.Path != want.HealthPath {
			bad("check path %q, but the health route is %q", c.Path, want.HealthPath)
		}
		if want.ProbeHeaders && c.Headers["X-Forwarded-Proto"] != "https" {
			bad("force_ssl is on but the check does not send X-Forwarded-Proto = \"https\": it would get a redirect")
		}
	}
	return problems
}

func hasDirPrefix(path, dir string) bool {
	return dir != "" && len(path) > len(dir) && path[:len(dir)] == dir && path[len(dir)] == '/'
}

func isSecretName(k string) bool {
	switch k {
	case "SECRET_KEY_BASE", "DATABASE_URL", "RELEASE_COOKIE":
		return true
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
