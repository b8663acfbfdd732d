// Package lint renders templates against bundled project shapes and validates the output with
// the platforms' own parsers and linters. It is linked into phxdeploy-lint, not into phxdeploy,
// so that the validators' weight never slows `phxdeploy init`.
package lint

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/engine"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/target"
	"github.com/phxdeploy/phxdeploy/internal/validate"
)

// Case is a project shape templates are rendered against by `templates lint`.
type Case struct {
	Name    string
	Project *project.Project
	Answers map[string]string
}

func lintProject(mut func(p *project.Project)) *project.Project {
	p := project.Sample()
	if mut != nil {
		mut(p)
	}
	return p
}

// Cases are the bundled project shapes: Phoenix 1.8 with Postgres and assets, SQLite,
// MySQL without assets, no Ecto with npm-built assets, and an umbrella.
func Cases(reg *target.Registry) []Case {
	all := generator.SampleAnswers(reg)
	return []Case{
		{"phoenix 1.8, Postgres, assets", lintProject(nil), all},
		{"SQLite", lintProject(func(p *project.Project) { p.Database = "sqlite" }), all},
		{"MySQL, no assets", lintProject(func(p *project.Project) {
			p.Database, p.Assets, p.PhoenixMinor, p.ForceSSL = "mysql", false, "1.6", false
		}), all},
		{"no Ecto, npm assets", lintProject(func(p *project.Project) { p.Database, p.EctoSQL, p.AssetsNpm = "none", false, true }), all},
		{"umbrella", lintProject(func(p *project.Project) {
			p.Umbrella, p.AppsPath, p.WebApp, p.WebModule = true, "apps", "shop_web", "ShopWeb"
			p.Apps = []project.UmbrellaApp{{Name: "shop", Dir: "apps/shop"}, {Name: "shop_web", Dir: "apps/shop_web"}}
			p.HasReleasesConfig = true
		}), all},
	}
}

// Problem is one thing `templates lint` found.
type Problem struct {
	Case    string `json:"case,omitempty"`
	File    string `json:"file"`
	Problem string `json:"problem"`
}

// Lint parses every template in the layers, renders them against the bundled project shapes
// for every target, and validates the output with the checks the test suite uses (external tools
// only when installed; skipped names which were not found).
func Run(e *engine.Engine) (problems []Problem, skipped []string) {
	names, err := e.TemplateNames()
	if err != nil {
		return []Problem{{File: "(layers)", Problem: err.Error()}}, nil
	}
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			continue // partials are parsed with the templates that include them
		}
		if err := e.Check(n); err != nil {
			problems = append(problems, Problem{File: n, Problem: err.Error()})
		}
	}
	if len(problems) > 0 {
		return problems, nil
	}
	for _, tool := range []string{"elixir", "shellcheck", "systemd-analyze"} {
		if !validate.Have(tool) {
			skipped = append(skipped, tool)
		}
	}
	reg := target.Default()
	// The Elixir files of every case are parsed together at the end, by one elixir process,
	// each under case<N>/ so that a problem can name its case.
	elixirFiles := map[string][]byte{}
	cases := Cases(reg)
	for n, c := range cases {
		changes, d, err := generator.PlanFor(reg, c.Project, c.Answers, e, fstest.MapFS{})
		if err != nil {
			problems = append(problems, Problem{Case: c.Name, File: "(render)", Problem: err.Error()})
			continue
		}
		collect := func(files map[string][]byte) []string {
			for f, b := range files {
				elixirFiles[fmt.Sprintf("case%d/%s", n, f)] = b
			}
			return nil
		}
		for _, msg := range Validate(d, changes, nil, collect) {
			problems = append(problems, Problem{Case: c.Name, File: msg[0], Problem: msg[1]})
		}
	}
	for _, msg := range validate.ElixirParses(elixirFiles) {
		var n int
		var rest string
		if _, err := fmt.Sscanf(msg, "case%d/", &n); err == nil && n < len(cases) {
			_, rest, _ = strings.Cut(msg, "/")
			problems = append(problems, Problem{Case: cases[n].Name, File: "(elixir)", Problem: rest})
			continue
		}
		problems = append(problems, Problem{File: "(elixir)", Problem: msg})
	}
	return problems, skipped
}

// Validate checks the files a plan writes with the platforms' own parsers and linters and
// returns (file, problem) pairs. dir, when not nil, is the project as it is once the plan is
// applied: the Dockerfile's COPY sources are checked against it. ex parses Elixir (nil: one
// elixir process for this call, when elixir is installed).
func Validate(d *target.Data, changes []generator.Change, dir fs.FS, ex validate.ElixirParser) [][2]string {
	var out [][2]string
	add := func(file string, msgs ...string) {
		for _, m := range msgs {
			out = append(out, [2]string{file, m})
		}
	}
	// The build context: the .dockerignore must not leave out what the Dockerfile copies.
	excluded, err := generator.ExcludedCopies(changes, dir)
	if err != nil {
		add("Dockerfile", err.Error())
	}
	for _, e := range excluded {
		add(".dockerignore", e.String()+": the build would not find it")
	}
	k8s, units := map[string][]byte{}, map[string][]byte{}
	elixirFiles := map[string][]byte{}
	for _, c := range changes {
		if c.Content == nil || c.Action == generator.Manual || c.Action == generator.Identical {
			continue
		}
		switch {
		case c.Path == "Dockerfile":
			add(c.Path, validate.Dockerfile(c.Content, dir)...)
		case c.Path == "fly.toml":
			add(c.Path, validate.Fly(c.Content, validate.FlyExpectations{SQLite: d.Database == "sqlite", Migrations: d.NetworkDatabase,
				HealthPath: d.HealthPath, ProbeHeaders: d.ForceSSL, Port: d.Port,
				PortVar: d.Env["PORT"], DatabasePathVar: d.Env["DATABASE_PATH"]})...)
		case strings.HasPrefix(c.Path, "deploy/k8s/"):
			k8s[strings.TrimPrefix(c.Path, "deploy/k8s/")] = c.Content
		case c.Path == d.ComposeFile:
			add(c.Path, validate.Compose(c.Path, c.Content)...)
		case strings.HasSuffix(c.Path, ".ex") || strings.HasSuffix(c.Path, ".exs"):
			elixirFiles[c.Path] = c.Content
		case strings.HasPrefix(c.Path, "rel/overlays/bin/"):
			add(c.Path, validate.Shell(c.Path, c.Content)...)
		case c.Path == "rel/env.sh.eex":
			add(c.Path, validate.Shell(c.Path, validate.RenderEEx(c.Content, d.Release, "0.1.0"))...)
		case strings.HasPrefix(c.Path, "deploy/systemd/") && strings.HasSuffix(c.Path, ".service"):
			units[path.Base(c.Path)] = c.Content
		}
	}
	if len(k8s) > 0 {
		_, problems := validate.K8s(k8s)
		add("deploy/k8s", problems...)
	}
	if len(units) > 0 {
		// Together: the release's unit requires the migrations' unit.
		_, problems := validate.SystemdUnits(units, d.InstallDir)
		add("deploy/systemd", problems...)
	}
	if ex == nil {
		ex = validate.ElixirParses
	}
	add("(elixir)", ex(elixirFiles)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
