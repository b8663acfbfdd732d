package target

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/setting"
	"github.com/phxdeploy/phxdeploy/internal/match"
)

// EnvVar is one environment variable the release reads, as a target sets it. Its field names
// are a contract with organization templates, as Data's are.
type EnvVar struct {
	Name string `json:"name"`
	// Setting is the Phoenix name of the setting it provides (DATABASE_URL, PHX_HOST, ...), ""
	// for the app's own variables.
	Setting string `json:"setting,omitempty"`
	// Required: the release raises when it boots, or when migrations run, without it (or cannot
	// reach its database).
	Required bool     `json:"required"`
	Secret   bool     `json:"secret"`
	Default  string   `json:"default,omitempty"` // the app's own default, as the code writes it
	Type     string   `json:"type,omitempty"`
	When     string   `json:"when,omitempty"`    // the condition it is read under
	Sources  []string `json:"sources,omitempty"` // where it is read, as file:line
	// Value is what phxdeploy sets it to on the target EnvFor was asked for ("" when the user
	// gives it); SetBy names what sets it there instead (the platform, rel/env.sh.eex).
	Value string `json:"-"`
	SetBy string `json:"-"`
	// Example is a value for example files (never a secret's value); Generate a command that
	// makes a good secret.
	Example  string `json:"-"`
	Generate string `json:"-"`
}

// Provided reports whether the target sets the variable itself.
func (v EnvVar) Provided() bool { return v.Value != "" || v.SetBy != "" }

// UserGiven reports whether the user must give the variable on the target: required, and not
// set by phxdeploy or the platform.
func (v EnvVar) UserGiven() bool { return v.Required && !v.Provided() }

// systemVars are the operating system's and the shell's: never the deployment's to set (and in
// Compose, never to be taken from the shell of whoever runs it).
var systemVars = []string{"HOME", "USER", "LOGNAME", "PATH", "SHELL", "PWD", "OLDPWD", "TERM", "HOSTNAME", "TMPDIR", "LANG", "LC_ALL", "MIX_ENV"}

// releaseVars are set by the release's own scripts or by bin/server.
var releaseVars = []string{"PHX_SERVER", "RELEASE_NAME", "RELEASE_NODE", "RELEASE_DISTRIBUTION", "RELEASE_ROOT",
	"RELEASE_VSN", "RELEASE_COMMAND", "RELEASE_MODE", "RELEASE_PROG", "RELEASE_SYS_CONFIG", "RELEASE_VM_ARGS",
	"RELEASE_BOOT_SCRIPT", "RELEASE_BOOT_SCRIPT_CLEAN", "RELEASE_REMOTE_VM_ARGS", "ERL_AFLAGS", "ELIXIR_ERL_OPTIONS"}

// fixedVars are the variables each target's own files set, whatever the project reads.
var fixedVars = map[string][]string{
	"fly":     {"RELEASE_TMP", "LANG", "MIGRATE_ON_BOOT", "FLY_APP_NAME", "FLY_REGION", "FLY_PRIVATE_IP", "FLY_ALLOC_ID", "FLY_MACHINE_ID", "FLY_IMAGE_REF", "FLY_PUBLIC_IP", "FLY_VM_MEMORY_MB", "FLY_PROCESS_GROUP", "PRIMARY_REGION"},
	"docker":  {"RELEASE_TMP", "LANG"},
	"k8s":     {"RELEASE_TMP", "LANG", "POD_IP", "POD_NAMESPACE", "HOME", "ERL_CRASH_DUMP", "RELEASE_DIST_PORT", "RELEASE_COOKIE"},
	"systemd": {"RELEASE_TMP", "LANG", "HOME", "ERL_CRASH_DUMP"},
}

