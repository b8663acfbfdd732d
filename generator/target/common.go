package target

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/imagetags"
	"github.com/phxdeploy/phxdeploy/generator/patch"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/internal/match"
)

// Built-in versions used when the project pins none; the tag must be in imagetags' table (a test
// checks), and DefaultDebian is the Debian image when the table has no tag for the versions.
const (
	DefaultElixir = "1.19.5"
	DefaultOTP    = "28.3.1"
	DefaultDebian = "trixie-20260610-slim"
)

// genericReleases are release names that name an environment or a role, not the app.
var genericReleases = []string{"prod", "production", "staging", "release", "default", "app", "web", "main", "server"}

// Databases are the adapters phxdeploy knows, by the name used in flags.
var Databases = []string{"postgres", "mysql", "sqlite", "mssql", "none"}

// longestSuffix is the longest suffix phxdeploy adds to the deploy name in a DNS label
// (the headless Service, <name>-headless): the name must leave room for it.
const longestSuffix = len("-headless")

var (
	versionRe = match.Func(match.Version)
	debianRe  = match.Func(match.Debian)
)

// commonQuestions are the answers every deploy needs, and the SQLite volume of the targets that
// keep one.
func (r *Registry) commonQuestions() []*answers.Question {
	return []*answers.Question{
		{Key: "target", Title: "Deployment targets", Help: "targets to render: " + strings.Join(r.Names(), ","), Kind: answers.KindList, Options: r.Names(),
			Default: answers.NoDefault, Validate: r.validateTargets},
		{Key: "name", Title: "Deploy name (Fly app, Kubernetes and systemd name)", Help: "deploy name: Fly app name, Kubernetes resource name, systemd unit (default: the app name with dashes)", Kind: answers.KindString,
			Default: func(p *project.Project, v *answers.Values) (string, string, bool) {
				// The name the project deploys under already (fly.toml's app), then the release's.
				if name, src, ok := r.detected(p, v, "name", validateName); ok {
					return name, src, true
				}
				// A release named for its environment (prod) says nothing of the app.
				base := p.Release
				if slices.Contains(genericReleases, base) {
					base = p.App
				}
				return strings.ReplaceAll(base, "_", "-"), answers.SourceDetected, true
			}, Validate: validateName},
		{Key: "host", Title: "Public host name (PHX_HOST)", Help: "public host name the app is served on (PHX_HOST)", Kind: answers.KindString,
			RequiredFor: r.namesWhere(func(t Target) bool { return t.PublicHost == nil && !t.LocalHost }),
			Default:     r.hostDefault, Validate: validateHost},
		{Key: "port", Title: "HTTP port inside the container or host (PORT)", Help: "port the endpoint listens on (PORT)", Kind: answers.KindInt,
			Default: func(p *project.Project, v *answers.Values) (string, string, bool) {
				if port, src, ok := r.detected(p, v, "port", answers.IntRange(1024, 65535)); ok {
					return port, src, true
				}
				return "4000", answers.SourceDefault, true
			}, Validate: answers.IntRange(1024, 65535)},
		{Key: "database", Title: "Database adapter", Help: "database adapter, when detection cannot tell (mix.exs computes its deps): " + strings.Join(Databases, ", "), Kind: answers.KindString, Options: Databases,
			// Asked only when detection cannot tell: another answer would be refused (Check).
			Ask: func(p *project.Project, _ *answers.Values) bool { return databaseUncertain(p) },
			Default: func(p *project.Project, _ *answers.Values) (string, string, bool) {
				return p.Database, answers.SourceDetected, true
			},
			Validate: answers.OneOf(Databases)},
		{Key: "clustering", Title: "Cluster the nodes (dns_cluster)?", Help: "connect the nodes of a deploy into an Erlang cluster (dns_cluster, or the project's libcluster)", Kind: answers.KindBool,
			Default: func(p *project.Project, _ *answers.Values) (string, string, bool) {
				if p.SingleInstance != "" {
					return "false", answers.SourceDetected + ": " + p.SingleInstance, true
				}
				return "true", answers.SourceDefault, true
			}, Validate: answers.OneOf([]string{"true", "false"})},
		{Key: "volume-size", Title: "Volume size for the SQLite database (GB)", Help: "size in GB of the volume that holds the SQLite database (Fly volume, Kubernetes claim)", Kind: answers.KindInt,
			Targets: r.namesWhere(func(t Target) bool { return t.SQLiteVolume }),
			When:    func(_ *project.Project, v *answers.Values) bool { return v.String("database") == "sqlite" },
			Default: answers.Fixed("1"), Validate: answers.IntRange(1, 500)},
	}
}

