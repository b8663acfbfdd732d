package target

import "testing"

// TestURLPort reads the port of a default URL the code writes: the one it names, else its
// scheme's; nothing from what is not a URL with a host.
func TestURLPort(t *testing.T) {
	for def, want := range map[string]int{
		`"http://plausible_events_db:8123/plausible_events_db"`: 8123,
		`"ecto://postgres:postgres@db/app"`:                     5432,
		`"mysql://db/app"`:                                      3306,
		`"https://ch.example.com/db"`:                           443,
		`"redis://cache:6390"`:                                  6390,
		`"clickhouse://ch/db"`:                                  0,
		`"http://db:99999/x"`:                                   0,
		`nil`:                                                   0,
		``:                                                      0,
		`"#{host}:8123"`:                                        0,
	} {
		if got := urlPort(def); got != want {
			t.Errorf("urlPort(%s) = %d, want %d", def, got, want)
		}
	}
}
