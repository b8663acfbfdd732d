package generator_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
	"github.com/phxdeploy/phxdeploy/internal/validate"
)

// The systemd units (issue 12): file limits, migrations in their own oneshot unit, and the
// ports a cluster of hosts needs open between its nodes.

// unit is a unit file read as systemd reads it: each section's assignments in order, comments
// apart.
type unit struct {
	sections map[string][]string // "Service" -> ["Type=exec", ...]
	comments string
}

func parseUnit(t *testing.T, content []byte) unit {
	t.Helper()
	u := unit{sections: map[string][]string{}}
	section := ""
	for _, line := range strings.Split(string(content), "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
			u.comments += line + "\n"
		case strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		case section == "" || !strings.Contains(line, "="):
			t.Fatalf("not a unit file line: %q", line)
		default:
			u.sections[section] = append(u.sections[section], line)
		}
	}
	return u
}

// values lists the values a section assigns to key.
func (u unit) values(section, key string) []string {
	var out []string
	for _, l := range u.sections[section] {
		if k, v, _ := strings.Cut(l, "="); k == key {
			out = append(out, v)
		}
	}
	return out
}

func (u unit) value(section, key string) string {
	v := u.values(section, key)
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func changeAt(res *generator.Result, path string) []byte {
	for _, c := range res.Changes {
		if c.Path == path {
			return c.Content
		}
	}
	return nil
}

// systemdSteps joins the systemd next steps, commands and notes, one per line.
func systemdSteps(res *generator.Result) string {
	var b strings.Builder
	for _, s := range res.Report.NextSteps {
		if s.Target == "systemd" {
			b.WriteString(s.Command + s.Text + "\n")
		}
	}
	return b.String()
}

func TestSystemdUnits(t *testing.T) {
	cases := []struct {
		name       string
		fixture    string
		mutate     func(*testing.T, string)
		clustering string
		ecto       bool
		// ports: the distribution port the firewall note names ("" when clustering is off).
		ports string
	}{
		{name: "postgres clustered", fixture: "phx18_postgres", clustering: "true", ecto: true, ports: "TCP 9000"},
		{name: "sqlite single node", fixture: "phx18_sqlite", clustering: "false", ecto: true},
		{name: "no ecto", fixture: "phx18_noecto", clustering: "true", ports: "TCP 9000"},
		{name: "nodes named in vm.args", fixture: "phx18_postgres", clustering: "true", ecto: true, ports: "rel/vm.args",
			mutate: withFile("rel/vm.args.eex", "-name <%= @release.name %>@127.0.0.1\n")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", tc.fixture))
			if tc.mutate != nil {
				tc.mutate(t, dir)
			}
			res := dryRun(t, dir, map[string]string{"target": "systemd", "host": "shop.example.com", "clustering": tc.clustering})
			d := res.Data
			if d.Ecto != tc.ecto {
				t.Fatalf("Ecto: %v, want %v", d.Ecto, tc.ecto)
			}
			mainPath, migratePath := "deploy/systemd/"+d.Name+".service", "deploy/systemd/"+d.Name+"-migrate.service"
			mainContent, migrateContent := changeAt(res, mainPath), changeAt(res, migratePath)
			if mainContent == nil {
				t.Fatalf("no %s", mainPath)
			}
			main := parseUnit(t, mainContent)
			steps := systemdSteps(res)

			// 1. A file descriptor per connection: the soft limit of 1024 is far too low.
			if n, err := strconv.Atoi(main.value("Service", "LimitNOFILE")); err != nil || n < 65536 {
				t.Errorf("LimitNOFILE=%q, want 65536 or more", main.value("Service", "LimitNOFILE"))
			}
			if !strings.Contains(main.comments, "1024") {
				t.Error("the unit does not say why it raises LimitNOFILE")
			}

			// 2. Migrations: never in the release's own start (its timeout, its restarts).
			if pre := main.values("Service", "ExecStartPre"); len(pre) > 0 {
				t.Errorf("%s runs %v before the release: every crash restart would migrate again, under the start timeout", mainPath, pre)
			}
			migrateUnit := d.Name + "-migrate.service"
			if !tc.ecto {
				if migrateContent != nil || strings.Contains(string(mainContent), "migrate") || strings.Contains(steps, "migrate") {
					t.Errorf("a project without Ecto has no migrations: %s\n%s", mainContent, steps)
				}
			} else {
				if migrateContent == nil {
					t.Fatalf("no %s", migratePath)
				}
				migrate := parseUnit(t, migrateContent)
				for _, key := range []string{"Requires", "After"} {
					if !slices.Contains(strings.Fields(strings.Join(main.values("Unit", key), " ")), migrateUnit) {
						t.Errorf("%s: %s= does not name %s", mainPath, key, migrateUnit)
					}
				}
				for key, want := range map[string]string{"Type": "oneshot", "RemainAfterExit": "yes", "TimeoutStartSec": "infinity",
					"ExecStart": d.InstallDir + "/bin/migrate"} {
					if got := migrate.value("Service", key); got != want {
						t.Errorf("%s: %s=%q, want %q", migratePath, key, got, want)
					}
				}
				// A restart of a failed oneshot would not start the units that require it (their
				// start already failed): no Restart= that looks like a retry but is not one.
				if r := migrate.value("Service", "Restart"); r != "" {
					t.Errorf("%s: Restart=%s", migratePath, r)
				}
				if _, ok := migrate.sections["Install"]; ok {
					t.Errorf("%s has an [Install] section: the release's unit pulls it in, it is never enabled alone", migratePath)
				}
				// Same user, environment and sandbox: every line but each unit's own.
				own := map[string]bool{"Type": true, "ExecStart": true, "KillSignal": true, "TimeoutStopSec": true, "Restart": true,
					"RestartSec": true, "LimitNOFILE": true, "RuntimeDirectory": true, "RemainAfterExit": true, "TimeoutStartSec": true}
				shared := func(u unit) []string {
					var out []string
					for _, l := range u.sections["Service"] {
						if k, _, _ := strings.Cut(l, "="); !own[k] && !strings.HasPrefix(l, "Environment=RELEASE_TMP=") {
							out = append(out, l)
						}
					}
					return out
				}
				if a, b := shared(main), shared(migrate); !slices.Equal(a, b) {
					t.Errorf("the units do not share their user, environment and sandbox:\n%s:\n%s\n%s:\n%s",
						mainPath, strings.Join(a, "\n"), migratePath, strings.Join(b, "\n"))
				}
				for _, key := range []string{"User", "EnvironmentFile", "ProtectSystem", "SystemCallFilter"} {
					if migrate.value("Service", key) == "" {
						t.Errorf("%s has no %s=", migratePath, key)
					}
				}
				// Each unit's RELEASE_TMP is its own runtime directory (systemd removes a unit's
				// runtime directory when that unit stops).
				for name, u := range map[string]unit{mainPath: main, migratePath: migrate} {
					if tmp := "RELEASE_TMP=/run/" + u.value("Service", "RuntimeDirectory"); !slices.Contains(u.values("Service", "Environment"), tmp) {
						t.Errorf("%s: no Environment=%s", name, tmp)
					}
				}
				if main.value("Service", "RuntimeDirectory") == migrate.value("Service", "RuntimeDirectory") {
					t.Error("the units share a runtime directory: stopping one removes the other's")
				}
				// Installed together; a new release runs its migrations on purpose.
				install := fmt.Sprintf("install -m 0644 %s %s /etc/systemd/system/", mainPath, migratePath)
				restart := fmt.Sprintf("systemctl restart %s-migrate %s", d.Name, d.Name)
				for _, want := range []string{install, restart} {
					if !strings.Contains(steps, want) {
						t.Errorf("the systemd next steps lack %q:\n%s", want, steps)
					}
				}
				if !strings.Contains(migrate.comments, restart) || !strings.Contains(main.comments, restart) {
					t.Errorf("the units do not say how a new release runs its migrations (%s)", restart)
				}
			}

			// 3. Clustering: the ports, for the nodes only.
			for where, text := range map[string]string{mainPath: main.comments, "the next steps": steps} {
				if tc.ports == "" {
					if strings.Contains(text, "4369") {
						t.Errorf("%s names EPMD's port without clustering", where)
					}
					continue
				}
				for _, want := range []string{"4369", tc.ports, "never to the public"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s lack %q:\n%s", where, want, text)
					}
				}
				if tc.ports != "TCP 9000" && strings.Contains(text, "9000") {
					t.Errorf("%s names port 9000, which env.sh does not set here", where)
				}
			}
			if tc.ports == "TCP 9000" && d.DistPort != 9000 {
				t.Errorf("the distribution port is %d, the test expects 9000", d.DistPort)
			}
		})
	}
}

