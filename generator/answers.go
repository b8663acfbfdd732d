package generator

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Targets phxdeploy renders, in the order they are shown.
var Targets = []string{"fly", "docker", "systemd", "k8s"}

// Answer sources, highest precedence first.
const (
	SourceFlag     = "flag"
	SourcePrompt   = "prompt"
	SourceDetected = "detected"
	SourceDefault  = "default"
)

// Kind of value a question takes.
type Kind int

const (
	KindString Kind = iota
	KindInt
	KindBool
	KindList // comma-separated
)

// Question is one answer phxdeploy needs. The same table makes the flags, the prompts and the
// defaults, so that every question a prompt asks can also be given as a flag.
type Question struct {
	Key     string   // long flag name, and the key in saved answers and organization defaults
	Title   string   // prompt title
	Help    string   // flag usage
	Kind    Kind     // value type
	Options []string // allowed values, when the set is closed
	// Targets lists the targets that need the answer; empty means every target.
	Targets []string
	// RequiredFor lists the targets for which the question has no default (when that differs
	// from Targets), so that the error can name them.
	RequiredFor []string
	// When further restricts the question (nil: whenever a target needs it).
	When func(p *Project, v *Values) bool
	// Default returns the default and where it came from; ok=false means there is no sensible
	// default and the answer must be given.
	Default  func(p *Project, v *Values) (value, source string, ok bool)
	Validate func(string) error
}

// Needed reports whether the question applies to the selected targets.
func (q *Question) Needed(p *Project, v *Values) bool {
	if len(q.Targets) > 0 {
		any := false
		for _, t := range q.Targets {
			any = any || v.HasTarget(t)
		}
		if !any {
			return false
		}
	}
	return q.When == nil || q.When(p, v)
}

// Values holds raw answers by key with their source.
type Values struct {
	raw    map[string]string
	source map[string]string
	// fallback holds saved answers and organization defaults: they replace a question's
	// built-in default, but flags and prompts win over them.
	fallback map[string][2]string
}

// NewValues returns an empty set of answers.
func NewValues() *Values {
	return &Values{raw: map[string]string{}, source: map[string]string{}, fallback: map[string][2]string{}}
}

// SetFallback records a default from a saved answer or an organization; the first one recorded
// for a key wins.
func (v *Values) SetFallback(key, value, source string) {
	if _, ok := v.fallback[key]; !ok {
		v.fallback[key] = [2]string{value, source}
	}
}

// DefaultFor returns the value a question gets when nobody answers it: a saved answer or an
// organization default when there is one, else the built-in default.
func (v *Values) DefaultFor(q *Question, p *Project) (value, source string, ok bool) {
	if f, ok := v.fallback[q.Key]; ok {
		return f[0], f[1], true
	}
	return q.Default(p, v)
}

// Set records an answer and where it came from.
func (v *Values) Set(key, value, source string) {
	v.raw[key] = value
	v.source[key] = source
}

// Get returns an answer and whether one was recorded.
func (v *Values) Get(key string) (string, bool) {
	s, ok := v.raw[key]
	return s, ok
}

// Source returns where an answer came from.
func (v *Values) Source(key string) string { return v.source[key] }

// TargetList returns the selected targets in canonical order.
func (v *Values) TargetList() []string {
	var out []string
	sel := splitList(v.raw["target"])
	for _, t := range Targets {
		if contains(sel, t) {
			out = append(out, t)
		}
	}
	return out
}

// HasTarget reports whether target t is selected.
func (v *Values) HasTarget(t string) bool { return contains(splitList(v.raw["target"]), t) }

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func fixed(value string) func(*Project, *Values) (string, string, bool) {
	return func(*Project, *Values) (string, string, bool) { return value, SourceDefault, true }
}

