package target

import (
	"fmt"
	"path"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/internal/match"
)

// validateInstallDir checks the release's directory on the host: absolute and clean, as the
// unit's ExecStart and the hardening paths need it.
func validateInstallDir(s string) error {
	if !match.InstallDir(s) || path.Clean(s) != s {
		return fmt.Errorf("%q is not an absolute, clean path (such as /opt/shop; no .., no trailing slash)", s)
	}
	return nil
}

// validateServiceUser refuses root: the unit's hardening assumes an unprivileged user, and a
// release has no reason to run with full privileges.
func validateServiceUser(s string) error {
	if !userRe.MatchString(s) {
		return fmt.Errorf("%q is not a valid user name", s)
	}
	if s == "root" {
		return fmt.Errorf("%q would run the release with full privileges; create a system user for it (the next steps show how)", s)
	}
	return nil
}

// systemd runs the release as a hardened service on a host.
func systemd() Target {
	return Target{
		Name: "systemd", Title: "systemd",
		Questions: []*answers.Question{
			{Key: "install-dir", Title: "Directory the release is installed in (systemd)", Help: "where the release is unpacked on the host (systemd)", Kind: answers.KindString,
				Default: func(_ *project.Project, v *answers.Values) (string, string, bool) {
					return "/opt/" + v.String("name"), answers.SourceDefault, true
				}, Validate: validateInstallDir},
			{Key: "service-user", Title: "System user that runs the service (systemd)", Help: "system user the unit runs as (systemd)", Kind: answers.KindString,
				Default: func(_ *project.Project, v *answers.Values) (string, string, bool) {
					return v.String("name"), answers.SourceDefault, true
				}, Validate: validateServiceUser},
		},
		Edits: keptEdits("systemd"),
		Files: []File{
			{Template: "systemd/unit.service.tmpl", Path: func(d *Data) string { return "deploy/systemd/" + d.Name + ".service" }, Mode: 0o644},
			// Migrations run once per boot in a oneshot unit the release's unit requires: never
			// under the start timeout of the release, never again on a crash restart.
			{Template: "systemd/migrate.service.tmpl", Path: func(d *Data) string { return "deploy/systemd/" + d.Name + "-migrate.service" },
				When: func(d *Data) bool { return d.Ecto }, Mode: 0o644},
			{Template: "systemd/env.example.tmpl", Path: func(d *Data) string { return "deploy/systemd/" + d.Name + ".env.example" }, Mode: 0o644},
		},
		Derive: func(d *Data) { d.EnvFile = "/etc/" + d.Name + "/" + d.Name + ".env" },
		NextSteps: func(_ *project.Project, d *Data) []Step {
			release := ""
			if d.HasReleasesConfig {
				release = " " + d.Release
			}
			var steps []Step
			if len(d.BuildArgs) > 0 {
				steps = append(steps, say("the build reads %s at compile time: export them first", strings.Join(d.BuildArgs, " ")))
			}
			steps = append(steps,
				run("MIX_ENV="+d.BuildEnv+" mix release"+release),
				say("copy _build/%s/rel/%s to %s on the host, then on the host:", d.BuildEnv, d.Release, d.InstallDir),
				run(fmt.Sprintf("useradd --system --home-dir /var/lib/%s --shell /usr/sbin/nologin %s", d.Name, d.ServiceUser)),
				run(fmt.Sprintf("install -D -m 0600 deploy/systemd/%s.env.example %s", d.Name, d.EnvFile)))
			if fill := append(given(d.EnvFor("systemd"), true), given(d.EnvFor("systemd"), false)...); len(fill) > 0 {
				steps = append(steps, say("fill in %s: %s", d.EnvFile, names(fill)))
			}
			units := fmt.Sprintf("deploy/systemd/%s.service", d.Name)
			if d.Ecto {
				units += fmt.Sprintf(" deploy/systemd/%s-migrate.service", d.Name)
			}
			steps = append(steps, run(fmt.Sprintf("install -m 0644 %s /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now %s", units, d.Name)))
			if d.Clustering {
				steps = append(steps, say("%s", clusterPorts(d)))
			}
			if d.Ecto {
				return append(steps, say("for a new release: copy it to %s, then: systemctl restart %s-migrate %s (migrates, then restarts; systemctl restart %s alone does not migrate)",
					d.InstallDir, d.Name, d.Name, d.Name))
			}
			return append(steps, say("for a new release: copy it to %s, then: systemctl restart %s", d.InstallDir, d.Name))
		},
		LibclusterHint: hostLibclusterHint,
	}
}

// clusterPorts says which ports the nodes of a cluster on hosts reach each other on, and that
// they are for the nodes alone.
func clusterPorts(d *Data) string {
	dist := fmt.Sprintf("TCP %d (Erlang distribution, fixed in rel/env.sh.eex; RELEASE_DIST_PORT changes it)", d.DistPort)
	if d.OwnNodeNames {
		dist = "the distribution port rel/vm.args sets (inet_dist_listen_min/max; without them it is random)"
	}
	return "clustering: open TCP 4369 (EPMD) and " + dist + " between the nodes only, never to the public: distribution is not encrypted, and a peer with the cookie can run any code on a node"
}
