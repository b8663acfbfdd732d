package validate

import (
	"strings"
	"testing"
)

const flyBase = `app = "shop"
%s
[env]
  PORT = "4000"
  DATABASE_PATH = "/data/shop.db"

[[mounts]]
  source = "shop_data"
  destination = "/data"
%s

[http_service]
  internal_port = 4000

  [[http_service.checks]]
    path = "/health"
`

// swap_size_mb and the volume's snapshot keys are flyctl's; their values are checked.
func TestFlySwapAndSnapshotKeys(t *testing.T) {
	want := FlyExpectations{SQLite: true, HealthPath: "/health", Port: 4000}
	cases := []struct{ top, mount, problem string }{
		{"swap_size_mb = 512", "  snapshot_retention = 5\n  scheduled_snapshots = true", ""},
		{"swap_size_mb = 0", "", "swap_size_mb = 0"},
		{"", "  snapshot_retention = 61", "snapshot_retention = 61"},
		{"", "  snapshot_retention = 0", "snapshot_retention = 0"},
		{"swap_mb = 512", "", "unknown keys"},
		{"", "  snapshot_retension = 5", "unknown keys"},
	}
	for _, c := range cases {
		got := strings.Join(Fly([]byte(strings.Replace(strings.Replace(flyBase, "%s", c.top, 1), "%s", c.mount, 1)), want), "\n")
		if c.problem == "" && got != "" {
			t.Errorf("%q %q: unexpected problems: %s", c.top, c.mount, got)
		}
		if c.problem != "" && !strings.Contains(got, c.problem) {
			t.Errorf("%q %q: got %q, want %q", c.top, c.mount, got, c.problem)
		}
	}
}
