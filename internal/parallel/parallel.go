// Package parallel runs independent pieces of work on every core.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls fn(i) for every i from 0 to n-1, on as many goroutines as there are cores (the
// caller's among them), and returns when every call has returned. The calls must not depend on
// one another; each writes its own result, by i, for the caller to take in order.
func Each(n int, fn func(i int)) {
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
			fn(i)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) - 1 {
		wg.Add(1)
		go func() { defer wg.Done(); work() }()
	}
	work()
	wg.Wait()
}

// Stream calls fn on every item produce sends, on as many goroutines as there are cores, while
// produce is still finding the next items: the work on the first overlaps the finding of the
// rest. It returns when produce has returned and every call of fn has. The calls must not depend
// on one another, and produce must not touch an item once it is sent.
func Stream[T any](produce func(send func(T)), fn func(T)) {
	items := make(chan T, 64)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range items {
				fn(v)
			}
		}()
	}
	defer wg.Wait()
	defer close(items)
	produce(func(v T) { items <- v })
}