// detected is the answer to question key that the project's config for a selected target
// settles (the first such target's), with its source; a value the question would refuse is not
// taken (the target's kept config then reports the difference).
func (r *Registry) detected(p *project.Project, v *answers.Values, key string, validate func(string) error) (string, string, bool) {
	for _, t := range r.targets {
		if t.Detected == nil || !v.HasTarget(t.Name) {
			continue
		}
		if val, where, ok := t.Detected(p, key); ok && validate(val) == nil {
			return val, answers.DetectedAt(where), true
		}
	}
	return "", "", false
}

// hostDefault is the public host of the first selected target that has one; without one, a
// deploy whose every target runs locally is served on localhost, and the others must be told.
func (r *Registry) hostDefault(p *project.Project, v *answers.Values) (string, string, bool) {
	// A target without a default host of its own (systemd, Kubernetes) needs the real one: no
	// other target's default (<name>.fly.dev) is borrowed for it. Where every selected target
	// has one, the first is shown, and each target still gets its own (HostDefaults).
	def, source := "", ""
	for _, t := range r.targets {
		if !v.HasTarget(t.Name) {
			continue
		}
		h, src, ok := t.defaultHost(p, v.String("name"))
		if !ok {
			return "", "", false
		}
		if def == "" {
			def, source = h, src
		}
	}
	if def == "" {
		return "", "", false
	}
	return def, source, true
}

// defaultHost is a target's own public host when none is given: the one its config in the
// project sets (fly.toml's PHX_HOST), else Fly's <name>.fly.dev, or localhost for a target that
// runs on the developer's machine.
func (t Target) defaultHost(p *project.Project, name string) (host, source string, ok bool) {
	if t.Detected != nil {
		if h, where, ok := t.Detected(p, "host"); ok && validateHost(h) == nil {
			return h, answers.DetectedAt(where), true
		}
	}
	switch {
	case t.PublicHost != nil:
		return t.PublicHost(name), answers.SourceDefault, true
	case t.LocalHost:
		return "localhost", answers.SourceDefault, true
	}
	return "", "", false
}

// imageQuestions shape the image the Dockerfile builds, for the targets that run it.
func (r *Registry) imageQuestions() []*answers.Question {
	images := r.namesWhere(func(t Target) bool { return t.BuildsImage })
	return []*answers.Question{
		{Key: "extra-packages", Title: "Extra Debian packages for the runner image (comma-separated)", Help: "Debian packages to add to the runner image, comma-separated", Kind: answers.KindList, Targets: images,
			Default: answers.Fixed(""), Validate: validatePackages},
		{Key: "elixir-version", Title: "Elixir version of the builder image", Help: "Elixir version for the builder image (default: from .tool-versions/mise.toml/.elixir-version)", Kind: answers.KindString, Targets: images,
			Default: elixirDefault, Validate: answers.Matches(versionRe, "version")},
		{Key: "otp-version", Title: "Erlang/OTP version of the builder image", Help: "Erlang/OTP version for the builder image", Kind: answers.KindString, Targets: images,
			Default: otpDefault, Validate: answers.Matches(versionRe, "version")},
		{Key: "debian-version", Title: "Debian image tag (codename-date-slim)", Help: "Debian tag shared by the builder and runner images", Kind: answers.KindString, Targets: images,
			Default: debianDefault, Validate: answers.Matches(debianRe, "Debian tag (e.g. trixie-20260610-slim)")},
	}
}

// yamlWords are the plain scalars YAML (1.1, as kubectl reads it) takes for booleans or null: a
// name that is one would turn into false or null in a manifest.
var yamlWords = []string{"y", "n", "yes", "no", "true", "false", "on", "off", "null"}

