package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// Run in an organization's template directory, lint lints it (not only the embedded
// templates), and always says which layers it linted and how many overrides it found; a layer
// given with nothing in it is an error, so that CI never goes green having checked nothing.
func TestLintSaysWhatItLinted(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: lint renders every shape")
	}
	org := filepath.Join(testtools.RepoRoot(), "testdata", "org_templates")
	var out, errOut bytes.Buffer
	if code := run([]string{"--dir", org}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"is a template layer", "layers linted: organization " + org + " (3 template file(s), defaults.yaml), embedded; 3 override(s)"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("lint does not say %q:\n%s", want, errOut.String())
		}
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"--dir", t.TempDir(), t.TempDir()}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "holds no templates") {
		t.Errorf("an empty layer: exit %d, want 1\n%s", code, errOut.String())
	}
}
