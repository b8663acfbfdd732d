package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// netns is a network namespace the test creates, joined to another by a veth pair.
type netns struct {
	name string
	ipv4 string
	ipv6 string
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// twoHosts creates two namespaces linked by a veth pair, with IPv4 and IPv6 addresses that
// exist only inside them, and removes them (and anything still running there) when the test
// ends, even when it fails.
func twoHosts(t *testing.T) (netns, netns) {
	t.Helper()
	testtools.Require(t, "ip", "iproute2")
	if os.Geteuid() != 0 {
		msg := "creating network namespaces needs root"
		if os.Getenv("PHXDEPLOY_REQUIRE_TOOLS") == "1" {
			t.Fatal("PHXDEPLOY_REQUIRE_TOOLS=1: " + msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	id := fmt.Sprintf("%d", os.Getpid()%100000)
	a := netns{name: "phxd-a-" + id, ipv4: "10.231.0.1", ipv6: "fd77:231::1"}
	b := netns{name: "phxd-b-" + id, ipv4: "10.231.0.2", ipv6: "fd77:231::2"}
	for _, n := range []netns{a, b} {
		name := n.name
		run(t, "ip", "netns", "add", name)
		t.Cleanup(func() {
			// epmd daemonizes and outlives the VM: stop everything left in the namespace first.
			if out, err := exec.Command("ip", "netns", "pids", name).Output(); err == nil {
				for _, pid := range strings.Fields(string(out)) {
					if n, err := strconv.Atoi(pid); err == nil {
						_ = syscall.Kill(n, syscall.SIGKILL)
					}
				}
			}
			_ = exec.Command("ip", "netns", "del", name).Run()
		})
	}
	run(t, "ip", "link", "add", "veth-a-"+id, "netns", a.name, "type", "veth", "peer", "name", "veth-b-"+id, "netns", b.name)
	for _, n := range []struct {
		ns  netns
		dev string
	}{{a, "veth-a-" + id}, {b, "veth-b-" + id}} {
		run(t, "ip", "-n", n.ns.name, "link", "set", "lo", "up")
		run(t, "ip", "-n", n.ns.name, "addr", "add", n.ns.ipv4+"/24", "dev", n.dev)
		run(t, "ip", "-n", n.ns.name, "addr", "add", n.ns.ipv6+"/64", "dev", n.dev, "nodad")
		run(t, "ip", "-n", n.ns.name, "link", "set", n.dev, "up")
	}
	return a, b
}

// clusterTest boots one node per namespace with the variables platform gives each host, checks
// the node names the generated env.sh computes, then connects them.
func clusterTest(t *testing.T, platformEnv func(n netns) map[string]string, wantName func(n netns) string) {
	r := buildRelease(t)
	a, b := twoHosts(t)
	nodes := map[string]*node{}
	for _, h := range []netns{a, b} {
		env := map[string]string{"SECRET_KEY_BASE": strings.Repeat("s", 64), "PHX_HOST": "demo.example.com",
			"PORT": "4000", "RELEASE_COOKIE": cookie}
		for k, v := range platformEnv(h) {
			env[k] = v
		}
		nodes[h.name] = r.start(t, []string{"ip", "netns", "exec", h.name}, env)
	}
	for _, h := range []netns{a, b} {
		if got := nodes[h.name].rpc(t, "IO.puts(node())", 45*time.Second); got != wantName(h) {
			t.Fatalf("%s: node name %q, want %q", h.name, got, wantName(h))
		}
	}
	if got := nodes[a.name].rpc(t, fmt.Sprintf(`IO.inspect(Node.connect(:"%s"))`, wantName(b)), 10*time.Second); got != "true" {
		t.Fatalf("Node.connect from %s to %s: %s", wantName(a), wantName(b), got)
	}
	for _, pair := range [][2]netns{{a, b}, {b, a}} {
		seen := nodes[pair[0].name].rpc(t, `IO.puts(Enum.join(Node.list(), " "))`, 10*time.Second)
		if !strings.Contains(" "+seen+" ", " "+wantName(pair[1])+" ") {
			t.Errorf("%s sees %q, not %s", wantName(pair[0]), seen, wantName(pair[1]))
		}
	}
	for _, h := range []netns{a, b} {
		took := nodes[h.name].stop(t, r.grace)
		t.Logf("%s stopped %s after SIGTERM", wantName(h), took.Round(time.Millisecond))
	}
}

func TestClusterWithKubernetesVariables(t *testing.T) {
	clusterTest(t,
		func(n netns) map[string]string { return map[string]string{"POD_IP": n.ipv4} },
		func(n netns) string { return "demo@" + n.ipv4 })
}

func TestClusterWithFlyVariables(t *testing.T) {
	clusterTest(t,
		func(n netns) map[string]string {
			return map[string]string{"FLY_APP_NAME": "demo-app", "FLY_PRIVATE_IP": n.ipv6,
				"FLY_IMAGE_REF": "registry.fly.io/demo-app:deployment-01JABCDEF", "FLY_REGION": "fra"}
		},
		// RELEASE_COOKIE is shared (a Fly secret), so every deploy's nodes share the app's name.
		func(n netns) string { return "demo-app@" + n.ipv6 })
}
