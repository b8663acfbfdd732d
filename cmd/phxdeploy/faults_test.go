package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds phxdeploy once, as `make build` does (releaseBuild), for the tests and
// benchmarks that need a real process (signals, parallel runs, start-up time).
func binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "phxdeploy-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "phxdeploy")
		build := exec.Command("go", append(append([]string{"build"}, releaseBuild...), "-o", binPath, ".")...)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

var allFlags = []string{"--target", "fly,docker,systemd,k8s", "--image", "registry.example.com/shop:1.0.0", "--host", "shop.example.com", "--yes"}

// applied is the project as a complete run leaves it.
func applied(t *testing.T) map[string]string {
	t.Helper()
	dir := fixture(t, "phx18_postgres")
	if r := run(t, "", append([]string{"init", "--dir", dir}, allFlags...)...); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	return state(t, dir)
}

func noTemps(t *testing.T, st map[string]string) {
	t.Helper()
	for f := range st {
		if strings.Contains(filepath.Base(f), ".phxdeploy-") {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

// TestInterruptedRuns sends SIGINT or SIGTERM to init at random moments, 40 times: each run
// ends either complete (exit 0, the project as a full run leaves it) or stopped (exit 130 or
// 143, the project exactly as it was), never half-applied, never with a temporary file left.
func TestInterruptedRuns(t *testing.T) {
	bin := binary(t)
	want := applied(t)
	outcomes := map[int]int{}
	rolledBack := 0
	for i := range 40 {
		dir := fixture(t, "phx18_postgres")
		before := state(t, dir)
		cmd := exec.Command(bin, append([]string{"init", "--dir", dir}, allFlags...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[i%2]
		time.Sleep(time.Duration(rand.IntN(60_000)) * time.Microsecond)
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		after := state(t, dir)
		switch ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus); {
		case ws.Signaled():
			// The signal's default action: before phxdeploy's handler is installed (nothing
			// written yet) or after the run is over (everything written).
			outcomes[-1]++
			if !equalTrees(before, after) && !equalTrees(want, after) {
				t.Errorf("run %d: killed by %v with the project half-applied", i, ws.Signal())
			}
		case code == 0:
			outcomes[0]++
			sameTree(t, want, after)
		case code == 128+int(sig):
			outcomes[code]++
			if strings.Contains(stderr.String(), "restored: ") {
				rolledBack++ // stopped while writing: what was written is restored
			}
			sameTree(t, before, after)
		default:
			t.Errorf("run %d (%v): exit %d (%v)\n%s", i, sig, code, err, stderr.String())
		}
		noTemps(t, after)
	}
	t.Logf("40 interrupted runs: %v (exit code: count; -1: killed before or after phxdeploy's handler); %d stopped while writing and rolled back", outcomes, rolledBack)
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestParallelRuns starts four runs on one project at once, ten times: they are serialised, all
// succeed, and the project ends as one run leaves it (a fifth run changes nothing).
func TestParallelRuns(t *testing.T) {
	bin := binary(t)
	want := applied(t)
	for round := range 10 {
		dir := fixture(t, "phx18_postgres")
		var wg sync.WaitGroup
		codes := make([]int, 4)
		outs := make([]string, 4)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(bin, append([]string{"init", "--dir", dir}, allFlags...)...)
				out, _ := cmd.CombinedOutput()
				codes[i], outs[i] = cmd.ProcessState.ExitCode(), string(out)
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != 0 {
				t.Errorf("round %d, run %d: exit %d\n%s", round, i, c, outs[i])
			}
		}
		after := state(t, dir)
		sameTree(t, want, after)
		noTemps(t, after)
		if r := run(t, "", append([]string{"init", "--dir", dir}, allFlags...)...); strings.Contains(r.stdout, "create  ") || strings.Contains(r.stdout, "patch  ") {
			t.Errorf("round %d: a run after the parallel ones still changes something:\n%s", round, r.stdout)
		}
	}
}