var (
	dnsLabelRe = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	hostRe     = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$`)
	versionRe  = regexp.MustCompile(`^\d+\.\d+(\.\d+)*$`)
	debianRe   = regexp.MustCompile(`^[a-z]+(-[0-9]{8})?(-slim)?$`)
	imageRe    = regexp.MustCompile(`^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$`)
	pathRe     = regexp.MustCompile(`^/[A-Za-z0-9._/-]+$`)
	userRe     = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	sizeRe     = regexp.MustCompile(`^\d+(mb|gb)$`)
)

func matches(re *regexp.Regexp, what string) func(string) error {
	return func(s string) error {
		if !re.MatchString(s) {
			return fmt.Errorf("%q is not a valid %s", s, what)
		}
		return nil
	}
}

func intRange(lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%q is not a whole number from %d to %d", s, lo, hi)
		}
		return nil
	}
}

func oneOf(options []string) func(string) error {
	return func(s string) error {
		if !contains(options, s) {
			return fmt.Errorf("%q is not one of %s", s, strings.Join(options, ", "))
		}
		return nil
	}
}

func validateTargets(s string) error {
	list := splitList(s)
	if len(list) == 0 {
		return fmt.Errorf("choose at least one target (%s)", strings.Join(Targets, ", "))
	}
	for _, t := range list {
		if !contains(Targets, t) {
			return fmt.Errorf("unknown target %q (choose from %s)", t, strings.Join(Targets, ", "))
		}
	}
	return nil
}

var packageRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]+$`)

func validatePackages(s string) error {
	for _, p := range splitList(s) {
		if !packageRe.MatchString(p) {
			return fmt.Errorf("%q is not a Debian package name", p)
		}
	}
	return nil
}

// validateImage checks an image reference; "{name}" stands for the deploy name (organization
// defaults use it as a pattern, such as registry.acme.com/{name}:1.0.0).
func validateImage(s string) error {
	s = strings.ReplaceAll(s, "{name}", "name")
	if err := matches(imageRe, "image reference (registry/name:tag)")(s); err != nil {
		return err
	}
	last := s[strings.LastIndex(s, "/")+1:]
	if !strings.Contains(last, ":") && !strings.Contains(s, "@") {
		return fmt.Errorf("%q has no tag: give an explicit version tag such as %s:1.0.0", s, s)
	}
	if strings.HasSuffix(last, ":latest") {
		return fmt.Errorf("%q uses the latest tag, which Kubernetes cannot roll back: give a version tag", s)
	}
	return nil
}

// versionDefault uses the project's pinned version when it is a full version, else the built-in.
func versionDefault(pinned func(p *Project) string, builtin string) func(*Project, *Values) (string, string, bool) {
	return func(p *Project, _ *Values) (string, string, bool) {
		if v := pinned(p); versionRe.MatchString(v) && strings.Count(v, ".") >= 2 {
			return v, SourceDetected, true
		}
		return builtin, SourceDefault, true
	}
}

// Databases are the adapters phxdeploy knows, by the name used in flags.
var Databases = []string{"postgres", "mysql", "sqlite", "mssql", "none"}

var imageTargets = []string{"fly", "docker", "k8s"}

