package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Action says what Apply does (or did) with a path.
type Action string

const (
	Create    Action = "create"    // the file does not exist
	Identical Action = "identical" // the file exists with exactly this content
	Conflict  Action = "conflict"  // the file exists and differs; left untouched
	Overwrite Action = "overwrite" // the file exists and differs; replaced (--force)
	Patch     Action = "patch"     // the file is edited in place
	Manual    Action = "manual"    // phxdeploy cannot edit the file safely; Snippet says what to do
)

// Change is one entry of a plan.
type Change struct {
	Path    string      `json:"path"` // slash-separated, relative to the project root
	Action  Action      `json:"action"`
	Mode    fs.FileMode `json:"-"`
	Content []byte      `json:"-"` // the new content (create, overwrite, patch, conflict)
	Old     []byte      `json:"-"` // the existing content, if any
	Reason  string      `json:"reason,omitempty"`
	Snippet string      `json:"snippet,omitempty"`
}

// Writes reports whether Apply writes this change.
func (c *Change) Writes() bool {
	return c.Action == Create || c.Action == Overwrite || c.Action == Patch
}

// PlanOptions adjust how existing files are treated.
type PlanOptions struct {
	Force bool // replace differing files instead of reporting a conflict
}

// fileSpec is one rendered file: its template, where it goes, and when it applies.
type fileSpec struct {
	tmpl string
	dest func(d *Data) string
	when func(d *Data) bool
	mode fs.FileMode
}

func always(*Data) bool { return true }

func forTarget(targets ...string) func(d *Data) bool {
	return func(d *Data) bool {
		for _, t := range targets {
			if contains(d.Targets, t) {
				return true
			}
		}
		return false
	}
}

func fixedPath(p string) func(*Data) string { return func(*Data) string { return p } }

var imageBuilding = forTarget("fly", "docker", "k8s")

func k8sFile(name string) fileSpec {
	return fileSpec{tmpl: "k8s/" + name + ".tmpl", dest: fixedPath("deploy/k8s/" + name), when: forTarget("k8s"), mode: 0o644}
}

// files is the full list of rendered files, in report order.
var files = []fileSpec{
	{"common/runtime.exs.tmpl", fixedPath("config/runtime.exs"), func(d *Data) bool { return !d.runtimeExists }, 0o644},
	{"common/release.ex.tmpl", func(d *Data) string { return path.Join(d.AppDir, "lib", d.App, "release.ex") }, func(d *Data) bool { return d.Ecto }, 0o644},
	{"common/health_controller.ex.tmpl", func(d *Data) string {
		return path.Join(d.WebLib, "controllers", "health_controller.ex")
	}, always, 0o644},
	{"common/env.sh.eex.tmpl", fixedPath("rel/env.sh.eex"), always, 0o644},
	{"common/server.sh.tmpl", fixedPath("rel/overlays/bin/server"), always, 0o755},
	{"common/migrate.sh.tmpl", fixedPath("rel/overlays/bin/migrate"), func(d *Data) bool { return d.Ecto }, 0o755},
	{"docker/Dockerfile.tmpl", fixedPath("Dockerfile"), imageBuilding, 0o644},
	{"docker/dockerignore.tmpl", fixedPath(".dockerignore"), imageBuilding, 0o644},
	{"docker/compose.yaml.tmpl", fixedPath("compose.yaml"), forTarget("docker"), 0o644},
	{"docker/env.prod.example.tmpl", fixedPath(".env.prod.example"), forTarget("docker"), 0o644},
	{"fly/fly.toml.tmpl", fixedPath("fly.toml"), forTarget("fly"), 0o644},
	{"systemd/unit.service.tmpl", func(d *Data) string { return "deploy/systemd/" + d.Name + ".service" }, forTarget("systemd"), 0o644},
	{"systemd/env.example.tmpl", func(d *Data) string { return "deploy/systemd/" + d.Name + ".env.example" }, forTarget("systemd"), 0o644},
	k8sFile("kustomization.yaml"),
	k8sFile("deployment.yaml"),
	k8sFile("service.yaml"),
	{"k8s/service-headless.yaml.tmpl", fixedPath("deploy/k8s/service-headless.yaml"), func(d *Data) bool { return contains(d.Targets, "k8s") && d.Clustering }, 0o644},
	k8sFile("pdb.yaml"),
	k8sFile("networkpolicy.yaml"),
	{"k8s/pvc.yaml.tmpl", fixedPath("deploy/k8s/pvc.yaml"), func(d *Data) bool { return contains(d.Targets, "k8s") && d.Database == "sqlite" }, 0o644},
}

