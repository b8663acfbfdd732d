package main

// heapFloor is the size of a heap floor: a run collects no garbage until its heap grows past
// about twice this, and from then on as Go does by default (when the heap doubles), counting the
// floor as part of the heap. A run lasts tens of milliseconds and most of what it allocates is
// still in use at its end (the project's index, the files it renders), so collecting garbage in
// a small heap was work for nothing: with the floor, the 20,000-line router and keila take ~17%
// less time and the small fixture the same. Measured in README "Speed".
const heapFloor = 16 << 20

// newHeapFloor returns the floor: a byte slice that is never read or written. Memory the Go
// runtime takes fresh from the system is not cleared, so its pages are never touched and it is
// not resident (TestPeakMemory holds the small fixture's peak to 20 MiB). With GOGC or
// GOMEMLIMIT set, the person running phxdeploy has chosen how it collects: no floor.
func newHeapFloor(getenv func(string) string) []byte {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return nil
	}
	return make([]byte, heapFloor)
}
