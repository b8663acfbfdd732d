// Package setting is the one table of what config/runtime.exs must provide for a release to boot
// on the platforms: each setting's environment variable, the config key that holds it, where it
// goes in the file, and the code that reads it. The same table renders a new runtime.exs, patches
// an existing one (generator/patch), and tells detection (generator/project) which config key to
// follow to find the name a project reads a variable under, so that every target sets that name.
package setting

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Context names the modules and choices the settings refer to.
type Context struct {
	App      string   // OTP app of the Repo
	WebApp   string   // OTP app of the Endpoint
	Repos    []string // the project's repos; a setting phxdeploy adds configures the first
	Endpoint string   // the Endpoint module
	Database string   // postgres, mysql, sqlite, mssql or none
	// DNSCluster is set when the app reads its cluster query from config (dns_cluster).
	DNSCluster bool
	// NewFile is set when the settings make a new runtime.exs rather than complete one.
	NewFile bool
	// DatabaseURLExample is shown in the message raised when DATABASE_URL is missing.
	DatabaseURLExample string
	// NoProdBlock is set for config/releases.exs on Elixir 1.9-1.10: it is only evaluated in a
	// release, and config_env/0 does not exist yet, so the prod settings stand at the top level.
	NoProdBlock bool
	// Names are the project's names for variables (by Phoenix name): a setting phxdeploy adds
	// reads the variable under the project's name (one it reads only at build time today).
	Names map[string]string
	// Provided are settings the project provides where the runtime config does not show them
	// (a repo's init/2, a file the runtime config imports): phxdeploy never adds them.
	Provided map[string]bool
	// ImportsRead: phxdeploy read every file the runtime config imports (their settings are
	// in Provided), so adding settings beside the imports is safe.
	ImportsRead bool
	// BuildEnv is the MIX_ENV the release is built with ("" is prod): config_env() in it.
	BuildEnv string
}

// Env is the environment the release is built for: BuildEnv, or prod.
func (c Context) Env() string {
	if c.BuildEnv == "" {
		return "prod"
	}
	return c.BuildEnv
}

// Name is the variable a setting is read from: the project's name for it, or the Phoenix one.
func (c Context) Name(env string) string {
	if n := c.Names[env]; n != "" {
		return n
	}
	return env
}

// ecto reports whether the repo settings apply: a database, and a repo to configure (a project
// whose repos phxdeploy did not find gets none of them: no repo name is guessed).
func (c Context) ecto() bool    { return c.Database != "" && c.Database != "none" && len(c.Repos) > 0 }
func (c Context) network() bool { return c.ecto() && c.Database != "sqlite" }

// Scope says which config call holds a setting.
type Scope int

const (
	Repo     Scope = iota // config :app, <Repo>, key: ...
	Endpoint              // config :web_app, <Endpoint>, key: ...
	AppKey                // config :app, :key, value
)

// Place says where in runtime.exs a setting goes when it is added.
type Place int

const (
	Top       Place = iota // before the prod block (read in every environment)
	ProdStart              // first in the prod block (the database)
	ProdEnd                // last in the prod block
)

// Setting is one thing runtime.exs must provide.
type Setting struct {
	// Env is the variable's Phoenix name: the name phxdeploy writes when it adds the setting,
	// and the key of the project's own name for it.
	Env   string
	Scope Scope
	// Keys are the config keys that provide the setting (any of them counts as present); the
	// first is the one whose value names the variable ("url", "http.port"). For AppKey it is
	// the key atom without its colon.
	Keys  []string
	Place Place
	// Applies reports whether the setting is needed in a context.
	Applies func(c Context) bool
	// Internal marks a variable that phxdeploy's own scripts set (bin/server sets PHX_SERVER):
	// the platforms never provide it.
	Internal bool
	// Pre is code that runs before the config call (reading the variable into a local).
	Pre func(c Context) string
	// Pair is the keyword pair the config call sets ("url: database_url"); for AppKey the
	// value is the call's third argument instead.
	Pair func(c Context) string
	// Guard, when set, wraps the config call in `if <guard> do ... end`.
	Guard string
	// What the code phxdeploy writes does with the variable: raise when it is missing
	// (Required), a secret's value (Secret), or the default it falls back to.
	Required bool
	Secret   bool
	Default  string
	// DefaultIn, when set, is the default for a context (it depends on the database).
	DefaultIn func(c Context) string
	Type      string
	// Shaped marks a value phxdeploy makes in a format of its own (a host name, a DNS query):
	// read through a function of the app that may reshape it, the variable may want another.
	Shaped bool
}

