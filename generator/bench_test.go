package generator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
	"github.com/phxdeploy/phxdeploy/templates"
)

// BenchmarkPlanAllTargets measures detection, answers and planning (everything --dry-run does
// except printing) for all four targets on the Phoenix 1.8 fixture.
func BenchmarkPlanAllTargets(b *testing.B) {
	dir := filepath.Join(testtools.RepoRoot(), "testdata", "phx18_postgres")
	engine := generator.NewEngine(templates.FS)
	b.ReportAllocs()
	for b.Loop() {
		p, err := generator.Detect(dir, "")
		if err != nil {
			b.Fatal(err)
		}
		v := generator.NewValues()
		for k, val := range allTargets {
			v.Set(k, val, generator.SourceFlag)
		}
		if err := generator.Complete(p, v); err != nil {
			b.Fatal(err)
		}
		if _, err := generator.Plan(p, generator.Resolve(v), engine, os.DirFS(dir), generator.PlanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
