package generator_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// The systemd units (issue 12).

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

func TestSystemdUnits(t *testing.T) {
	cases := []struct {
		name       string
		fixture    string
		clustering string
	}{
		{name: "postgres clustered", fixture: "phx18_postgres", clustering: "true"},
		{name: "sqlite single node", fixture: "phx18_sqlite", clustering: "false"},
		{name: "no ecto", fixture: "phx18_noecto", clustering: "true"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", tc.fixture))
			res := dryRun(t, dir, map[string]string{"target": "systemd", "host": "shop.example.com", "clustering": tc.clustering})
			mainPath := "deploy/systemd/" + res.Data.Name + ".service"
			mainContent := changeAt(res, mainPath)
			if mainContent == nil {
				t.Fatalf("no %s", mainPath)
			}
			main := parseUnit(t, mainContent)

			// 1. A file descriptor per connection: the soft limit of 1024 is far too low.
			if n, err := strconv.Atoi(main.value("Service", "LimitNOFILE")); err != nil || n < 65536 {
				t.Errorf("LimitNOFILE=%q, want 65536 or more", main.value("Service", "LimitNOFILE"))
			}
			if !strings.Contains(main.comments, "1024") {
				t.Error("the unit does not say why it raises LimitNOFILE")
			}
		})
	}
}
