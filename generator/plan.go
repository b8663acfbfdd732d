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

// fileSpec is one rendered file: its template, where it goes, and when it applies. A file with
// a patch function is edited in place when it exists instead of being compared as a whole.
type fileSpec struct {
	tmpl  string
	dest  func(d *Data) string
	when  func(d *Data) bool
	mode  fs.FileMode
	patch func(existing string, rendered []byte, d *Data) (string, error)
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
	{"common/runtime.exs.tmpl", func(d *Data) string { return d.RuntimeConfig }, always, 0o644,
		func(existing string, _ []byte, d *Data) (string, error) { return patchRuntime(existing, d) }},
	{"common/release.ex.tmpl", func(d *Data) string { return path.Join(d.AppDir, "lib", d.App, "release.ex") }, func(d *Data) bool { return d.Ecto }, 0o644, nil},
	{"common/health_controller.ex.tmpl", func(d *Data) string {
		return path.Join(d.WebLib, "controllers", "health_controller.ex")
	}, func(d *Data) bool { return d.HealthController }, 0o644, nil},
	{"common/env.sh.eex.tmpl", fixedPath("rel/env.sh.eex"), always, 0o644,
		func(existing string, rendered []byte, _ *Data) (string, error) {
			return patchEnvSh(existing, string(rendered))
		}},
	{"common/server.sh.tmpl", fixedPath("rel/overlays/bin/server"), always, 0o755, nil},
	{"common/migrate.sh.tmpl", fixedPath("rel/overlays/bin/migrate"), func(d *Data) bool { return d.Ecto }, 0o755, nil},
	{"docker/Dockerfile.tmpl", fixedPath("Dockerfile"), imageBuilding, 0o644, nil},
	{"docker/dockerignore.tmpl", fixedPath(".dockerignore"), imageBuilding, 0o644, nil},
	{"docker/compose.yaml.tmpl", fixedPath("compose.yaml"), forTarget("docker"), 0o644, nil},
	{"docker/env.prod.example.tmpl", fixedPath(".env.prod.example"), forTarget("docker"), 0o644, nil},
	{"fly/fly.toml.tmpl", fixedPath("fly.toml"), forTarget("fly"), 0o644, nil},
	{"systemd/unit.service.tmpl", func(d *Data) string { return "deploy/systemd/" + d.Name + ".service" }, forTarget("systemd"), 0o644, nil},
	{"systemd/env.example.tmpl", func(d *Data) string { return "deploy/systemd/" + d.Name + ".env.example" }, forTarget("systemd"), 0o644, nil},
	k8sFile("kustomization.yaml"),
	{"k8s/workload.yaml.tmpl", func(d *Data) string { return "deploy/k8s/" + d.WorkloadFile }, forTarget("k8s"), 0o644, nil},
	k8sFile("service.yaml"),
	{"k8s/service-headless.yaml.tmpl", fixedPath("deploy/k8s/service-headless.yaml"), func(d *Data) bool { return contains(d.Targets, "k8s") && d.HeadlessService }, 0o644, nil},
	k8sFile("pdb.yaml"),
	k8sFile("networkpolicy.yaml"),
}

// editSpec is an edit to a file the project already has and phxdeploy never writes whole.
type editSpec struct {
	path  func(p *Project, d *Data) string
	when  func(p *Project, d *Data) bool
	patch func(src, file string, p *Project, d *Data) (string, error)
	// missing is the reason and snippet reported when the file cannot be found.
	missing func(d *Data) (string, string)
}