// TestSystemdUnitsAreVerifiedTogether: the release's unit requires the migrations' unit, and
// systemd-analyze verify (which builds the start transaction) fails when it cannot find it; both
// stay at an exposure of 1.5 or lower.
func TestSystemdUnitsAreVerifiedTogether(t *testing.T) {
	testtools.Require(t, "systemd-analyze", "systemd")
	dir := copyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", "phx18_postgres"))
	res := dryRun(t, dir, map[string]string{"target": "systemd", "host": "shop.example.com"})
	units := map[string][]byte{}
	for _, name := range []string{"shop.service", "shop-migrate.service"} {
		if units[name] = changeAt(res, "deploy/systemd/"+name); units[name] == nil {
			t.Fatalf("no deploy/systemd/%s", name)
		}
	}
	exposure, problems := validate.SystemdUnits(units, res.Data.InstallDir)
	for _, p := range problems {
		t.Error(p)
	}
	for _, name := range []string{"shop.service", "shop-migrate.service"} {
		if e, ok := exposure[name]; !ok || e > 1.5 {
			t.Errorf("%s: exposure %.1f (measured: %v), want 1.5 or lower", name, e, ok)
		}
	}
	_, problems = validate.SystemdUnits(map[string][]byte{"shop.service": units["shop.service"]}, res.Data.InstallDir)
	if !strings.Contains(strings.Join(problems, "\n"), "shop-migrate.service not found") {
		t.Errorf("verifying shop.service without the unit it requires: %q, want a unit not found", problems)
	}
}
