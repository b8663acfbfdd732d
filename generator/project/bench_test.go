package project

import (
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// BenchmarkReadBigRouter reads the 1.8 fixture with a router of 20,000 lines: the project's
// part of BenchmarkInitDryRunBigRouter (the router's parse, index and routes).
func BenchmarkReadBigRouter(b *testing.B) {
	dir := testtools.BigRouterFixture(b, 20_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