// validateName checks the deploy name: a DNS label once every suffix phxdeploy adds is added.
func validateName(s string) error {
	if !dnsLabelRe.MatchString(s) {
		return fmt.Errorf("%q is not a valid name (lowercase letters, digits and dashes, starting with a letter)", s)
	}
	if slices.Contains(yamlWords, s) {
		return fmt.Errorf("%q is a word YAML reads as a boolean or null: give another name", s)
	}
	if len(s)+longestSuffix > 63 {
		return fmt.Errorf("%q is %d characters; a name takes %d at most, so that %s-headless is still a DNS label", s, len(s), 63-longestSuffix, s)
	}
	return nil
}

// validateHost checks a host name: DNS labels of 63 characters at most, 253 in all.
func validateHost(s string) error {
	if !match.Host(s) || len(s) > 253 {
		return fmt.Errorf("%q is not a valid host name", s)
	}
	for _, label := range strings.Split(s, ".") {
		if len(label) > 63 {
			return fmt.Errorf("%q is not a valid host name: %q is longer than 63 characters", s, label)
		}
	}
	return nil
}

// databaseUncertain reports whether detection may have missed the adapter: no adapter dependency
// was found, yet the project uses Ecto.
func databaseUncertain(p *project.Project) bool {
	return p.Database == "none" && (p.EctoSQL || len(p.Repos) > 0)
}

// checkDatabase refuses a --database that contradicts the adapter mix.exs depends on: the
// release would read the other adapter's variables (a DATABASE_URL it raises without) and
// fail at boot.
func checkDatabase(p *project.Project, v *answers.Values) error {
	given := v.String("database")
	if given == p.Database || databaseUncertain(p) && !answers.IsDetected(v.Source("database")) {
		return nil
	}
	if p.Database == "none" {
		return &answers.UsageError{Msg: fmt.Sprintf("--database %s: mix.exs has no database adapter dependency; add the adapter (and ecto_sql) to mix.exs first", given)}
	}
	return &answers.UsageError{Msg: fmt.Sprintf("--database %s: mix.exs depends on the %s adapter; the release would still read %s's settings and fail at boot. Switch the adapter in mix.exs (and config) first, or leave --database out", given, p.Database, p.Database)}
}

func validatePackages(s string) error {
	for _, p := range answers.SplitList(s) {
		if !match.Package(p) {
			return fmt.Errorf("%q is not a Debian package name", p)
		}
	}
	return nil
}

// pinned is the version of kind (elixir, otp) the project pins, with where ("" when none, or
// not a version).
func pinned(p *project.Project, kind string) (version, at string) {
	v := map[string]string{"elixir": p.ElixirVersion, "otp": p.OTPVersion}[kind]
	if !match.Version(v) {
		return "", ""
	}
	return v, p.Sources[kind+"_version"]
}

// resolvedFrom is the source of a version completed from a pin without a patch.
func resolvedFrom(at, version string) string {
	return answers.DetectedAt(strings.TrimPrefix(at+", ", ", ") + "the newest " + version + " release phxdeploy knows")
}

// elixirDefault is the project's Elixir when it pins a whole version; a pin without a patch
// (1.15) is the newest patch of that line the table of builder tags knows that runs on the
// Erlang/OTP (given, or pinned) and meets mix.exs's requirement; without a pin, the built-in
// Elixir, or the newest known one that runs on the project's Erlang/OTP and meets the
// requirement. An Elixir is never proposed for an OTP it does not run on.
func elixirDefault(p *project.Project, v *answers.Values) (string, string, bool) {
	otp := v.String("otp-version")
	if otp == "" {
		otp, _ = pinned(p, "otp")
	}
	version, at := pinned(p, "elixir")
	meets := func(e string) bool { return project.Satisfies(e, p.ElixirRequirement) }
	switch {
	case version != "" && project.Whole("elixir", version):
		return version, answers.DetectedAt(at), true
	case version != "":
		if e, ok := imagetags.NewestElixir(imagetags.Known(), version, otp, meets); ok {
			return e, resolvedFrom(at, version), true
		}
		return "", fmt.Sprintf("%s pins Elixir %s without a patch, and phxdeploy knows no %s release%s: pass --elixir-version %s.N (the release you run)", at, version, version, onOTP(otp), version), false
	}
	if ok, _ := imagetags.Compatible(imagetags.Known(), DefaultElixir, otp); !ok {
		if e, ok := imagetags.NewestElixir(imagetags.Known(), "", otp, meets); ok {
			return e, answers.SourceDefault, true
		}
	}
	return DefaultElixir, answers.SourceDefault, true
}

