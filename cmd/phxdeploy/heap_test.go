package main

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// peakKiB runs the binary with env added to its environment and returns its peak resident
// memory in KiB, as GNU time measures it. (The process's own rusage cannot: a child the test
// starts shares the test's memory until it executes the binary, and its peak counts the test's.
// GNU time forks its child from its own small memory.)
func peakKiB(t testing.TB, bin string, env []string, args ...string) int64 {
	t.Helper()
	gnuTime := testtools.Require(t, "/usr/bin/time", "time")
	out := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", out, bin}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		t.Fatalf("GNU time wrote %q: %v", b, err)
	}
	return kib
}

// TestPeakMemory holds `init --dry-run` for all four targets on the 1.8 fixture to a peak of
// 20 MiB, and collecting late to a peak within 4 MiB of collecting as Go does by default.
func TestPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	args := initArgs(testtools.Fixture(t, "phx18_postgres"))
	least := func(env ...string) int64 { // the least of three runs: the peak varies a little
		m := int64(1 << 62)
		for range 3 {
			m = min(m, peakKiB(t, bin, env, args...))
		}
		return m
	}
	late, usual := least("GOGC=", "GOMEMLIMIT="), least("GOGC=100")
	t.Logf("peak: %d KiB collecting late, %d KiB as Go does by default", late, usual)
	if late > 20<<10 {
		t.Errorf("peak %d KiB: more than 20 MiB", late)
	}
	if late-usual > 4<<10 {
		t.Errorf("collecting late adds %d KiB to the peak", late-usual)
	}
}

// TestCollectLate checks both phases: no collection while the heap is small, and Go's default
// (GOGC=100, no limit) from the first collection on; and that GOGC or GOMEMLIMIT leave it alone.
func TestCollectLate(t *testing.T) {
	t.Cleanup(func() { debug.SetGCPercent(100); debug.SetMemoryLimit(math.MaxInt64) })
	settings := func() (int, int64) {
		gc := debug.SetGCPercent(-1)
		debug.SetGCPercent(gc)
		return gc, debug.SetMemoryLimit(-1) // a negative limit reads it
	}
	collectLate(func(k string) string { return map[string]string{"GOGC": "200"}[k] })
	if gc, limit := settings(); gc != 100 || limit != math.MaxInt64 {
		t.Fatalf("with GOGC set: GOGC=%d, limit %d: want them untouched", gc, limit)
	}
	collectLate(func(string) string { return "" })
	if gc, limit := settings(); gc != -1 || limit != firstCollection {
		t.Fatalf("before the first collection: GOGC=%d, limit %d; want off and %d", gc, limit, firstCollection)
	}
	runtime.GC()
	for range 200 { // the cleanup runs on its own goroutine after the collection: 2 s at most
		if gc, limit := settings(); gc == 100 && limit == math.MaxInt64 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	gc, limit := settings()
	t.Fatalf("after the first collection: GOGC=%d, limit %d; want 100 and none", gc, limit)
}