// environment builds the contract the targets render: every variable the release reads (the
// project's contract), the settings phxdeploy adds to the runtime config, and the settings
// every deployment needs (the database, the secret key base) marked required.
func (d *Data) environment(p *project.Project) {
	d.Env = map[string]string{}
	for _, s := range append(append([]setting.Setting{}, setting.All...), setting.Parts...) {
		if s.Internal {
			continue
		}
		src, found := p.Settings[s.Env]
		switch {
		case !found:
			d.Env[s.Env] = s.Env // phxdeploy adds it under the Phoenix name
		case src.Name != "":
			d.Env[s.Env] = src.Name
		default:
			d.Env[s.Env] = "" // a fixed value, the database's parts, or a name phxdeploy cannot tell
			if src.Unresolved() {
				d.unresolved = append(d.unresolved, unresolvedText(s.Env, src, d.Port))
			}
		}
	}
	// The settings phxdeploy adds, and those it reads from a variable the project only reads at
	// build time (it adds a runtime read under the project's name).
	c := d.SettingContext(!p.RuntimeExs && !p.ReleasesExs)
	for _, s := range setting.For(c) {
		if src, found := p.Settings[s.Env]; s.Internal || found && src.At != "build" {
			continue
		}
		d.added = append(d.added, s.Env)
	}
	vars := slices.Clone(p.Contract.Runtime)
	out := make([]EnvVar, 0, len(vars)+len(d.added))
	index := map[string]int{}
	for _, v := range vars {
		if slices.Contains(releaseVars, v.Name) {
			continue // the release's scripts set it
		}
		index[v.Name] = len(out)
		when := v.When
		if v.AlternativeOf != "" {
			when = "when " + v.AlternativeOf + " is not set"
		}
		out = append(out, EnvVar{Name: v.Name, Required: v.Required, Secret: v.Secret, Default: v.Default, Type: v.Type,
			When: when, Sources: v.Sources})
	}
	for _, env := range d.added {
		s := settingNamed(env)
		name := c.Name(env)
		k, ok := index[name]
		if !ok {
			index[name] = len(out)
			k = len(out)
			out = append(out, EnvVar{Name: name, Default: s.DefaultFor(c), Type: s.Type, Sources: []string{d.RuntimeConfig}})
		}
		out[k].Required = out[k].Required || s.Required
		out[k].Secret = out[k].Secret || s.Secret
	}
	// Which variable provides which setting; the settings no deployment works without are
	// required whatever the code does when they are missing.
	parts := p.Settings["DATABASE_URL"].Parts
	for role, name := range d.Env {
		k, ok := index[name]
		if name == "" || !ok {
			continue
		}
		out[k].Setting = role
		if t := p.Settings[role].Type; t != "" {
			out[k].Type = t // what the app makes of it on the way to the setting
		}
		s := settingNamed(role)
		out[k].Secret = out[k].Secret || s.Secret
		switch role {
		case "SECRET_KEY_BASE", "DATABASE_PATH":
			out[k].Required = true
		case "DATABASE_URL":
			out[k].Required = out[k].Required || d.NetworkDatabase && !parts
		case "DATABASE_HOST", "DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD":
			out[k].Required = out[k].Required || d.NetworkDatabase && parts
		}
	}
	// Another repo's database (Plausible's ClickHouse) is one phxdeploy runs nowhere: its URL is
	// the user's to give on every target, whatever the code's default (a host of the project's
	// own Compose file) says.
	for _, u := range p.OtherRepoURLs {
		if k, ok := index[u.Var]; ok {
			out[k].Required, out[k].Secret = true, true
		}
	}
	// The settings first, in the table's order, then the app's own: required before optional.
	order := map[string]int{}
	for i, s := range append(append([]setting.Setting{}, setting.All...), setting.Parts...) {
		if _, seen := order[s.Env]; !seen {
			order[s.Env] = i
		}
	}
	rank := func(v EnvVar) int {
		if i, ok := order[v.Setting]; ok {
			return i
		}
		if v.Required {
			return 100
		}
		return 101
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	d.EnvVars = out
	// The build: variables a compile-time config requires (not secrets) are build arguments.
	for _, v := range p.Contract.Build {
		if v.Required && !v.Secret && !slices.Contains(releaseVars, v.Name) && v.Name != "MIX_ENV" {
			d.BuildArgs = append(d.BuildArgs, v.Name)
		}
	}
	d.redis(p)
	for _, v := range out {
		if v.Required && v.Setting == "" && strings.HasSuffix(v.Name, "_URL") && (strings.Contains(v.Name, "DATABASE") || strings.Contains(v.Name, "DB_")) {
			d.secondDatabase = v.Name
		}
	}
	for _, u := range p.OtherRepoURLs {
		d.secondDatabase = u.Var
		d.OtherDatabases = append(d.OtherDatabases, OtherDatabase{Repo: u.Repo, Var: u.Var, Port: urlPort(u.Default)})
	}
}

// settingNamed returns the setting (or database part) with a Phoenix name.
func settingNamed(env string) setting.Setting {
	for _, s := range append(append([]setting.Setting{}, setting.All...), setting.Parts...) {
		if s.Env == env {
			return s
		}
	}
	return setting.Setting{Env: env}
}

func unresolvedText(env string, src project.SettingSource, port int) string {
	what := map[string]string{
		"DATABASE_URL": "the database URL", "DATABASE_PATH": "the SQLite database path", "SECRET_KEY_BASE": "secret_key_base",
		"PHX_HOST": "the endpoint's url host", "PORT": "the endpoint's HTTP port", "POOL_SIZE": "the repo's pool size",
		"ECTO_IPV6": "the repo's socket options", "DNS_CLUSTER_QUERY": "the DNS cluster query",
	}[env]
	if what == "" {
		what = "the repo's " + strings.ToLower(strings.TrimPrefix(env, "DATABASE_"))
	}
	s := fmt.Sprintf("%s sets %s from an expression phxdeploy cannot name one variable in", src.Source, what)
	if len(src.Candidates) > 0 {
		s += " (it reads " + strings.Join(src.Candidates, ", ") + ")"
	}
	if env == "PORT" {
		s += fmt.Sprintf(" (every target sends requests and probes to port %d: the app must listen there)", port)
	}
	return s + "; make sure every target provides what it reads"
}

// redis finds the variable that names a Redis server, when the project uses Redis: Compose then
// runs one.
func (d *Data) redis(p *project.Project) {
	uses := false
	for _, dep := range p.Deps {
		switch dep {
		case "redix", "phoenix_pubsub_redis", "exq", "hammer_backend_redis", "rihanna_redis", "con_cache_redis", "cachex_redis", "oban_redis", "nebulex_redis_adapter", "redlock", "verk":
			uses = true
		}
	}
	if !uses {
		return
	}
	for _, v := range d.EnvVars {
		if strings.Contains(v.Name, "REDIS") && (strings.HasSuffix(v.Name, "_URL") || strings.HasSuffix(v.Name, "_URI") || strings.HasSuffix(v.Name, "_HOST")) {
			d.RedisVar = v.Name
			return
		}
	}
	d.warnings = append(d.warnings, "the project uses Redis, but phxdeploy found no variable naming the Redis server (such as REDIS_URL): configure it yourself on every target")
}

// EnvFor returns the environment contract with what target sets: values phxdeploy knows (the
// host, the port, the SQLite path, the DNS cluster query), variables the platform or
// phxdeploy's own files set, and examples for the files the user fills in.
func (d *Data) EnvFor(target string) []EnvVar {
	out := slices.Clone(d.EnvVars)
	for i := range out {
		v := &out[i]
		switch {
		case slices.Contains(releaseVars, v.Name):
			v.SetBy = "the release's scripts"
			continue
		case slices.Contains(systemVars, v.Name):
			v.SetBy = "the system"
			continue
		case slices.Contains(fixedVars[target], v.Name):
			v.SetBy = map[string]string{"fly": "Fly.io", "k8s": "phxdeploy's manifests"}[target]
			if v.SetBy == "" {
				v.SetBy = "phxdeploy's files"
			}
			continue
		}
		switch v.Setting {
		case "PHX_HOST":
			host := d.Host
			if h, ok := d.hostDefaults[target]; ok {
				host = h // no host was given: this target's own default
			}
			v.Value = host
			if v.Type == "url" {
				v.Value = "https://" + host // the app parses a URL and takes its host
			}
		case "PORT":
			v.Value = strconv.Itoa(d.Port)
		case "DATABASE_PATH":
			v.Value = d.DataDir + "/" + d.App + ".db"
			if target == "systemd" {
				v.Value = "/var/lib/" + d.Name + "/" + d.App + ".db"
			}
		case "DNS_CLUSTER_QUERY":
			switch {
			case target == "k8s" && d.DNSClusterQuery:
				// The namespace the pod runs in (a kustomize overlay may change it), which the
				// manifest sets from the downward API before this variable, so that Kubernetes
				// expands $(POD_NAMESPACE). A full name, not a short one that only the search
				// list of the pod's resolv.conf completes: dns_cluster before 0.1.2 asks
				// :inet_res.lookup, which never searches, and later versions ask a dotted name
				// as it is first, outside the cluster, every poll.
				v.Value = d.Name + "-headless.$(POD_NAMESPACE).svc." + d.ClusterDomain
			case target == "fly" && d.DNSClusterQuery:
				v.SetBy = "rel/env.sh.eex"
			}
		case "ECTO_IPV6":
			v.Example = "true"
			if target == "fly" && !d.OwnNodeNames {
				v.SetBy = "rel/env.sh.eex"
			}
		case "SECRET_KEY_BASE":
			v.Generate = "openssl rand -base64 48"
		case "DATABASE_URL", "DATABASE_HOST", "DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD", "DATABASE_PORT":
			if target == "docker" && d.NetworkDatabase {
				// the database Compose runs, its password interpolated from .env.prod
				v.Value = d.composeDatabase(v.Setting)
			}
		}
		switch {
		case v.Setting == "" && v.Secret && strings.HasSuffix(v.Name, "SALT"):
			v.Generate = "openssl rand -base64 24"
		case v.Setting == "" && v.Secret && v.Type == "base64":
			v.Generate = "openssl rand -base64 32" // a key of 32 bytes (AES-256)
		}
		if v.Name == d.RedisVar && target == "docker" {
			// the Redis Compose runs (on its private network, without a password)
			v.Value = map[bool]string{true: "redis", false: "redis://redis:6379"}[strings.HasSuffix(v.Name, "_HOST")]
		}
		if v.Secret {
			v.Example = "" // a secret's value is never written down
		}
	}
	return out
}

// composePasswords are the variables the database Compose runs takes its passwords from: the
// app's, then any other (set in .env.prod, never in compose.yaml).
var composePasswords = map[string][]string{
	"postgres": {"POSTGRES_PASSWORD"}, "mysql": {"MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"}, "mssql": {"MSSQL_SA_PASSWORD"},
}

// ComposePasswords are the password variables of the database Compose runs.
func (d *Data) ComposePasswords() []string { return composePasswords[d.Database] }

// composeDatabase is a setting of the connection to the database Compose runs: the password is
// interpolated from .env.prod, and Compose refuses to start without it.
func (d *Data) composeDatabase(setting string) string {
	pw := composePasswords[d.Database][0]
	password := "${" + pw + ":?set " + pw + " in .env.prod}"
	user := map[string]string{"postgres": "postgres", "mysql": d.App, "mssql": "sa"}[d.Database]
	switch setting {
	case "DATABASE_URL":
		return "ecto://" + user + ":" + password + "@db/" + d.App + "_prod"
	case "DATABASE_HOST":
		return "db"
	case "DATABASE_NAME":
		return d.App + "_prod"
	case "DATABASE_USER":
		return user
	case "DATABASE_PASSWORD":
		return password
	case "DATABASE_PORT":
		return strconv.Itoa(d.DatabasePort)
	}
	return ""
}

// DefaultValue is the app's default as a value for an example file: a string literal's contents,
// a number or boolean as written ("" when the default is computed).
func (v EnvVar) DefaultValue() string {
	if v.Secret {
		return "" // a secret's default is a secret too
	}
	d := v.Default
	switch {
	case len(d) >= 2 && d[0] == '"' && d[len(d)-1] == '"' && !strings.ContainsAny(d[1:len(d)-1], "\"\\#$`'") && oneLine(d) == d:
		return d[1 : len(d)-1] // nothing a line break, a quote or an expansion could escape with
	case match.Number(d) || d == "true" || d == "false":
		return strings.ReplaceAll(d, "_", "")
	}
	return ""
}

// purposes say what the settings phxdeploy knows are for.
var purposes = map[string]string{
	"DATABASE_URL":      "the database connection, such as ecto://USER:PASS@HOST/DATABASE",
	"DATABASE_PATH":     "the SQLite database file",
	"SECRET_KEY_BASE":   "signs and encrypts cookies and sessions",
	"PHX_HOST":          "the public host name in the URLs the app generates",
	"PORT":              "the HTTP port",
	"POOL_SIZE":         "database connections per node",
	"ECTO_IPV6":         "true when the database is reached over IPv6",
	"DNS_CLUSTER_QUERY": "a DNS name that resolves to every node; leave it unset to run one node (empty is not the same as unset)",
	"DATABASE_HOST":     "the database server", "DATABASE_NAME": "the database", "DATABASE_USER": "the database user",
	"DATABASE_PASSWORD": "the database user's password", "DATABASE_PORT": "the database server's port",
}

// Describe is one line on the variable for example files: whether it is required (and when),
// a secret, what it is for, its type and default, and where it is read.
func (v EnvVar) Describe() string {
	var parts []string
	switch {
	case v.Required && v.When != "":
		parts = append(parts, "required (read "+v.When+")")
	case v.Required:
		parts = append(parts, "required")
	case v.When != "":
		parts = append(parts, "optional (read "+v.When+")")
	default:
		parts = append(parts, "optional")
	}
	if v.Secret {
		parts = append(parts, "secret")
	}
	if p := purposes[v.Setting]; p != "" {
		parts = append(parts, p)
	}
	if v.Type == "file" {
		parts = append(parts, "the path of a file that holds the value")
	} else if v.Type != "" && v.Type != "string" {
		parts = append(parts, v.Type)
	}
	if v.Default != "" && v.DefaultValue() == "" && !v.Secret {
		parts = append(parts, "default: "+v.Default)
	}
	// Files, not lines: a file phxdeploy writes stays the same when lines move (and when a
	// setting it added to the runtime config is read there on the next run).
	var files []string
	for _, s := range v.Sources {
		if f := project.SourceFile(s); !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	if len(files) > 0 {
		src := "read in " + strings.Join(files[:min(len(files), 2)], ", ")
		if len(files) > 2 {
			src += fmt.Sprintf(" and %d more files", len(files)-2)
		}
		parts = append(parts, src)
	}
	if v.Generate != "" {
		parts = append(parts, "generate one with: "+v.Generate)
	}
	// A comment ending in a backslash continues onto the next line in systemd before v254.
	return strings.TrimRight(oneLine(strings.Join(parts, "; ")), "\\")
}

// oneLine folds whitespace (newlines included) into single spaces and drops control
// characters: the text goes into comments, which a line break would end.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x2028 || r == 0x2029 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return -1
		}
		return r
	}, s)
}

