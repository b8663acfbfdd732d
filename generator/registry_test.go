package generator_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/engine"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/target"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// render is a target that exists only in this test: one declaration (what a target's Go file
// holds), one template folder (testdata/render_target/render) and one golden file. It proves
// that a new platform needs nothing else: its question, its file, the image it runs and its next
// steps all come from the registry.
func render() target.Target {
	return target.Target{
		Name: "render", Title: "Render", BuildsImage: true,
		PublicHost: func(name string) string { return name + ".onrender.com" },
		Questions: []*answers.Question{{Key: "plan", Title: "Render plan", Help: "Render instance type", Kind: answers.KindString,
			Default: answers.Fixed("starter"), Validate: answers.Matches(regexp.MustCompile(`^[a-z]+$`), "plan")}},
		Files: []target.File{{Template: "render/render.yaml.tmpl", Path: target.At("render.yaml"), Mode: 0o644}},
		NextSteps: func(_ *project.Project, d *target.Data) []target.Step {
			return []target.Step{{Command: "render blueprint launch"}, {Text: "plan " + d.Answers["plan"]}}
		},
	}
}

func TestATargetIsOneDeclarationOneTemplateFolderAndItsGoldens(t *testing.T) {
	dir := copyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", "phx18_postgres"))
	reg := target.Default().With(render())
	res, err := generator.Run(context.Background(), generator.Request{
		Dir: dir, Registry: reg, DryRun: true, Given: map[string]string{"target": "render", "plan": "standard"},
		Layers: []engine.Layer{{Name: "render", FS: os.DirFS(filepath.Join("testdata", "render_target"))}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]generator.Action{}
	var out bytes.Buffer
	res.Report.WriteText(&out)
	for _, c := range res.Changes {
		actions[c.Path] = c.Action
		if c.Path == "render.yaml" {
			out.WriteString("-- render.yaml --\n")
			out.Write(c.Content)
		}
	}
	// The image the target runs comes with it; targets it did not select do not.
	if actions["render.yaml"] != generator.Create || actions["Dockerfile"] != generator.Create || actions["fly.toml"] != "" || actions["compose.yaml"] != "" {
		t.Errorf("changes: %v", actions)
	}
	for _, want := range []string{"host  shop.onrender.com", "plan  standard", "    render blueprint launch\n    # plan standard"} {
		if !strings.Contains(testtools.Spaced(out.String()), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	goldie.New(t, goldie.WithFixtureDir(filepath.Join(testtools.RepoRoot(), "golden")), goldie.WithNameSuffix(".golden")).
		Assert(t, "test_only_target", out.Bytes())
}
