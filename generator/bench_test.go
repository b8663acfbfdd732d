package generator_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// BenchmarkPlanAllTargets measures reading the project, settling the answers and planning
// (everything --dry-run does except printing) for all four targets on the Phoenix 1.8 fixture.
func BenchmarkPlanAllTargets(b *testing.B) {
	req := generator.Request{Dir: filepath.Join(testtools.RepoRoot(), "testdata", "phx18_postgres"), Given: allTargets, DryRun: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := generator.Run(context.Background(), req, nil); err != nil {
			b.Fatal(err)
		}
	}
}