// cookie is the shared Erlang cookie clustered nodes need, as a secret the user sets.
var cookie = EnvVar{Name: "RELEASE_COOKIE", Required: true, Secret: true, Generate: "openssl rand -hex 32"}

// given returns the variables the user gives on target: secrets, or the rest (secret: false).
func given(vars []EnvVar, secret bool) []EnvVar {
	var out []EnvVar
	for _, v := range vars {
		if v.UserGiven() && v.Secret == secret {
			out = append(out, v)
		}
	}
	return out
}

// setCommand is a command that sets variables, ready to paste: secrets phxdeploy can generate
// are generated first, and a failure there stops it (it never sets an empty value); values only
// the user knows come from the shell, which refuses to run the command while one is not
// exported. word formats one assignment (NAME="value", --from-literal=NAME="value").
func setCommand(prefix string, vars []EnvVar, word func(name, value string) string) string {
	var gen, words []string
	for _, v := range vars {
		if v.Generate != "" {
			gen = append(gen, v.Name+"=$("+v.Generate+")")
			words = append(words, word(v.Name, `"$`+v.Name+`"`))
		} else {
			words = append(words, word(v.Name, `"${`+v.Name+`:?export `+v.Name+` first}"`))
		}
	}
	cmd := prefix + " " + strings.Join(words, " ")
	if len(gen) > 0 {
		cmd = strings.Join(gen, " && ") + " && " + cmd
	}
	return cmd
}