// Plan renders every file the chosen targets need and compares it with what the project has.
// It reads the project through root and writes nothing.
func Plan(p *Project, s *Settings, engine *Engine, root fs.FS, opts PlanOptions) ([]Change, error) {
	d := NewData(p, s)
	var changes []Change
	for _, f := range files {
		if !f.when(d) {
			continue
		}
		content, err := engine.Render(f.tmpl, d)
		if err != nil {
			return nil, err
		}
		c, err := compare(root, f.dest(d), content, f.mode, opts)
		if err != nil {
			return nil, err
		}
		changes = append(changes, c)
	}
	manual, err := manualEdits(p, d, root)
	if err != nil {
		return nil, err
	}
	return append(changes, manual...), nil
}

func compare(root fs.FS, rel string, content []byte, mode fs.FileMode, opts PlanOptions) (Change, error) {
	c := Change{Path: rel, Mode: mode, Content: content}
	old, err := fs.ReadFile(root, rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Action = Create
	case err != nil:
		return c, fmt.Errorf("%s: cannot read it: %w", rel, err)
	case bytes.Equal(old, content):
		c.Action = Identical
		c.Old = old
	default:
		c.Old = old
		if opts.Force {
			c.Action = Overwrite
		} else {
			c.Action = Conflict
			c.Reason = "differs from what phxdeploy would write; left untouched (--force replaces it, --dry-run shows the difference)"
		}
	}
	return c, nil
}

// Counts tallies the actions of a plan.
func Counts(changes []Change) map[Action]int {
	out := map[Action]int{}
	for _, c := range changes {
		out[c.Action]++
	}
	return out
}

// codeTokens scans an Elixir file of the project; ok is false when it is missing or unreadable.
func codeTokens(root fs.FS, rel string) ([]elixir.Token, bool) {
	b, err := fs.ReadFile(root, rel)
	if err != nil {
		return nil, false
	}
	return scanCode(b)
}

// mentions reports whether code contains a string literal or an alias/identifier equal to one of
// names. Comments never count.
func mentions(code []elixir.Token, names ...string) bool {
	for _, t := range code {
		for _, n := range names {
			switch t.Kind {
			case elixir.String:
				if elixir.Unquote(t) == n {
					return true
				}
			case elixir.Alias, elixir.Ident:
				if t.Text == n || strings.HasSuffix(t.Text, "."+n) {
					return true
				}
			}
		}
	}
	return false
}

