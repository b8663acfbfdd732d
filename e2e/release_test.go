// Package e2e builds a real Elixir release from what phxdeploy writes and runs it: boot, runtime
// configuration, a clear failure without SECRET_KEY_BASE, clean shutdown on SIGTERM, and two
// nodes clustering in network namespaces with the Kubernetes and the Fly.io variables; and the
// Kubernetes cluster query resolving with a pod's DNS settings.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

const cookie = "phxdeploy-e2e-cookie"

var (
	buildOnce sync.Once
	built     *release
	buildErr  error
)

// release is the demo project after phxdeploy ran on it and `mix release` built it.
type release struct {
	project string // the project directory
	root    string // _build/prod/rel/demo
	grace   time.Duration
}

// buildRelease runs phxdeploy on a copy of testdata/release_demo and builds the release once for
// the whole package.
func buildRelease(t *testing.T) *release {
	t.Helper()
	testtools.Require(t, "mix", "elixir")
	buildOnce.Do(func() { built, buildErr = build() })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

func build() (*release, error) {
	dir, err := os.MkdirTemp("", "phxdeploy-e2e-")
	if err != nil {
		return nil, err
	}
	if err := exec.Command("cp", "-R", filepath.Join(testtools.RepoRoot(), "testdata", "release_demo")+"/.", dir).Run(); err != nil {
		return nil, err
	}
	res, err := generator.Run(context.Background(), generator.Request{Dir: dir, Given: map[string]string{"target": "fly,systemd,k8s",
		"image": "registry.example.com/demo:1.0.0", "host": "demo.example.com"}}, nil)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("mix", "release", "--overwrite")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MIX_ENV=prod", "MIX_HOME="+filepath.Join(dir, ".mix"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("MIX_ENV=prod mix release: %v\n%s", err, out)
	}
	// The grace period the generated files declare: the shorter of systemd's stop timeout and
	// Kubernetes' termination grace period.
	d := res.Data
	grace := time.Duration(min(d.KillTimeoutSeconds, d.GraceSeconds)) * time.Second
	return &release{project: dir, root: filepath.Join(dir, "_build", "prod", "rel", "demo"), grace: grace}, nil
}

// node is a running release.
type node struct {
	cmd    *exec.Cmd
	out    *bytes.Buffer
	env    []string
	prefix []string // e.g. ip netns exec NS
	rel    *release
	done   chan error
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs bin/server with env (plus prefix, such as `ip netns exec NS`), and stops it when
// the test ends, whatever happens.
func (r *release) start(t *testing.T, prefix []string, env map[string]string) *node {
	t.Helper()
	n := &node{out: &bytes.Buffer{}, prefix: prefix, rel: r, done: make(chan error, 1)}
	n.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	for k, v := range env {
		n.env = append(n.env, k+"="+v)
	}
	args := append(append([]string{}, prefix...), filepath.Join(r.root, "bin", "server"))
	n.cmd = exec.Command(args[0], args[1:]...)
	n.cmd.Env = n.env
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { n.done <- n.cmd.Wait() }()
	t.Cleanup(func() {
		if n.cmd.ProcessState == nil {
			_ = n.cmd.Process.Kill()
			select {
			case <-n.done:
			case <-time.After(10 * time.Second):
			}
		}
		if t.Failed() {
			t.Logf("node output:\n%s", n.out.String())
		}
	})
	return n
}

// rpc evaluates Elixir on the running node through the release's own script (so the node name
// and cookie come from the same env.sh), retrying until the node answers or the deadline passes.
func (n *node) rpc(t *testing.T, expr string, deadline time.Duration) string {
	t.Helper()
	var out []byte
	var err error
	for stop := time.Now().Add(deadline); ; {
		args := append(append([]string{}, n.prefix...), filepath.Join(n.rel.root, "bin", "demo"), "rpc", expr)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = n.env
		out, err = cmd.CombinedOutput()
		cancel()
		if err == nil || time.Now().After(stop) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("rpc %s: %v\n%s", expr, err, out)
	}
	return strings.TrimSpace(string(out))
}

// stop sends SIGTERM and returns how long the VM took to exit.
func (n *node) stop(t *testing.T, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-n.done:
		if err != nil {
			t.Errorf("after SIGTERM the VM exited with %v", err)
		}
		return time.Since(start)
	case <-time.After(limit):
		t.Fatalf("the VM did not stop within %s of SIGTERM", limit)
		return limit
	}
}