func onOTP(otp string) string {
	if otp == "" {
		return ""
	}
	return " that runs on Erlang/OTP " + otp
}

// otpDefault is the project's Erlang/OTP when it pins one (27.3; a major alone, 27, is the
// newest release of it the table knows for the builder's Elixir); without a pin, the built-in
// one, or the newest known one the builder's Elixir runs on.
func otpDefault(p *project.Project, v *answers.Values) (string, string, bool) {
	elixir := v.String("elixir-version")
	version, at := pinned(p, "otp")
	switch {
	case version != "" && project.Whole("otp", version):
		return version, answers.DetectedAt(at), true
	case version != "":
		if o, ok := imagetags.NewestOTP(imagetags.Known(), version, elixir); ok {
			return o, resolvedFrom(at, version), true
		}
		return "", fmt.Sprintf("%s pins Erlang/OTP %s without a release, and phxdeploy knows no OTP %s release Elixir %s runs on: pass --otp-version %s.N (the release you run)", at, version, version, elixir, version), false
	}
	if ok, _ := imagetags.Compatible(imagetags.Known(), elixir, DefaultOTP); !ok {
		if o, ok := imagetags.NewestOTP(imagetags.Known(), "", elixir); ok {
			return o, answers.SourceDefault, true
		}
	}
	return DefaultOTP, answers.SourceDefault, true
}

// debianDefault is the Debian image of the builder tag a Dockerfile of the project builds on
// for the builder's Elixir and Erlang/OTP (answered before it), else that of the newest known
// hexpm/elixir tag for them, else the Debian image the project's Dockerfiles name, else the
// built-in one (NewData warns).
func debianDefault(p *project.Project, v *answers.Values) (string, string, bool) {
	pair := v.String("elixir-version") + "-erlang-" + v.String("otp-version") + "-debian-"
	var own []string
	for tag := range p.DockerTags {
		if strings.HasPrefix(tag, pair) {
			own = append(own, tag)
		}
	}
	if len(own) > 0 {
		slices.Sort(own)
		return strings.TrimPrefix(own[0], pair), answers.DetectedAt(p.DockerTags[own[0]]), true
	}
	if tag, ok := imagetags.Newest(imagetags.Known(), v.String("elixir-version"), v.String("otp-version")); ok {
		return tag.Debian(), answers.SourceDefault, true
	}
	if p.DebianVersion != "" && match.Debian(p.DebianVersion) {
		return p.DebianVersion, answers.DetectedAt(p.Sources["debian_version"]), true
	}
	return DefaultDebian, answers.SourceDefault, true
}

// checkVersions refuses an Elixir and an Erlang/OTP that do not run together (Elixir's
// compatibility table, and the builds hexpm has): the builder image does not exist, and the
// release would not build.
func checkVersions(_ *project.Project, v *answers.Values) error {
	e, o := v.String("elixir-version"), v.String("otp-version")
	if e == "" || o == "" {
		return nil
	}
	if ok, known := imagetags.Compatible(imagetags.Known(), e, o); ok || !known {
		return nil
	}
	ma, mi, _ := project.Minor(e)
	return &answers.UsageError{Msg: fmt.Sprintf("Elixir %s (%s) does not run on Erlang/OTP %s (%s): Elixir %d.%d supports OTP %s; pass --elixir-version and --otp-version with a pair that runs together",
		e, v.Source("elixir-version"), o, v.Source("otp-version"), ma, mi, imagetags.Supported(e))}
}

// builderTag checks the builder image against the table of known hexpm/elixir tags: whether it
// is known, and when not, the warning that says so.
func builderTag(d *Data) (known bool, warning string) {
	tag := d.ElixirVersion + "-erlang-" + d.OTPVersion + "-debian-" + d.DebianVersion
	known = slices.ContainsFunc(imagetags.Known(), func(t imagetags.Tag) bool { return t.String() == tag })
	if at, own := d.projectTags[tag]; own && !known {
		// A tag a Dockerfile of the project builds on exists too.
		d.BuilderTagFrom = strings.SplitN(at, ":", 2)[0]
		return true, ""
	}
	newest, ok := imagetags.Newest(imagetags.Known(), d.ElixirVersion, d.OTPVersion)
	switch {
	case known:
		return true, ""
	case !ok:
		return false, fmt.Sprintf("no known %s tag for Elixir %s with OTP %s: check %s (the Dockerfile uses %s:%s, unverified; --elixir-version and --otp-version choose others)", imagetags.Repository, d.ElixirVersion, d.OTPVersion, imagetags.TagsPage, imagetags.Repository, tag)
	default:
		return false, fmt.Sprintf("%s:%s is not a known tag: check %s, or pass --debian-version %s (the newest known for Elixir %s with OTP %s)", imagetags.Repository, tag, imagetags.TagsPage, newest.Debian(), d.ElixirVersion, d.OTPVersion)
	}
}

