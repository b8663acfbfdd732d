package generator_test

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// The database container gets only what it needs: never the app's env file (SECRET_KEY_BASE,
// RELEASE_COOKIE, DATABASE_URL would reach it).
func TestComposeDatabaseGetsOnlyItsOwnEnvironment(t *testing.T) {
	allowed := map[string]bool{"POSTGRES_DB": true, "POSTGRES_PASSWORD": true, "MYSQL_DATABASE": true, "MYSQL_USER": true,
		"MYSQL_PASSWORD": true, "MYSQL_ROOT_PASSWORD": true, "ACCEPT_EULA": true, "MSSQL_SA_PASSWORD": true}
	for _, fixture := range []string{"phx18_postgres", "phx16_mysql"} {
		res := dryRun(t, testtools.Fixture(t, fixture), map[string]string{"target": "docker"})
		c := changed(res, "compose.yaml")
		if c == nil {
			t.Fatalf("%s: no compose.yaml", fixture)
		}
		var doc struct {
			Services map[string]map[string]any `yaml:"services"`
		}
		if err := yaml.Unmarshal(c.Content, &doc); err != nil {
			t.Fatal(err)
		}
		db := doc.Services["db"]
		if db == nil {
			t.Fatalf("%s: no db service", fixture)
		}
		if _, ok := db["env_file"]; ok {
			t.Errorf("%s: the database container reads an env file: %v", fixture, db["env_file"])
		}
		env, _ := db["environment"].(map[string]any)
		for k := range env {
			if !allowed[k] || strings.HasPrefix(k, "SECRET") {
				t.Errorf("%s: the database container gets %s", fixture, k)
			}
		}
	}
}