// Questions is the full table, in prompt order.
var Questions = []*Question{
	{Key: "target", Title: "Deployment targets", Help: "targets to render: " + strings.Join(Targets, ","), Kind: KindList, Options: Targets,
		Default: func(*Project, *Values) (string, string, bool) { return "", "", false }, Validate: validateTargets},
	{Key: "name", Title: "Deploy name (Fly app, Kubernetes and systemd name)", Help: "deploy name: Fly app name, Kubernetes resource name, systemd unit (default: the app name with dashes)", Kind: KindString,
		Default: func(p *Project, _ *Values) (string, string, bool) {
			return strings.ReplaceAll(p.Release, "_", "-"), SourceDetected, true
		}, Validate: matches(dnsLabelRe, "name (lowercase letters, digits and dashes, 63 at most, starting with a letter)")},
	{Key: "host", Title: "Public host name (PHX_HOST)", Help: "public host name the app is served on (PHX_HOST)", Kind: KindString,
		RequiredFor: []string{"systemd", "k8s"},
		Default: func(p *Project, v *Values) (string, string, bool) {
			if v.HasTarget("fly") {
				name, _ := v.Get("name")
				return name + ".fly.dev", SourceDefault, true
			}
			if !v.HasTarget("systemd") && !v.HasTarget("k8s") {
				return "localhost", SourceDefault, true
			}
			return "", "", false
		}, Validate: matches(hostRe, "host name")},
	{Key: "port", Title: "HTTP port inside the container or host (PORT)", Help: "port the endpoint listens on (PORT)", Kind: KindInt,
		Default: fixed("4000"), Validate: intRange(1024, 65535)},
	{Key: "database", Title: "Database adapter", Help: "database adapter, overriding detection: " + strings.Join(Databases, ", "), Kind: KindString, Options: Databases,
		Default: func(p *Project, _ *Values) (string, string, bool) { return p.Database, SourceDetected, true }, Validate: oneOf(Databases)},
	{Key: "clustering", Title: "Cluster the nodes (dns_cluster)?", Help: "connect the nodes of a deploy into an Erlang cluster (dns_cluster, or the project's libcluster)", Kind: KindBool,
		Default: fixed("true"), Validate: oneOf([]string{"true", "false"})},
	{Key: "region", Title: "Fly.io primary region", Help: "Fly.io primary region", Kind: KindString, Targets: []string{"fly"},
		Default: fixed("iad"), Validate: matches(regexp.MustCompile(`^[a-z]{3}$`), "Fly region code (three letters, e.g. iad, fra)")},
	{Key: "vm-size", Title: "Fly.io VM size", Help: "Fly.io machine size", Kind: KindString, Targets: []string{"fly"},
		Default: fixed("shared-cpu-1x"), Validate: matches(regexp.MustCompile(`^(shared-cpu|performance)-\d+x$`), "Fly VM size (e.g. shared-cpu-1x, performance-2x)")},
	{Key: "vm-memory", Title: "Fly.io VM memory", Help: "Fly.io machine memory (e.g. 1gb, 512mb)", Kind: KindString, Targets: []string{"fly"},
		Default: fixed("1gb"), Validate: matches(sizeRe, "memory size (e.g. 512mb, 1gb)")},
	{Key: "volume-size", Title: "Volume size for the SQLite database (GB)", Help: "size in GB of the volume that holds the SQLite database (Fly volume, Kubernetes claim)", Kind: KindInt, Targets: []string{"fly", "k8s"},
		When:    func(p *Project, v *Values) bool { d, _ := v.Get("database"); return d == "sqlite" },
		Default: fixed("1"), Validate: intRange(1, 500)},
	{Key: "image", Title: "Container image reference with a version tag (registry/name:tag)", Help: "image the Kubernetes Deployment runs, with a version tag (required for k8s)", Kind: KindString, Targets: []string{"k8s"},
		Default: func(*Project, *Values) (string, string, bool) { return "", "", false }, Validate: validateImage},
	{Key: "namespace", Title: "Kubernetes namespace", Help: "Kubernetes namespace", Kind: KindString, Targets: []string{"k8s"},
		Default: func(_ *Project, v *Values) (string, string, bool) {
			n, _ := v.Get("name")
			return n, SourceDefault, true
		},
		Validate: matches(dnsLabelRe, "namespace")},
	{Key: "replicas", Title: "Kubernetes replicas", Help: "number of pods (1 with SQLite)", Kind: KindInt, Targets: []string{"k8s"},
		Default: func(_ *Project, v *Values) (string, string, bool) {
			if d, _ := v.Get("database"); d == "sqlite" {
				return "1", SourceDefault, true
			}
			return "2", SourceDefault, true
		}, Validate: intRange(1, 1000)},
	{Key: "install-dir", Title: "Directory the release is installed in (systemd)", Help: "where the release is unpacked on the host (systemd)", Kind: KindString, Targets: []string{"systemd"},
		Default: func(p *Project, v *Values) (string, string, bool) {
			n, _ := v.Get("name")
			return "/opt/" + n, SourceDefault, true
		}, Validate: matches(pathRe, "absolute path")},
	{Key: "service-user", Title: "System user that runs the service (systemd)", Help: "system user the unit runs as (systemd)", Kind: KindString, Targets: []string{"systemd"},
		Default: func(p *Project, v *Values) (string, string, bool) {
			n, _ := v.Get("name")
			return n, SourceDefault, true
		}, Validate: matches(userRe, "user name")},
	{Key: "extra-packages", Title: "Extra Debian packages for the runner image (comma-separated)", Help: "Debian packages to add to the runner image, comma-separated", Kind: KindList, Targets: imageTargets,
		Default: fixed(""), Validate: validatePackages},
	{Key: "elixir-version", Title: "Elixir version of the builder image", Help: "Elixir version for the builder image (default: from .tool-versions/mise.toml/.elixir-version)", Kind: KindString, Targets: imageTargets,
		Default: versionDefault(func(p *Project) string { return p.ElixirVersion }, DefaultElixir), Validate: matches(versionRe, "version")},
	{Key: "otp-version", Title: "Erlang/OTP version of the builder image", Help: "Erlang/OTP version for the builder image", Kind: KindString, Targets: imageTargets,
		Default: versionDefault(func(p *Project) string { return p.OTPVersion }, DefaultOTP), Validate: matches(versionRe, "version")},
	{Key: "debian-version", Title: "Debian image tag (codename-date-slim)", Help: "Debian tag shared by the builder and runner images", Kind: KindString, Targets: imageTargets,
		Default: fixed(DefaultDebian), Validate: matches(debianRe, "Debian tag (e.g. trixie-20260610-slim)")},
}

