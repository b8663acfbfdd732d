package project

import (
	"slices"
	"strings"
	"testing"
)

// Blank lines are skipped once, not once per line after them: a mix.lock of 200,000 blank
// lines took 14 s to read when every line start skipped every blank after it again.
func TestLockNamesOverBlankLines(t *testing.T) {
	blank := strings.Repeat("\n", 200_000)
	lock := []byte("%{" + blank + `"plug": {:hex, :plug, "1.15.3"},` + "\n" + blank + "}" + blank)
	if got := lockNames(lock); !slices.Equal(got, []string{"plug"}) {
		t.Errorf("lockNames = %q, want [plug]", got)
	}
	if got := lockVersion(lock, "plug"); got != "1.15.3" {
		t.Errorf("lockVersion = %q, want 1.15.3", got)
	}
}

// BenchmarkLockNamesBlankLines reads a lock that is mostly blank lines: linear in its size.
func BenchmarkLockNamesBlankLines(b *testing.B) {
	lock := []byte("%{" + strings.Repeat("\n", 100_000) + "}")
	for b.Loop() {
		lockNames(lock)
	}
}