// partialPins warns about versions the project pins without a patch number (1.15), which an
// image tag cannot name: the builder uses the newest release of that line phxdeploy knows, which
// may not be the one the project runs.
func partialPins(p *project.Project, d *Data, v *answers.Values) []string {
	var out []string
	for _, c := range []struct{ kind, what, used, flag string }{
		{"elixir", "Elixir", d.ElixirVersion, "elixir-version"},
		{"otp", "Erlang/OTP", d.OTPVersion, "otp-version"},
	} {
		version, at := pinned(p, c.kind)
		if version != "" && !project.Whole(c.kind, version) && answers.IsDetected(v.Source(c.flag)) {
			out = append(out, fmt.Sprintf("%s pins %s %s without a patch: the builder uses %s, the newest %s release phxdeploy knows; pass --%s %s.N if the project runs another", at, c.what, version, c.used, version, c.flag, version))
		}
	}
	return out
}

// buildsImage reports whether a selected target runs the image the Dockerfile builds.
func (d *Data) buildsImage() bool { return d.imageBuilt }

// keptScript says how the targets use an overlay script the project has its own version of:
// they run it as it is (its lines that change user are manual steps, per target).
func keptScript(file string) func(*Data) string {
	return func(d *Data) string {
		return fmt.Sprintf("the project's own script, which every target runs as the release's bin/%s (replace it with --force %s)", path.Base(file), file)
	}
}

