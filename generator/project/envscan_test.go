package project

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMayReadEnvFindsTheFourNames checks mayReadEnv against strings.Contains of each name, on
// texts made of their pieces at random.
func TestMayReadEnvFindsTheFourNames(t *testing.T) {
	pieces := []string{"System", "ystem", "S", ".", ":", ":s", "Mix", "ix", "M", ":os", "os", "x", " ", "\n", "y", "stem"}
	r := rand.New(rand.NewPCG(5, 6))
	found := 0
	for range 200_000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		src := b.String()
		want := strings.Contains(src, "System.") || strings.Contains(src, "Mix.") || strings.Contains(src, ":system") || strings.Contains(src, ":os.")
		if got := mayReadEnv(src); got != want {
			t.Fatalf("mayReadEnv(%q) = %v, want %v", src, got, want)
		}
		if want {
			found++
		}
	}
	if found < 1000 {
		t.Errorf("only %d texts held a name", found)
	}
}