// QuestionByKey finds a question.
func QuestionByKey(key string) *Question {
	for _, q := range Questions {
		if q.Key == key {
			return q
		}
	}
	return nil
}

// MissingError names an answer that has no default and was not given.
type MissingError struct {
	Keys    []string
	Targets []string
}

func (e *MissingError) Error() string {
	flags := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		flags[i] = "--" + k
	}
	if len(e.Targets) == 0 {
		return strings.Join(flags, ", ") + " is required when not running interactively"
	}
	return fmt.Sprintf("%s is required for --target %s when not running interactively", strings.Join(flags, ", "), strings.Join(e.Targets, ","))
}

// Complete validates every given answer, then fills unanswered questions with their defaults.
// Questions without a default that nobody answered are reported together.
func Complete(p *Project, v *Values) error {
	for _, q := range Questions {
		if s, ok := v.Get(q.Key); ok {
			if err := q.Validate(s); err != nil {
				return fmt.Errorf("--%s: %w", q.Key, err)
			}
		}
	}
	var missing []string
	var forTargets []string
	for _, q := range Questions {
		if _, ok := v.Get(q.Key); ok || !q.Needed(p, v) {
			continue
		}
		val, src, ok := v.DefaultFor(q, p)
		if !ok {
			missing = append(missing, q.Key)
			required := q.RequiredFor
			if len(required) == 0 {
				required = q.Targets
			}
			for _, t := range required {
				if v.HasTarget(t) && !contains(forTargets, t) {
					forTargets = append(forTargets, t)
				}
			}
			if q.Key == "target" {
				break // nothing else can be decided without targets
			}
			continue
		}
		v.Set(q.Key, val, src)
	}
	if len(missing) > 0 {
		sort.Strings(forTargets)
		return &MissingError{Keys: missing, Targets: forTargets}
	}
	if d, _ := v.Get("database"); d == "sqlite" && v.HasTarget("k8s") {
		if r, _ := v.Get("replicas"); r != "1" {
			return fmt.Errorf("--replicas %s: SQLite keeps its database on one volume that one pod mounts; use --replicas 1 or a network database", r)
		}
	}
	return nil
}

// Settings are the resolved, typed answers the templates use.
type Settings struct {
	Targets       []string
	Name          string
	Host          string
	Port          int
	Database      string
	Clustering    bool
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
	ExtraPackages []string
}

// Resolve turns completed answers into Settings.
func Resolve(v *Values) *Settings {
	get := func(k string) string { s, _ := v.Get(k); return s }
	num := func(k string) int { n, _ := strconv.Atoi(get(k)); return n }
	return &Settings{
		Targets: v.TargetList(), Name: get("name"), Host: get("host"), Port: num("port"),
		Database: get("database"), Clustering: get("clustering") == "true",
		Region: get("region"), VMSize: get("vm-size"), VMMemory: get("vm-memory"), VolumeSize: num("volume-size"),
		Image: strings.ReplaceAll(get("image"), "{name}", get("name")), Namespace: get("namespace"), Replicas: num("replicas"),
		InstallDir: get("install-dir"), ServiceUser: get("service-user"),
		ElixirVersion: get("elixir-version"), OTPVersion: get("otp-version"), DebianVersion: get("debian-version"),
		ExtraPackages: splitList(get("extra-packages")),
	}
}

// AnswerReport lists the answers in question order with their source, for the report.
type AnswerReport struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Report returns the recorded answers in question order.
func (v *Values) Report() []AnswerReport {
	var out []AnswerReport
	for _, q := range Questions {
		if s, ok := v.Get(q.Key); ok {
			out = append(out, AnswerReport{Key: q.Key, Value: s, Source: v.Source(q.Key)})
		}
	}
	return out
}
