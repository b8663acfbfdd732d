package main

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

var benchArgs = []string{"init", "--dir", filepath.Join(testtools.RepoRoot(), "testdata", "phx18_postgres"),
	"--target", "fly,docker,systemd,k8s", "--image", "registry.example.com/shop:1.0.0", "--host", "shop.example.com",
	"--dry-run", "--yes"}

// BenchmarkInitDryRun runs the whole `init --dry-run` for all four targets on the 1.8 fixture
// in-process: flag parsing, detection, planning, diffs and the report.
func BenchmarkInitDryRun(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
		if code := Execute(benchArgs, ios); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkInitDryRunProcess runs the same command as a separate process, start-up included:
// the time a user waits.
func BenchmarkInitDryRunProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "phxdeploy")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	b.ResetTimer()
	for b.Loop() {
		var out bytes.Buffer
		cmd := exec.Command(bin, benchArgs...)
		cmd.Stdout = &out
		err := cmd.Run()
		if err != nil {
			b.Fatalf("exit: %v", err)
		}
	}
}