// exportFirst is the note before commands that read values from the shell.
func exportFirst(vars []EnvVar) []Step {
	var names []string
	for _, v := range vars {
		if v.Generate == "" {
			names = append(names, v.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []Step{say("export the values only you know first (the commands below refuse to run without them): %s", strings.Join(names, " "))}
}

// buildArgWords are the --build-arg words for the variables the build needs.
func (d *Data) buildArgWords() string {
	var out string
	for _, a := range d.BuildArgs {
		out += ` --build-arg ` + a + `="${` + a + `:?export ` + a + ` first}"`
	}
	return out
}

func names(vars []EnvVar) string {
	var out []string
	for _, v := range vars {
		out = append(out, v.Name)
	}
	return strings.Join(out, " ")
}

// urlPort is the port of a URL the code writes as a default ("http://events_db:8123/events"):
// the one it names, else its scheme's for the databases phxdeploy knows; 0 when neither says.
func urlPort(def string) int {
	u, err := url.Parse(strings.Trim(def, `"`))
	if err != nil || u.Host == "" {
		return 0
	}
	if u.Port() != "" {
		if p, err := strconv.Atoi(u.Port()); err == nil && p > 0 && p < 65536 {
			return p
		}
		return 0
	}
	return map[string]int{"postgres": 5432, "postgresql": 5432, "ecto": 5432, "mysql": 3306, "http": 80, "https": 443}[u.Scheme]
}
