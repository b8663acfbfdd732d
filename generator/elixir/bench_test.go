package elixir

import (
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// BenchmarkParseBigRouter parses a router of 20,000 lines (with parse, which never reuses a
// tree in use).
func BenchmarkParseBigRouter(b *testing.B) {
	src := testtools.BigRouter(b, 20_000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
