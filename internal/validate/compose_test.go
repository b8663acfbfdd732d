package validate

import (
	"strings"
	"testing"
)

func composeWith(image, test string) string {
	return "services:\n  db:\n    image: " + image + "\n    healthcheck:\n      test: " + test + "\n"
}

// A database healthcheck over the Unix socket passes while the image's init server runs, before
// the server takes TCP connections: the check must ask over TCP.
func TestComposeDatabaseHealthchecksUseTCP(t *testing.T) {
	cases := []struct {
		image, test string
		want        string // "" when the check passes
	}{
		{"docker.io/library/postgres:17", `["CMD", "pg_isready", "-U", "postgres", "-d", "shop_prod"]`, "pg_isready checks the Unix socket"},
		{"docker.io/library/postgres:17", `["CMD", "pg_isready", "-h", "/var/run/postgresql", "-U", "postgres"]`, "pg_isready checks the Unix socket"},
		{"docker.io/library/postgres:17", `["CMD-SHELL", "pg_isready -U postgres"]`, "pg_isready checks the Unix socket"},
		{"docker.io/library/postgres:17", `["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "shop_prod"]`, ""},
		{"docker.io/library/postgres:17", `["CMD-SHELL", "pg_isready --host=127.0.0.1 -U postgres"]`, ""},
		{"docker.io/library/postgres:17", `pg_isready -h127.0.0.1`, ""},
		{"docker.io/library/mysql:8.4", `["CMD", "mysqladmin", "ping"]`, "mysqladmin without -h 127.0.0.1"},
		{"docker.io/library/mysql:8.4", `["CMD", "mysqladmin", "ping", "-h", "localhost"]`, "mysqladmin without -h 127.0.0.1"},
		{"docker.io/library/mysql:8.4", `["CMD", "mysqladmin", "ping", "-h", "127.0.0.1"]`, ""},
		{"docker.io/library/mysql:8.4", `["CMD", "mysqladmin", "ping", "-h", "localhost", "--protocol=tcp"]`, ""},
		{"docker.io/library/mariadb:11", `["CMD", "mariadb-admin", "ping"]`, "mariadb-admin without -h 127.0.0.1"},
		{"docker.io/library/redis:7.4", `["CMD", "redis-cli", "ping"]`, ""},
	}
	for _, c := range cases {
		got := strings.Join(Compose("compose.yaml", []byte(composeWith(c.image, c.test))), "\n")
		if c.want == "" && got != "" {
			t.Errorf("%s: unexpected problem: %s", c.test, got)
		}
		if c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want a problem with %q", c.test, got, c.want)
		}
	}
	// A malformed file is a problem too (duplicate keys).
	if got := Compose("compose.yaml", []byte("services:\n  a: {}\n  a: {}\n")); len(got) == 0 {
		t.Error("duplicate keys were accepted")
	}
}
