package project

import "testing"

func BenchmarkTmpGlific(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read("/tmp/survey-B/glific/src", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