func TestReleaseBootsWithTheGeneratedFilesAndStopsOnSIGTERM(t *testing.T) {
	r := buildRelease(t)
	for _, f := range []string{"bin/server", "releases/0.1.0/env.sh"} {
		if _, err := os.Stat(filepath.Join(r.root, f)); err != nil {
			t.Fatalf("the release lacks %s: %v", f, err)
		}
	}
	port := freePort(t)
	n := r.start(t, nil, map[string]string{
		"SECRET_KEY_BASE": strings.Repeat("s", 64), "PHX_HOST": "demo.example.com", "PORT": strconv.Itoa(port),
		"RELEASE_COOKIE": cookie, "RELEASE_HOST": "127.0.0.1", "RELEASE_DIST_PORT": strconv.Itoa(freePort(t)),
	})
	t.Cleanup(func() { stopEPMD(r) })
	if got := n.rpc(t, "IO.puts(node())", 30*time.Second); got != "demo@127.0.0.1" {
		t.Errorf("node name %q, want demo@127.0.0.1 (from RELEASE_HOST)", got)
	}
	cfg := n.rpc(t, `c = Application.get_env(:demo, DemoWeb.Endpoint); IO.puts("#{c[:server]} #{c[:http][:port]} #{c[:url][:host]}")`, 10*time.Second)
	if want := fmt.Sprintf("true %d demo.example.com", port); cfg != want {
		t.Errorf("runtime.exs gave endpoint config %q, want %q (server, port, host)", cfg, want)
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/health", port))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /health: %v %v", err, resp)
	}
	resp.Body.Close()
	took := n.stop(t, r.grace)
	t.Logf("SIGTERM to bin/server: the VM stopped in %s (grace period %s)", took.Round(time.Millisecond), r.grace)
}

func TestReleaseWithoutSecretKeyBaseFailsClearly(t *testing.T) {
	r := buildRelease(t)
	n := r.start(t, nil, map[string]string{"PHX_HOST": "demo.example.com", "PORT": strconv.Itoa(freePort(t)),
		"RELEASE_COOKIE": cookie, "RELEASE_HOST": "127.0.0.1", "RELEASE_DIST_PORT": strconv.Itoa(freePort(t))})
	t.Cleanup(func() { stopEPMD(r) })
	select {
	case err := <-n.done:
		if err == nil {
			t.Error("the release booted without SECRET_KEY_BASE")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the release neither booted nor failed within 60s")
	}
	// Elixir prints the RuntimeError's message; when the VM stops before Elixir's formatting
	// runs (seen once in CI), init prints the same message as an Erlang binary of byte values.
	if want := "environment variable SECRET_KEY_BASE is missing."; !strings.Contains(n.out.String(), want) && !strings.Contains(n.out.String(), erlangBytes(want)) {
		t.Errorf("the boot failure does not say what is missing:\n%s", n.out.String())
	}
}

// stopEPMD stops the epmd a release started on the host (it daemonizes, so it outlives the VM).
func stopEPMD(r *release) {
	killMatching(func(cmdline string) bool {
		return strings.HasPrefix(cmdline, r.root+"/erts-") && strings.Contains(cmdline, "/bin/epmd")
	})
}

// killMatching sends SIGKILL to every process whose command line matches.
func killMatching(match func(cmdline string) bool) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && match(strings.ReplaceAll(string(b), "\x00", " ")) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// TestShortNamesOnAHostWithoutADot boots the release on a host whose name has no dot, in a UTS
// and mount namespace the test creates (host name phxdvm, resolved by /etc/hosts as Debian's
// installer writes it): a long name would be refused ("Hostname phxdvm is illegal"), so env.sh
// gives a short name, and rpc, pid and stop reach the node.
func TestShortNamesOnAHostWithoutADot(t *testing.T) {
	r := buildRelease(t)
	testtools.Require(t, "unshare", "util-linux")
	if os.Geteuid() != 0 {
		msg := "a UTS and mount namespace with another host name needs root"
		if os.Getenv("PHXDEPLOY_REQUIRE_TOOLS") == "1" {
			t.Fatal("PHXDEPLOY_REQUIRE_TOOLS=1: " + msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	hosts := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(hosts, []byte("127.0.0.1 localhost\n127.0.1.1 phxdvm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each command (the node, then rpc, pid and stop) runs in a namespace of its own with the
	// same host name and hosts file, as on one host.
	prefix := []string{"unshare", "--uts", "--mount", "sh", "-c",
		`hostname phxdvm && mount --bind "$0" /etc/hosts && exec "$@"`, hosts}
	n := r.start(t, prefix, map[string]string{
		"SECRET_KEY_BASE": strings.Repeat("s", 64), "PHX_HOST": "demo.example.com", "PORT": strconv.Itoa(freePort(t)),
		"RELEASE_COOKIE": cookie, "RELEASE_DIST_PORT": strconv.Itoa(freePort(t)),
	})
	t.Cleanup(func() { stopEPMD(r) })
	if got := n.rpc(t, "IO.puts(node())", 45*time.Second); got != "demo@phxdvm" {
		t.Fatalf("node name %q, want demo@phxdvm (a short name)", got)
	}
	pid := n.run(t, "pid")
	if want := strconv.Itoa(n.cmd.Process.Pid); pid != want {
		t.Errorf("bin/demo pid printed %q, want the VM's OS pid (bin/server ran as %s)", pid, want)
	}
	n.run(t, "stop")
	select {
	case <-n.done:
	case <-time.After(r.grace):
		t.Fatalf("bin/demo stop did not stop the node within %s", r.grace)
	}
}

// run runs the release's script with args in the node's environment (and prefix) and returns
// its output.
func (n *node) run(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	argv := append(append(append([]string{}, n.prefix...), filepath.Join(n.rel.root, "bin", "demo")), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = n.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bin/demo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// erlangBytes is how Erlang prints a binary it does not take for text: <<101,110,...>> (the
// opening of it, as byte values).
func erlangBytes(s string) string {
	parts := make([]string, len(s))
	for i := range len(s) {
		parts[i] = strconv.Itoa(int(s[i]))
	}
	return "<<" + strings.Join(parts, ",")
}
