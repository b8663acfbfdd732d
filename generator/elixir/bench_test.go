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

// BenchmarkParseInsertedBigRouter is the check of the health forward inserted before the first
// scope of the same router: only the inserted text is scanned (BenchmarkParseBigRouter is the
// whole parse it replaces).
func BenchmarkParseInsertedBigRouter(b *testing.B) {
	src := testtools.BigRouter(b, 20_000)
	old, err := parse(src)
	if err != nil {
		b.Fatal(err)
	}
	at, text := testtools.HealthForward(src)
	out := src[:at] + text + src[at:]
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := inserted(old, out, at, len(text)); !ok {
			b.Fatal("declined")
		}
	}
}
