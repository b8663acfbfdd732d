package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
	"github.com/phxdeploy/phxdeploy/internal/validate"
)

// resolverProbe answers DNS on 127.0.0.1:53 like a cluster's DNS (the headless Service's name
// resolves to two pod IPs, every other name is NXDOMAIN), logs every name asked, then resolves
// the query both ways dns_cluster has: :inet_res.getbyname (0.1.2 and later, which applies
// resolv.conf's search list) and :inet_res.lookup (0.1.0 and 0.1.1, which does not).
const resolverProbe = `
[query, fqdn] = System.argv()
{:ok, sock} = :gen_udp.open(53, [:binary, active: false, ip: {127, 0, 0, 1}])
me = self()
serve = fn serve ->
  {:ok, {ip, port, <<id::16, _::16, _qd::16, _::binary-size(6), rest::binary>>}} = :gen_udp.recv(sock, 0)
  labels = fn _labels, <<0, t::binary>>, acc -> {Enum.reverse(acc), t}
              labels, <<n, l::binary-size(n), t::binary>>, acc -> labels.(labels, t, [l | acc]) end
  {name, <<qtype::16, _::16, _::binary>>} = labels.(labels, rest, [])
  name = Enum.join(name, ".")
  send(me, {:asked, name})
  question = binary_part(rest, 0, byte_size(rest) - byte_size(elem(labels.(labels, rest, []), 1)) + 4)
  ips = if name == fqdn and qtype == 1, do: [<<10, 1, 0, 7>>, <<10, 1, 0, 8>>], else: []
  rcode = if name == fqdn, do: 0, else: 3
  answers = for ip <- ips, into: <<>>, do: <<0xC00C::16, 1::16, 1::16, 5::32, 4::16, ip::binary>>
  :gen_udp.send(sock, ip, port, <<id::16, 0x8180 + rcode::16, 1::16, length(ips)::16, 0::32>> <> question <> answers)
  serve.(serve)
end
spawn_link(fn -> serve.(serve) end)
asked = fn -> Stream.repeatedly(fn -> receive do {:asked, n} -> n after 0 -> nil end end) |> Enum.take_while(& &1) end
{:ok, {:hostent, _, _, _, _, by_name}} = :inet_res.getbyname(String.to_charlist(query), :a)
IO.puts("getbyname #{inspect(Enum.sort(by_name))} asked #{Enum.join(asked.(), " ")}")
looked_up = :inet_res.lookup(String.to_charlist(query), :in, :a)
IO.puts("lookup #{inspect(Enum.sort(looked_up))} asked #{Enum.join(asked.(), " ")}")
`

// The cluster query in the manifest resolves, inside a pod whose namespace a kustomize overlay
// changed, with both resolver calls dns_cluster has made, in one question to the cluster's DNS:
// the full name, never a name outside the cluster.
func TestClusterQueryResolvesInAPodOfAnotherNamespace(t *testing.T) {
	testtools.Require(t, "elixir", "elixir")
	testtools.Require(t, "unshare", "util-linux")
	if os.Geteuid() != 0 {
		msg := "a network namespace with a DNS server on port 53 needs root"
		if os.Getenv("PHXDEPLOY_REQUIRE_TOOLS") == "1" {
			t.Fatal("PHXDEPLOY_REQUIRE_TOOLS=1: " + msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	dir := testtools.CopyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", "phx18_postgres"))
	res, err := generator.Run(context.Background(), generator.Request{Dir: dir, DryRun: true, Given: map[string]string{
		"target": "k8s", "image": "registry.example.com/shop:1.0.0", "host": "shop.example.com",
		"namespace": "shop", "cluster-domain": "k8s.example"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, c := range res.Changes {
		if strings.HasPrefix(c.Path, "deploy/k8s/") {
			files[strings.TrimPrefix(c.Path, "deploy/k8s/")] = c.Content
		}
	}
	set, problems := validate.K8s(files)
	if len(problems) > 0 || len(set.Deployments) != 1 {
		t.Fatalf("deploy/k8s: %v", problems)
	}
	var query string
	for _, e := range set.Deployments[0].Spec.Template.Spec.Containers[0].Env {
		if e.Name == "DNS_CLUSTER_QUERY" {
			query = strings.ReplaceAll(e.Value, "$(POD_NAMESPACE)", "shop-staging") // what the kubelet passes
		}
	}
	fqdn := "shop-headless.shop-staging.svc.k8s.example"
	if query != fqdn {
		t.Fatalf("DNS_CLUSTER_QUERY in namespace shop-staging is %q, want %q", query, fqdn)
	}
	// A pod's resolv.conf in namespace shop-staging of a cluster whose domain is k8s.example.
	tmp := t.TempDir()
	resolv, inetrc, probe := filepath.Join(tmp, "resolv.conf"), filepath.Join(tmp, "inetrc"), filepath.Join(tmp, "probe.exs")
	for f, content := range map[string]string{
		resolv: "search shop-staging.svc.k8s.example svc.k8s.example k8s.example\nnameserver 127.0.0.1\noptions ndots:5\n",
		inetrc: `{resolv_conf, "` + resolv + `"}.` + "\n",
		probe:  resolverProbe,
	} {
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	probeIn := func(query string) string {
		cmd := exec.Command("unshare", "--net", "sh", "-c", `ip link set lo up && exec elixir "$0" "$1" "$2"`, probe, query, fqdn)
		cmd.Env = append(os.Environ(), "ERL_INETRC="+inetrc)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v\n%s%s", err, out, stderr.String())
		}
		return string(out)
	}
	ips := "[{10, 1, 0, 7}, {10, 1, 0, 8}]"
	if got, want := probeIn(query), "getbyname "+ips+" asked "+fqdn+"\nlookup "+ips+" asked "+fqdn+"\n"; got != want {
		t.Errorf("resolving %s in the pod:\n%s\nwant:\n%s", query, got, want)
	}
	// Why not the shorter name that the search list completes: getbyname asks it outside the
	// cluster first, and lookup never searches, so dns_cluster 0.1.0 and 0.1.1 find no node.
	short := "shop-headless.shop-staging.svc"
	if got, want := probeIn(short), "getbyname "+ips+" asked "+short+" "+short+".shop-staging.svc.k8s.example "+short+".svc.k8s.example "+fqdn+
		"\nlookup [] asked "+short+"\n"; got != want {
		t.Errorf("resolving %s in the pod:\n%s\nwant:\n%s", short, got, want)
	}
}