// manualEdits lists the edits to existing Elixir files the targets need, each with the exact
// snippet to paste. Files that already contain the setting (in any form phxdeploy recognizes)
// need nothing.
func manualEdits(p *Project, d *Data, root fs.FS) ([]Change, error) {
	var out []Change
	add := func(file, reason, snippet string) {
		out = append(out, Change{Path: file, Action: Manual, Reason: reason, Snippet: snippet})
	}

	router := path.Join(d.WebLib, "router.ex")
	if code, ok := codeTokens(root, router); !ok || !mentions(code, "HealthController") {
		add(router, "add the health routes before the first scope, outside any pipeline that uses sessions or CSRF",
			fmt.Sprintf("  scope %q, %s do\n    get \"/\", HealthController, :readiness\n    get \"/live\", HealthController, :liveness\n  end\n", d.HealthPath, d.WebModule))
	}

	if p.RuntimeExs {
		code, _ := codeTokens(root, "config/runtime.exs")
		var lines []string
		need := func(env, snippet string) {
			if !mentions(code, env) {
				lines = append(lines, snippet)
			}
		}
		need("PHX_SERVER", fmt.Sprintf("if System.get_env(\"PHX_SERVER\") do\n  config :%s, %s.Endpoint, server: true\nend", d.WebApp, d.WebModule))
		need("PORT", fmt.Sprintf("config :%s, %s.Endpoint,\n  http: [port: String.to_integer(System.get_env(\"PORT\", \"4000\"))]", d.WebApp, d.WebModule))
		var prod []string
		needProd := func(env, snippet string) {
			if !mentions(code, env) {
				prod = append(prod, snippet)
			}
		}
		switch {
		case d.Database == "sqlite":
			needProd("DATABASE_PATH", fmt.Sprintf("  config :%s, %s.Repo,\n    database: System.get_env(\"DATABASE_PATH\") || raise(\"environment variable DATABASE_PATH is missing\")", d.App, d.Base))
		case d.NetworkDatabase:
			needProd("DATABASE_URL", fmt.Sprintf("  config :%s, %s.Repo,\n    url: System.get_env(\"DATABASE_URL\") || raise(\"environment variable DATABASE_URL is missing\"),\n    socket_options: if(System.get_env(\"ECTO_IPV6\") in ~w(true 1), do: [:inet6], else: [])", d.App, d.Base))
		}
		needProd("SECRET_KEY_BASE", fmt.Sprintf("  config :%s, %s.Endpoint,\n    secret_key_base: System.get_env(\"SECRET_KEY_BASE\") || raise(\"environment variable SECRET_KEY_BASE is missing\")", d.WebApp, d.WebModule))
		needProd("PHX_HOST", fmt.Sprintf("  config :%s, %s.Endpoint,\n    url: [host: System.get_env(\"PHX_HOST\") || \"example.com\", port: 443, scheme: \"https\"]", d.WebApp, d.WebModule))
		if d.DNSClusterQuery {
			needProd("DNS_CLUSTER_QUERY", fmt.Sprintf("  config :%s, :dns_cluster_query, System.get_env(\"DNS_CLUSTER_QUERY\")", d.App))
		}
		if len(prod) > 0 {
			lines = append(lines, "if config_env() == :prod do\n"+strings.Join(prod, "\n\n")+"\nend")
		}
		if len(lines) > 0 {
			add("config/runtime.exs", "read these settings from the environment at boot (inside your existing prod block where there is one)",
				strings.Join(lines, "\n\n")+"\n")
		}
	}

	if d.DNSClusterQuery && !p.DNSCluster {
		mixPath := path.Join(d.AppDir, "mix.exs")
		add(mixPath, "add dns_cluster to deps/0 so that nodes find each other", "      {:dns_cluster, \"~> 0.2.0\"},\n")
	}
	if d.DNSClusterQuery {
		appFile := path.Join(d.AppDir, "lib", d.App, "application.ex")
		if code, ok := codeTokens(root, appFile); !ok || !mentions(code, "DNSCluster") {
			add(appFile, "start DNSCluster in the children list, before Phoenix.PubSub",
				fmt.Sprintf("      {DNSCluster, query: Application.get_env(:%s, :dns_cluster_query) || :ignore},\n", d.App))
		}
	}
	if p.Umbrella && !p.HasReleasesConfig {
		var apps []string
		for _, a := range p.Apps {
			apps = append(apps, a.Name+": :permanent")
		}
		add("mix.exs", "umbrella projects need a release definition in project/0 for `mix release`",
			fmt.Sprintf("      releases: [\n        %s: [applications: [%s]]\n      ],\n", d.Release, strings.Join(apps, ", ")))
	}
	return out, nil
}
