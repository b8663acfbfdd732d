package generator_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
	"github.com/phxdeploy/phxdeploy/internal/validate"
)

// fly.toml gives a small machine swap (the BEAM's memory peaks at boot and in the release
// command would OOM-kill it), and the SQLite volume an explicit snapshot retention, with the note
// that a snapshot is no consistent SQLite backup and a command that lists the snapshots.
func TestFlySwapAndVolumeSnapshots(t *testing.T) {
	cases := []struct {
		fixture, memory string
		swap            int // 0: no swap_size_mb
	}{
		{"phx18_sqlite", "256mb", 512},
		{"phx18_sqlite", "512mb", 512},
		{"phx18_sqlite", "1gb", 512},
		{"phx18_postgres", "1024mb", 512},
		{"phx18_postgres", "2gb", 0},
		{"phx18_postgres", "1280mb", 0},
	}
	for _, c := range cases {
		t.Run(c.fixture+"/"+c.memory, func(t *testing.T) {
			dir := copyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", c.fixture))
			res := dryRun(t, dir, map[string]string{"target": "fly", "vm-memory": c.memory})
			toml := changed(res, "fly.toml")
			if toml == nil {
				t.Fatal("no fly.toml")
			}
			cfg, err := validate.DecodeFly(toml.Content)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.swap == 0 && cfg.SwapSizeMB != nil:
				t.Errorf("swap_size_mb = %d for a machine of %s", *cfg.SwapSizeMB, c.memory)
			case c.swap != 0 && (cfg.SwapSizeMB == nil || *cfg.SwapSizeMB != c.swap):
				t.Errorf("swap_size_mb = %v, want %d for a machine of %s", cfg.SwapSizeMB, c.swap, c.memory)
			case c.swap != 0 && !strings.Contains(string(toml.Content), "OOM-killed"):
				t.Error("swap_size_mb without the comment that says why")
			}
			var steps []string
			for _, s := range res.Report.NextSteps {
				steps = append(steps, s.Command+s.Text)
			}
			all := strings.Join(steps, "\n")
			if c.fixture != "phx18_sqlite" {
				if len(cfg.Mounts) != 0 || strings.Contains(all, "snapshot") {
					t.Errorf("snapshots without a volume:\n%s", all)
				}
				return
			}
			if len(cfg.Mounts) != 1 || cfg.Mounts[0].SnapshotRetention == nil || *cfg.Mounts[0].SnapshotRetention != 5 {
				t.Fatalf("[[mounts]] %+v: want snapshot_retention = 5", cfg.Mounts)
			}
			list := `for v in $(fly volumes list --app shop --json | jq -r '.[].id'); do fly volumes snapshots list "$v"; done`
			for _, want := range []string{"not a consistent backup", "Litestream", list} {
				if !strings.Contains(string(toml.Content), want) {
					t.Errorf("fly.toml lacks %q", want)
				}
			}
			for _, want := range []string{"fly volumes create shop_data --app shop --region iad --size 1 --snapshot-retention 5 --yes",
				"no consistent backup", list} {
				if !strings.Contains(all, want) {
					t.Errorf("next steps lack %q:\n%s", want, all)
				}
			}
		})
	}
}
