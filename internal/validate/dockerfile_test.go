package validate

import (
	"strings"
	"testing"
)

// A "# check=" comment before an instruction (BuildKit's way to skip a rule for one line) is
// read, not a crash: BuildKit's instruction parser dereferenced the nil linter it was given.
func TestDockerfileWithACheckComment(t *testing.T) {
	src := "# syntax=docker/dockerfile:1\nFROM alpine\nUSER 1000\n# check=skip=JSONArgsRecommended\nCMD [\"/app/bin/server\"]\n"
	problems := Dockerfile([]byte(src), nil)
	for _, p := range problems {
		if strings.Contains(p, "panic") {
			t.Fatal(p)
		}
	}
	if len(problems) != 0 {
		t.Errorf("problems in a valid Dockerfile: %q", problems)
	}
}
