package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// releaseBuild are the flags of `make build` (with CGO_ENABLED=0): the process benchmarks
// measure the binary that ships.
var releaseBuild = []string{"-trimpath", "-ldflags=-s -w"}

// initArgs is `init --dry-run` for all four targets on the project in dir.
func initArgs(dir string) []string {
	return []string{"init", "--dir", dir, "--target", "fly,docker,systemd,k8s", "--image", "registry.example.com/shop:1.0.0",
		"--host", "shop.example.com", "--dry-run", "--yes"}
}

var benchArgs = initArgs(filepath.Join(testtools.RepoRoot(), "testdata", "phx18_postgres"))

// routerLines is the size of the big router the benchmarks grow the 1.8 fixture's to.
const routerLines = 20_000

func benchmarkInit(b *testing.B, args []string) {
	b.ReportAllocs()
	for b.Loop() {
		ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
		if code := Execute(args, ios); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkInitDryRun runs the whole `init --dry-run` for all four targets on the 1.8 fixture
// in-process: flag parsing, detection, planning, diffs and the report.
func BenchmarkInitDryRun(b *testing.B) { benchmarkInit(b, benchArgs) }

// BenchmarkInitDryRunBigRouter is the same on a copy of the fixture whose router has 20,000
// lines: it should cost at most twice the small fixture.
func BenchmarkInitDryRunBigRouter(b *testing.B) {
	benchmarkInit(b, initArgs(testtools.BigRouterFixture(b, routerLines)))
}

// manyModules is the number of modules the benchmarks add to the 1.8 fixture's lib/: a real
// app's size (glific has 516 files there, logflare 509).
const manyModules = 1000

// manyModulesFixture is a copy of the 1.8 fixture with manyModules small modules in lib/shop/gen,
// a tenth of them reading the environment.
func manyModulesFixture(b *testing.B) string {
	dir := testtools.Fixture(b, "phx18_postgres")
	gen := filepath.Join(dir, "lib", "shop", "gen")
	if err := os.MkdirAll(gen, 0o755); err != nil {
		b.Fatal(err)
	}
	for i := range manyModules {
		read := ""
		if i%10 == 0 {
			read = fmt.Sprintf("\n  def limit, do: String.to_integer(System.get_env(\"GEN_LIMIT_%d\", \"10\"))\n", i)
		}
		src := fmt.Sprintf("defmodule Shop.Gen.M%d do\n  @moduledoc false\n  alias Shop.Repo\n%s\n  def all(q), do: Repo.all(q)\n\n  def name, do: \"m%d\"\nend\n", i, read, i)
		if err := os.WriteFile(filepath.Join(gen, fmt.Sprintf("m%d.ex", i)), []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkInitDryRunManyModules is BenchmarkInitDryRun with manyModules more modules.
func BenchmarkInitDryRunManyModules(b *testing.B) { benchmarkInit(b, initArgs(manyModulesFixture(b))) }

// benchmarkProcess runs a command as a separate process, start-up included: the time a user
// waits; then once more under GNU time for its peak resident memory (peak-KiB).
func benchmarkProcess(b *testing.B, bin string, args ...string) {
	b.ResetTimer()
	for b.Loop() {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", bin, err, out)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peakKiB(b, bin, nil, args...)), "peak-KiB")
}

// BenchmarkHelpProcess is `phxdeploy --help`: start-up alone.
func BenchmarkHelpProcess(b *testing.B) { benchmarkProcess(b, binary(b), "--help") }

// BenchmarkInitDryRunProcess is BenchmarkInitDryRun as a process.
func BenchmarkInitDryRunProcess(b *testing.B) { benchmarkProcess(b, binary(b), benchArgs...) }

// BenchmarkInitDryRunBigRouterProcess is BenchmarkInitDryRunBigRouter as a process.
func BenchmarkInitDryRunBigRouterProcess(b *testing.B) {
	benchmarkProcess(b, binary(b), initArgs(testtools.BigRouterFixture(b, routerLines))...)
}

// healthNameRouterFixture is the big router with a `post "/status"` route added: a health
// path's name is in its text, so init reads the router for its health route (the big router
// alone names none, and init passes it by); the route is no health route (a POST), so init
// plans the same changes.
func healthNameRouterFixture(b *testing.B) string {
	dir := testtools.BigRouterFixture(b, routerLines)
	router := filepath.Join(dir, "lib", "shop_web", "router.ex")
	src, err := os.ReadFile(router)
	if err != nil {
		b.Fatal(err)
	}
	end := strings.LastIndex(string(src), "end\n")
	out := string(src[:end]) + "  post \"/status\", ShopWeb.StatusController, :create\n" + string(src[end:])
	if err := os.WriteFile(router, []byte(out), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkInitDryRunBigRouterHealthNameProcess is BenchmarkInitDryRunBigRouterProcess with a
// health path's name in the router.
func BenchmarkInitDryRunBigRouterHealthNameProcess(b *testing.B) {
	benchmarkProcess(b, binary(b), initArgs(healthNameRouterFixture(b))...)
}

// BenchmarkInitDryRunManyModulesProcess is BenchmarkInitDryRunManyModules as a process.
func BenchmarkInitDryRunManyModulesProcess(b *testing.B) {
	benchmarkProcess(b, binary(b), initArgs(manyModulesFixture(b))...)
}

// BenchmarkElixirProcess is elixir running an empty program (elixir -e ""), the floor of any
// tool that runs Elixir: the process benchmarks above compare with it.
func BenchmarkElixirProcess(b *testing.B) {
	elixir, err := exec.LookPath("elixir")
	if err != nil {
		b.Skip("elixir is not installed (apt-get install elixir)")
	}
	benchmarkProcess(b, elixir, "-e", "")
}