// DefaultFor is the default the code phxdeploy writes falls back to, in context c.
func (s Setting) DefaultFor(c Context) string {
	if s.DefaultIn != nil {
		return s.DefaultIn(c)
	}
	return s.Default
}

// poolSize is the default pool size: SQLite serialises writes, so a small pool.
func poolSize(c Context) string {
	if c.Database == "sqlite" {
		return "5"
	}
	return "10"
}

// Targets returns the second arguments of the config calls that can hold the setting.
func (s Setting) Targets(c Context) []string {
	switch s.Scope {
	case Repo:
		return c.Repos
	case Endpoint:
		return []string{c.Endpoint}
	}
	return []string{":" + s.Keys[0]}
}

// Present reports whether a runtime config already provides the setting in any form: any read
// of its variable, or one of its keys set under another variable or by a value phxdeploy
// cannot see into.
func (s Setting) Present(f *elixir.Facts, c Context) bool {
	if c.Provided[s.Env] || f.Reads(s.Env) || f.Reads(c.Name(s.Env)) {
		return true
	}
	if s.Scope == AppKey && f.Atoms[s.Keys[0]] {
		return true
	}
	for _, k := range s.Keys {
		if f.Sets(s.Targets(c), k) {
			return true
		}
	}
	return false
}

// args are the positional arguments of the setting's config call.
func (s Setting) args(c Context) []string {
	switch s.Scope {
	case Repo:
		return []string{":" + c.App, c.Repos[0]}
	case Endpoint:
		return []string{":" + c.WebApp, c.Endpoint}
	}
	return []string{":" + c.App, ":" + s.Keys[0], s.Pair(c)}
}

// Render lays out settings as code for column indent, relative to that column: one block per
// config call. Consecutive unguarded settings of the same call share it (Config merges calls
// anyway; one call reads as Phoenix writes it), their Pre code first.
func Render(settings []Setting, c Context, indent int) []string {
	var out []string
	for i := 0; i < len(settings); {
		s := settings[i]
		args := s.args(c)
		var pre strings.Builder
		var pairs []string
		j := i
		for ; j < len(settings); j++ {
			t := settings[j]
			if j > i && (t.Guard != "" || s.Guard != "" || t.Scope == AppKey || strings.Join(t.args(c), ",") != strings.Join(args, ",")) {
				break
			}
			if t.Pre != nil {
				pre.WriteString(t.Pre(c))
			}
			if t.Scope != AppKey {
				pairs = append(pairs, t.Pair(c))
			}
		}
		if s.Guard != "" {
			call := elixir.Dedent(elixir.FormatCall(indent+2, "config", args, pairs), indent)
			out = append(out, pre.String()+"if "+s.Guard+" do\n"+call+"\nend")
		} else {
			out = append(out, pre.String()+elixir.Dedent(elixir.FormatCall(indent, "config", args, pairs), indent))
		}
		i = j
	}
	return out
}

// required reads a variable into a local, raising with a helpful message when it is missing.
func required(local, env, example string) string {
	return fmt.Sprintf("%s =\n  System.get_env(%q) ||\n    raise \"\"\"\n    environment variable %s is missing.\n    %s\n    \"\"\"\n\n", local, env, env, example)
}

func always(Context) bool { return true }

func pair(p string) func(Context) string { return func(Context) string { return p } }