// common holds the files and edits every deploy needs: the runtime config, the Release module,
// the overlay scripts, env.sh, the health check, the image (for the targets that run one), and
// the clustering dependency.
func common() Target {
	return Target{
		Name: "all",
		Files: []File{
			{Template: "common/runtime.exs.tmpl", Path: func(d *Data) string { return d.RuntimeConfig }, Mode: 0o644,
				Create: func(rendered string, d *Data) (string, error) {
					return patch.Runtime(rendered, d.RuntimeConfig, d.SettingContext(true))
				},
				Patch: func(existing string, _ []byte, d *Data) (string, error) {
					return patch.Runtime(existing, d.RuntimeConfig, d.SettingContext(false))
				}},
			{Template: "common/release.ex.tmpl", Path: releaseFile,
				When: func(d *Data) bool { return d.Ecto && d.WriteRelease }, Mode: 0o644},
			{Template: "common/health.ex.tmpl", Path: func(d *Data) string { return d.HealthFile },
				When: func(d *Data) bool { return d.HealthController && d.HealthFile != "" }, Mode: 0o644},
			{Template: "common/env.sh.eex.tmpl", Path: At("rel/env.sh.eex"), Mode: 0o644, When: func(d *Data) bool { return !d.OwnNodeNames },
				Kept: func(d *Data) string { return d.keptEnvSh },
				Patch: func(existing string, rendered []byte, _ *Data) (string, error) {
					return patch.EnvSh(existing, string(rendered))
				}},
			{Template: "common/server.sh.tmpl", Path: At("rel/overlays/bin/server"), Mode: 0o755, Kept: keptScript("rel/overlays/bin/server")},
			{Template: "common/migrate.sh.tmpl", Path: At("rel/overlays/bin/migrate"), When: func(d *Data) bool { return d.Ecto }, Mode: 0o755,
				Kept: keptScript("rel/overlays/bin/migrate")},
			{Template: "docker/Dockerfile.tmpl", Path: At("Dockerfile"), When: (*Data).buildsImage, Mode: 0o644,
				Kept: func(d *Data) string { return d.keptImage }},
			{Template: "docker/dockerignore.tmpl", Path: At(".dockerignore"), When: (*Data).buildsImage, Mode: 0o644},
		},
		Edits: []Edit{
			{ // settings the project reads from variables phxdeploy cannot name: the user sets them
				Path: func(_ *project.Project, d *Data) string { return d.RuntimeConfig },
				When: func(_ *project.Project, d *Data) bool { return len(d.unresolved) > 0 },
				Patch: func(_, _ string, _ *project.Project, d *Data) (string, error) {
					return "", patch.StepBack(strings.Join(d.unresolved, "; "),
						"phxdeploy sets no variable for these on any target (it would be one nothing reads):\nadd the variables the expressions read to every target's environment\n")
				},
			},
			{ // an umbrella needs a release definition for `mix release`
				Path: func(*project.Project, *Data) string { return "mix.exs" },
				When: func(p *project.Project, _ *Data) bool { return p.Umbrella && !p.HasReleasesConfig },
				Patch: func(src, file string, p *project.Project, d *Data) (string, error) {
					return patch.ProjectKeyword(src, file, "releases", umbrellaRelease(p, d))
				},
			},
			{ // the dns_cluster dependency, in the app that starts the supervisor
				Path: func(_ *project.Project, d *Data) string { return path.Join(d.AppDir, "mix.exs") },
				When: func(p *project.Project, d *Data) bool { return d.DNSClusterQuery && !p.DNSCluster },
				Patch: func(src, file string, _ *project.Project, _ *Data) (string, error) {
					return patch.Deps(src, file, `{:dns_cluster, "~> 0.2.0"}`, "dns_cluster")
				},
			},
			{ // the DNSCluster child, before Phoenix.PubSub
				Path: func(p *project.Project, _ *Data) string { return p.ApplicationFile },
				When: func(_ *project.Project, d *Data) bool { return d.DNSClusterQuery },
				Patch: func(src, file string, _ *project.Project, d *Data) (string, error) {
					return patch.Children(src, file, dnsClusterChild(d))
				},
				Missing: func(d *Data) (string, string) {
					return "the application module was not found; start DNSCluster before Phoenix.PubSub", dnsClusterChild(d) + ",\n"
				},
			},
			{ // the health routes
				Path: func(p *project.Project, _ *Data) string { return p.RouterFile },
				When: func(_ *project.Project, d *Data) bool { return d.HealthController },
				Patch: func(src, file string, _ *project.Project, d *Data) (string, error) {
					return patch.Router(src, file, d.HealthPath, d.HealthModule)
				},
				Missing: func(d *Data) (string, string) {
					return "no router that the endpoint plugs was found, so phxdeploy cannot mount its health check; serve these from your router or endpoint, where no pipeline refuses a plain GET",
						"GET " + d.HealthPath + "       200 when the app and its repos are ready, 503 otherwise\nGET " + d.LivePath + "  200 while the node serves requests (never touches the database)\n"
				},
			},
			{ // health probes must not be redirected by force_ssl
				Path: func(p *project.Project, _ *Data) string { return p.ForceSSLFile },
				When: func(p *project.Project, _ *Data) bool { return p.ForceSSLFile != "" },
				Patch: func(src, file string, p *project.Project, d *Data) (string, error) {
					return patch.ForceSSL(src, file, d.HealthPath, d.LivePath, p.PlugVersion)
				},
			},
		},
		Check: func(p *project.Project, v *answers.Values) error {
			if err := checkDatabase(p, v); err != nil {
				return err
			}
			return checkVersions(p, v)
		},
		NextSteps: func(p *project.Project, _ *Data) []Step {
			if p.ReleasesExs {
				return []Step{say("config/releases.exs is the Elixir 1.9-1.10 name; phxdeploy edited it, and renaming it (then running phxdeploy init again) brings it up to date:"),
					run("git mv config/releases.exs config/runtime.exs")}
			}
			return nil
		},
	}
}

func dnsClusterChild(d *Data) string {
	return fmt.Sprintf("{DNSCluster, query: Application.get_env(:%s, :dns_cluster_query) || :ignore}", d.App)
}

// umbrellaRelease is the release definition an umbrella without one gets: every app, permanent.
func umbrellaRelease(p *project.Project, d *Data) string {
	var apps []string
	for _, a := range p.Apps {
		apps = append(apps, a.Name+": :permanent")
	}
	return fmt.Sprintf("[%s: [applications: [%s]]]", d.Release, strings.Join(apps, ", "))
}
