package project

import "testing"

func TestSatisfies(t *testing.T) {
	for _, c := range []struct {
		v, req string
		want   bool
	}{
		{"1.19.5", "~> 1.14", true}, {"1.19.5", "~> 1.14.0", false}, {"1.14.3", "~> 1.14.0", true},
		{"1.13.0", "~> 1.14", false}, {"2.0.0", "~> 1.14", false}, {"1.19.5", ">= 1.11.0", true},
		{"1.10.4", ">= 1.11.0", false}, {"1.15.0", "~> 1.14 or ~> 2.0", true}, {"1.19.5", "", true},
	} {
		if got := Satisfies(c.v, c.req); got != c.want {
			t.Errorf("Satisfies(%q, %q) = %v, want %v", c.v, c.req, got, c.want)
		}
	}
}
