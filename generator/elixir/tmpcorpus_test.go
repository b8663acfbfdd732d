package elixir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkTmpCorpus(b *testing.B) {
	var srcs []string
	total := 0
	filepath.Walk("/tmp/survey-B/glific/src/lib", func(p string, i os.FileInfo, e error) error {
		if strings.HasSuffix(p, ".ex") {
			bb, _ := os.ReadFile(p)
			srcs = append(srcs, string(bb))
			total += len(bb)
		}
		return nil
	})
	b.SetBytes(int64(total))
	for b.Loop() {
		for _, s := range srcs {
			parse(s)
		}
	}
}
