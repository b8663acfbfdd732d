package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
// 20 MiB, and checks that the heap floor is not resident: with it, the peak is within 4 MiB of
// a run without it (GOGC set). A floor whose pages were touched would add its 16 MiB.
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
	floor, none := least("GOGC=", "GOMEMLIMIT="), least("GOGC=100")
	t.Logf("peak: %d KiB with the heap floor, %d KiB without", floor, none)
	if floor > 20<<10 {
		t.Errorf("peak %d KiB: more than 20 MiB", floor)
	}
	if floor-none > 4<<10 {
		t.Errorf("the heap floor adds %d KiB to the peak: its pages are resident", floor-none)
	}
}
