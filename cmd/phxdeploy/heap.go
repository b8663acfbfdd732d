package main

import (
	"math"
	"runtime"
	"runtime/debug"
)

// firstCollection is the heap size (as the Go runtime counts its memory) at which a run first
// collects garbage.
const firstCollection = 32 << 20

// collectLate makes a run collect no garbage until its memory nears firstCollection, and from
// that first collection on as Go does by default (when the heap has doubled). A run lasts tens
// of milliseconds and most of what it allocates is in use until its end (the project's index,
// the files it renders): collections in a small heap were work for nothing, and in a large one
// (the 20,000-line router's trees) they marked megabytes of tokens again and again. With GOGC or
// GOMEMLIMIT set, the person running phxdeploy has chosen how it collects: nothing changes.
//
// The switch back to the default is a cleanup of an object nothing refers to: it runs after the
// first collection, whatever caused it. So a heap that outgrows firstCollection is collected as
// usual, never over and over under a limit it cannot get below.
func collectLate(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(firstCollection)
	runtime.AddCleanup(new(gcMark), func(struct{}) {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}, struct{}{})
}

// gcMark is the object whose cleanup ends collectLate's first phase (with a pointer, so that
// it is not one of the tiny objects allocated together, whose cleanups can wait for others).
type gcMark struct{ _ *byte }
