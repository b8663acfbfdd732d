package target

import (
	"fmt"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/project"
)

// platformVars are the variables only one platform sets, by which a script tells where it runs.
var platformVars = map[string][]string{
	"fly": {"FLY_APP_NAME", "FLY_PRIVATE_IP", "FLY_IMAGE_REF", "FLY_MACHINE_ID", "FLY_ALLOC_ID", "FLY_REGION", "FLY_PUBLIC_IP", "FLY_PROCESS_GROUP"},
	"k8s": {"POD_IP", "POD_NAME", "POD_NAMESPACE", "KUBERNETES_SERVICE_HOST"},
}

// otherPlatformVars are the platform variables of every platform but target.
func otherPlatformVars(target string) []string {
	var out []string
	for _, t := range []string{"fly", "k8s"} {
		if t != target {
			out = append(out, platformVars[t]...)
		}
	}
	return out
}

// allTargets are the targets in the order their problems are reported.
var allTargets = []string{"fly", "docker", "systemd", "k8s"}

// keptScripts makes the targets follow the project's own rel/env.sh.eex (its node names, its
// distribution port) and checks, per target, that the release can start and cluster with it
// and with the overlay scripts the project keeps. What a target cannot agree on is a manual step
// on the file, naming the target and the line.
func (d *Data) keptScripts(p *project.Project) {
	if k := p.KeptEnvSh; k != nil {
		d.keptEnv(k)
	}
	for _, s := range p.Privileged {
		where := fmt.Sprintf("%s:%d", s.File, s.Line)
		d.keptProblem(s.File, "systemd", "%s runs `%s`, which fails as the unit's user %s (no privileges, NoNewPrivileges=yes): start the release directly", where, s.Command, d.ServiceUser)
		d.keptProblem(s.File, "k8s", "%s runs `%s`, which fails in a pod that runs as uid %d without privilege escalation: start the release directly", where, s.Command, d.UID)
		if uid, ok := d.imageUID(); !ok || uid != 0 {
			for _, t := range []string{"fly", "docker"} {
				d.keptProblem(s.File, t, "%s runs `%s`, which fails as the image's unprivileged user: start the release directly", where, s.Command)
			}
		}
	}
}

// imageUID is the user the image runs as: the project's Dockerfile's, or phxdeploy's.
func (d *Data) imageUID() (int, bool) {
	if d.keptImageUser != nil {
		return d.keptImageUser()
	}
	return d.UID, true
}