// All is every setting, in the order they are written.
var All = []Setting{
	{Env: "PHX_SERVER", Scope: Endpoint, Keys: []string{"server"}, Place: Top, Applies: always, Internal: true,
		Guard: `System.get_env("PHX_SERVER")`, Pair: pair("server: true")},
	{Env: "DATABASE_PATH", Scope: Repo, Keys: []string{"database"}, Place: ProdStart, Required: true,
		Applies: func(c Context) bool { return c.ecto() && c.Database == "sqlite" },
		Pre: func(c Context) string {
			return required("database_path", c.Name("DATABASE_PATH"), "For example: /data/"+c.App+".db")
		},
		Pair: pair("database: database_path")},
	{Env: "DATABASE_URL", Scope: Repo, Keys: []string{"url", "hostname", "database"}, Place: ProdStart, Applies: Context.network,
		Required: true, Secret: true,
		Pre: func(c Context) string {
			return required("database_url", c.Name("DATABASE_URL"), "For example: "+c.DatabaseURLExample)
		},
		Pair: pair("url: database_url")},
	{Env: "ECTO_IPV6", Scope: Repo, Keys: []string{"socket_options"}, Place: ProdStart, Applies: Context.network, Type: "boolean",
		Pre: func(c Context) string {
			return fmt.Sprintf("maybe_ipv6 = if System.get_env(%q) in ~w(true 1), do: [:inet6], else: []\n\n", c.Name("ECTO_IPV6"))
		},
		Pair: pair("socket_options: maybe_ipv6")},
	{Env: "POOL_SIZE", Scope: Repo, Keys: []string{"pool_size"}, Place: ProdStart, Applies: Context.ecto, Type: "integer",
		DefaultIn: func(c Context) string { return strconv.Quote(poolSize(c)) },
		Pair: func(c Context) string {
			return fmt.Sprintf("pool_size: String.to_integer(System.get_env(%q) || %q)", c.Name("POOL_SIZE"), poolSize(c))
		}},
	{Env: "SECRET_KEY_BASE", Scope: Endpoint, Keys: []string{"secret_key_base"}, Place: ProdEnd, Applies: always,
		Required: true, Secret: true,
		Pre: func(c Context) string {
			return required("secret_key_base", c.Name("SECRET_KEY_BASE"), "You can generate one by calling: mix phx.gen.secret")
		},
		Pair: pair("secret_key_base: secret_key_base")},
	{Env: "PHX_HOST", Scope: Endpoint, Keys: []string{"url.host"}, Place: ProdEnd, Applies: always, Default: `"example.com"`, Shaped: true,
		Pair: func(c Context) string {
			return fmt.Sprintf(`url: [host: System.get_env(%q) || "example.com", port: 443, scheme: "https"]`, c.Name("PHX_HOST"))
		}},
	{Env: "PORT", Scope: Endpoint, Keys: []string{"http.port"}, Place: ProdEnd, Applies: always, Default: `"4000"`, Type: "integer",
		Pair: func(c Context) string {
			port := fmt.Sprintf(`port: String.to_integer(System.get_env(%q) || "4000")`, c.Name("PORT"))
			if c.NewFile {
				// A new file also listens on every IPv6 and IPv4 interface, as Phoenix's own does.
				return "http: [\n  # Listen on every IPv6 and IPv4 interface.\n  ip: {0, 0, 0, 0, 0, 0, 0, 0},\n  " + port + "\n]"
			}
			return "http: [" + port + "]"
		}},
	{Env: "DNS_CLUSTER_QUERY", Scope: AppKey, Keys: []string{"dns_cluster_query"}, Place: ProdEnd, Shaped: true,
		Applies: func(c Context) bool { return c.DNSCluster },
		Pair:    func(c Context) string { return fmt.Sprintf("System.get_env(%q)", c.Name("DNS_CLUSTER_QUERY")) }},
}

// Parts are the parts of a database connection, for projects that configure the repo from them
// instead of a URL. phxdeploy never adds them: it reads their names, so that every target sets
// them.
var Parts = []Setting{
	{Env: "DATABASE_HOST", Scope: Repo, Keys: []string{"hostname"}, Applies: Context.network},
	{Env: "DATABASE_NAME", Scope: Repo, Keys: []string{"database"}, Applies: Context.network},
	{Env: "DATABASE_USER", Scope: Repo, Keys: []string{"username"}, Applies: Context.network},
	{Env: "DATABASE_PASSWORD", Scope: Repo, Keys: []string{"password"}, Applies: Context.network, Secret: true},
	{Env: "DATABASE_PORT", Scope: Repo, Keys: []string{"port"}, Applies: Context.network},
}

// For returns the settings a context needs, in the order they are written.
func For(c Context) []Setting {
	var out []Setting
	for _, s := range All {
		if s.Applies(c) {
			out = append(out, s)
		}
	}
	return out
}

// Names returns the Phoenix name of every variable in the table that the platforms provide.
func Names() []string {
	var out []string
	for _, s := range All {
		if !s.Internal {
			out = append(out, s.Env)
		}
	}
	return out
}