var edits = []editSpec{
	{ // an umbrella needs a release definition for `mix release`
		path: func(*Project, *Data) string { return "mix.exs" },
		when: func(p *Project, _ *Data) bool { return p.Umbrella && !p.HasReleasesConfig },
		patch: func(src, file string, p *Project, d *Data) (string, error) {
			return patchProjectKeyword(src, file, "releases", umbrellaRelease(p, d))
		},
	},
	{ // compose's secrets stay out of git
		path: func(*Project, *Data) string { return ".gitignore" },
		when: func(_ *Project, d *Data) bool { return contains(d.Targets, "docker") },
		patch: func(src, _ string, _ *Project, _ *Data) (string, error) {
			return patchIgnore(src, ".env.prod")
		},
	},
	{ // the dns_cluster dependency, in the app that starts the supervisor
		path: func(_ *Project, d *Data) string { return path.Join(d.AppDir, "mix.exs") },
		when: func(p *Project, d *Data) bool { return d.DNSClusterQuery && !p.DNSCluster },
		patch: func(src, file string, _ *Project, _ *Data) (string, error) {
			return patchDeps(src, file, `{:dns_cluster, "~> 0.2.0"}`, "dns_cluster")
		},
	},
	{ // the DNSCluster child, before Phoenix.PubSub
		path: func(p *Project, _ *Data) string { return p.ApplicationFile },
		when: func(_ *Project, d *Data) bool { return d.DNSClusterQuery },
		patch: func(src, file string, _ *Project, d *Data) (string, error) {
			return patchChildren(src, file, d)
		},
		missing: func(d *Data) (string, string) {
			return "the application module was not found; start DNSCluster before Phoenix.PubSub",
				fmt.Sprintf("{DNSCluster, query: Application.get_env(:%s, :dns_cluster_query) || :ignore},\n", d.App)
		},
	},
	{ // the health routes
		path: func(p *Project, _ *Data) string { return p.RouterFile },
		when: func(_ *Project, d *Data) bool { return d.HealthController },
		patch: func(src, file string, _ *Project, d *Data) (string, error) {
			return patchRouter(src, file, d)
		},
		missing: func(d *Data) (string, string) {
			return "the router was not found; add the health routes before its first scope", routerSnippet(d) + "\n"
		},
	},
	{ // health probes must not be redirected by force_ssl
		path: func(*Project, *Data) string { return "config/prod.exs" },
		when: func(p *Project, _ *Data) bool { return p.ForceSSL },
		patch: func(src, file string, p *Project, d *Data) (string, error) {
			return patchForceSSL(src, file, d, p.PlugVersion)
		},
	},
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
		dest := f.dest(d)
		old, err := fs.ReadFile(root, dest)
		if f.patch != nil && err == nil {
			changes = append(changes, patchChange(dest, old, func(src string) (string, error) { return f.patch(src, content, d) }))
			continue
		}
		c, err := compare(root, dest, content, f.mode, opts)
		if err != nil {
			return nil, err
		}
		changes = append(changes, c)
	}
	for _, e := range edits {
		if !e.when(p, d) {
			continue
		}
		file := e.path(p, d)
		var old []byte
		var err error
		if file != "" {
			old, err = fs.ReadFile(root, file)
		}
		if file == "" || err != nil {
			if e.missing != nil {
				reason, snippet := e.missing(d)
				changes = append(changes, Change{Path: orDefault(file, "(not found)"), Action: Manual, Reason: reason, Snippet: snippet})
			}
			continue
		}
		changes = append(changes, patchChange(file, old, func(src string) (string, error) { return e.patch(src, file, p, d) }))
	}
	return changes, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// patchChange runs a patcher and checks its work: an Elixir file must still parse, and running
// the patcher again on its own output must change nothing. Anything else is reported as a
// manual change and the file is left as it is.
func patchChange(file string, old []byte, patch func(string) (string, error)) Change {
	c := Change{Path: file, Old: old, Mode: 0o644}
	out, err := patch(string(old))
	var me *manualError
	switch {
	case errors.As(err, &me):
		c.Action, c.Reason, c.Snippet = Manual, strings.TrimPrefix(me.reason, file+": "), me.snippet
		return c
	case err != nil:
		c.Action, c.Reason = Manual, err.Error()
		return c
	}
	if out == string(old) {
		c.Action, c.Content = Identical, old
		return c
	}
	if strings.HasSuffix(file, ".ex") || strings.HasSuffix(file, ".exs") {
		if !elixir.Balanced(out) {
			c.Action, c.Reason = Manual, "phxdeploy's edit would not parse; the file was left as it is (please report this)"
			return c
		}
	}
	if again, err := patch(out); err != nil || again != out {
		c.Action, c.Reason = Manual, "phxdeploy's edit is not stable; the file was left as it is (please report this)"
		return c
	}
	c.Action, c.Content = Patch, []byte(out)
	return c
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

// umbrellaRelease is the release definition an umbrella without one gets: every app, permanent.
func umbrellaRelease(p *Project, d *Data) string {
	var apps []string
	for _, a := range p.Apps {
		apps = append(apps, a.Name+": :permanent")
	}
	return fmt.Sprintf("[%s: [applications: [%s]]]", d.Release, strings.Join(apps, ", "))
}
