package generator_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// --clustering=false turns clustering off on every target: nothing names nodes for a cluster,
// queries for peers, opens distribution ports or adds dns_cluster, Fly's env.sh block included.
func TestClusteringOffIsOffEverywhere(t *testing.T) {
	for _, fixture := range []string{"phx18_postgres", "phx16_mysql"} {
		t.Run(fixture, func(t *testing.T) {
			dir := testtools.Fixture(t, fixture)
			res := dryRun(t, dir, with(allTargets, "clustering", "false"))
			clustered := regexp.MustCompile(`DNS_CLUSTER_QUERY=|DNS_CLUSTER_QUERY"|name: DNS_CLUSTER_QUERY|inet_dist_listen|RELEASE_NODE=|4369|epmd|\bdist\b|-headless|dns_cluster, "~>|proto_dist`)
			for _, c := range res.Changes {
				if c.Content == nil || c.Action == generator.Identical {
					continue
				}
				for i, line := range strings.Split(string(c.Content), "\n") {
					if clustered.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "# DNS_CLUSTER_QUERY=") {
						t.Errorf("%s:%d clusters with --clustering=false: %s", c.Path, i+1, line)
					}
				}
			}
			for _, s := range res.Report.NextSteps {
				if strings.Contains(s.Text+s.Command, "4369") || strings.Contains(s.Text+s.Command, "libcluster") {
					t.Errorf("next step of %s speaks of clustering: %s%s", s.Target, s.Text, s.Command)
				}
			}
			// And on, the same files do cluster (the pattern is not blind).
			on := dryRun(t, testtools.Fixture(t, fixture), allTargets)
			found := 0
			for _, c := range on.Changes {
				if c.Content != nil && clustered.Match(c.Content) {
					found++
				}
			}
			if found < 3 {
				t.Errorf("with clustering on, only %d files match the clustering pattern", found)
			}
		})
	}
}