func (d *Data) keptEnv(k *project.KeptEnvSh) {
	ipv6 := or(d.Env["ECTO_IPV6"], "ECTO_IPV6")
	query := or(d.Env["DNS_CLUSTER_QUERY"], "DNS_CLUSTER_QUERY")
	var notes []string
	for _, t := range allTargets {
		mine, others := platformVars[t], otherPlatformVars(t)
		problem := func(format string, args ...any) { d.keptProblem(k.File, t, format, args...) }
		nodes := k.Applying("RELEASE_NODE", mine, others)
		cluster := d.Clustering && (t == "fly" || t == "k8s")
		switch {
		case len(nodes) == 0 && cluster:
			problem("it sets RELEASE_NODE only under conditions that do not hold on %s, so nodes get the release's default short name and never cluster: name them %s", t, nodeHint(t, d.Release))
		case len(nodes) > 0:
			n := nodes[len(nodes)-1]
			switch {
			case project.MentionsAny(n.Value, others):
				problem("%s names nodes %s from a variable %s does not set: the node name is incomplete and the release does not start; name them %s there", n.Where(k.File), n.Value, t, nodeHint(t, d.Release))
			case t == "k8s" && d.DNSClusterQuery && !project.MentionsAny(n.Value, []string{"POD_IP"}):
				problem("%s names nodes %s, but dns_cluster connects to <basename>@<pod IP> (the headless Service's addresses), so nodes never cluster: name them %s", n.Where(k.File), n.Value, nodeHint(t, d.Release))
			case t == "fly" && d.DNSClusterQuery && !project.MentionsAny(n.Value, []string{"FLY_PRIVATE_IP"}):
				problem("%s names nodes %s, but dns_cluster connects to <basename>@<private IPv6> (%s.internal), so nodes never cluster: name them %s", n.Where(k.File), n.Value, d.Name, nodeHint(t, d.Release))
			}
		}
		for _, a := range k.Applying(ipv6, mine, others) {
			if t != "fly" && strings.Contains(a.Value, "true") {
				problem("%s sets %s=true where %s runs too: the repo then connects over IPv6 only and %s's database is unreachable over IPv4; set it only under `if [ -n \"${FLY_APP_NAME:-}\" ]`", a.Where(k.File), ipv6, t, t)
			}
		}
		inet6 := false
		for _, name := range []string{"ERL_AFLAGS", "ELIXIR_ERL_OPTIONS", "ERL_ZFLAGS"} {
			for _, a := range k.Applying(name, mine, others) {
				if strings.Contains(a.Value, "inet6_tcp") {
					inet6 = true
					if t != "fly" && d.Clustering {
						problem("%s sets %s with -proto_dist inet6_tcp where %s runs too: distribution then listens on IPv6 only; set it only under `if [ -n \"${FLY_APP_NAME:-}\" ]`", a.Where(k.File), name, t)
					}
				}
			}
		}
		if t == "fly" && strings.Contains(d.keptImageEnv["ERL_AFLAGS"]+d.keptImageEnv["ELIXIR_ERL_OPTIONS"], "inet6_tcp") {
			inet6 = true // the image's ENV sets it
		}
		if t == "fly" && cluster && !inet6 {
			problem("it does not set -proto_dist inet6_tcp on Fly, whose private network is IPv6 only: nodes cannot connect; add `export ERL_AFLAGS=\"-proto_dist inet6_tcp\"` under `if [ -n \"${FLY_APP_NAME:-}\" ]`")
		}
		if d.DNSClusterQuery {
			qs := k.Applying(query, mine, others)
			for _, a := range qs {
				if t != "fly" && !a.Keeps() {
					problem("%s sets %s=%s where %s runs too, over the value %s's files give it: write it as %s=\"${%s:-...}\" under the Fly condition", a.Where(k.File), query, a.Value, t, t, query, query)
				}
			}
			if t == "fly" && len(qs) == 0 {
				problem("it does not set %s on Fly, so nodes never cluster: add `export %s=\"${FLY_APP_NAME}.internal\"` under `if [ -n \"${FLY_APP_NAME:-}\" ]`", query, query)
			}
		}
		if t == "fly" {
			if len(k.Applying(ipv6, mine, others)) == 0 && d.keptImageEnv[ipv6] == "" && d.Env["ECTO_IPV6"] != "" && d.NetworkDatabase {
				problem("it does not set %s=true on Fly, whose databases are reached over IPv6: add `export %s=true` under `if [ -n \"${FLY_APP_NAME:-}\" ]`", ipv6, ipv6)
			}
		}
		if !k.DistPortFixed && d.Clustering && (t == "k8s" || t == "systemd") {
			what := map[string]string{"k8s": "the NetworkPolicy admits", "systemd": "the firewall notes name"}[t]
			problem("it fixes no distribution port, so the VM listens on a random one, and %s only %d: add `export ELIXIR_ERL_OPTIONS=\"-kernel inet_dist_listen_min %d inet_dist_listen_max %d\"`", what, d.DistPort, d.DistPort, d.DistPort)
		}
	}
	for _, a := range k.Assigns {
		if a.Name == "RELEASE_COOKIE" && !strings.Contains(a.Value, "$") {
			d.warnings = append(d.warnings, fmt.Sprintf("%s sets RELEASE_COOKIE to a fixed value: it is in the repository and in every image; set it as a secret of each platform instead", a.Where(k.File)))
		}
	}
	var names []string
	for _, a := range k.Assigns {
		if a.Name == "RELEASE_NODE" {
			names = append(names, a.Value+" ("+a.Where(k.File)+")")
		}
	}
	notes = append(notes, "it names the nodes "+strings.Join(names, ", or "))
	switch {
	case k.DistPort > 0:
		d.DistPort = k.DistPort
		notes = append(notes, fmt.Sprintf("distribution listens on port %d", k.DistPort))
	case k.DistPortFixed:
		notes = append(notes, fmt.Sprintf("its distribution port depends on a variable; the platforms admit %d", d.DistPort))
	default:
		notes = append(notes, "it fixes no distribution port")
	}
	d.keptEnvSh = "the project's own " + k.File + ", which phxdeploy leaves as it is: " + strings.Join(notes, "; ")
}

// nodeHint is how phxdeploy names nodes on a platform.
func nodeHint(target, release string) string {
	switch target {
	case "fly":
		return "${FLY_APP_NAME}@${FLY_PRIVATE_IP}"
	case "k8s":
		return release + "@${POD_IP}"
	}
	return release + "@$(uname -n)"
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
