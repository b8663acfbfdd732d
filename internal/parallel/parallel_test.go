package parallel

import "testing"

// Every index is called exactly once, and Each returns only after the last call.
func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		calls := make([]int, n)
		Each(n, func(i int) { calls[i]++ })
		for i, c := range calls {
			if c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
}

func TestStreamCallsEveryItemOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		calls := make([]int, n)
		Stream(func(send func(*int)) {
			for i := range calls {
				send(&calls[i])
			}
		}, func(c *int) { *c++ })
		for i, c := range calls {
			if c != 1 {
				t.Fatalf("n=%d: item %d handled %d times", n, i, c)
			}
		}
	}
}
