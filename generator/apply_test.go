package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestApplyRefusesPathsOutsideTheRoot(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "deploy")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../escape", "/etc/passwd", "deploy/k8s/x.yaml"} {
		err := Apply(root, []Change{{Path: p, Action: Create, Content: []byte("x")}})
		if err == nil {
			t.Errorf("%s: written", p)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("wrote outside the root: %v", entries)
	}
}

func TestApplyRollsBackWhenAWriteFails(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "existing"), []byte("mine"), 0o640); err != nil {
		t.Fatal(err)
	}
	// "blocked" is a file, so "blocked/child" cannot be created: the third write fails.
	if err := os.WriteFile(filepath.Join(root, "blocked"), []byte("file"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes := []Change{
		{Path: "new/dir/a", Action: Create, Content: []byte("a")},
		{Path: "existing", Action: Overwrite, Content: []byte("theirs")},
		{Path: "blocked/child", Action: Create, Content: []byte("c")},
	}
	err := Apply(root, changes)
	if err == nil || !strings.Contains(err.Error(), "blocked/child") || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("want an error naming blocked/child, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "new")); !os.IsNotExist(err) {
		t.Error("created directory left behind")
	}
	b, _ := os.ReadFile(filepath.Join(root, "existing"))
	st, _ := os.Stat(filepath.Join(root, "existing"))
	if string(b) != "mine" || st.Mode().Perm() != 0o640 {
		t.Errorf("existing file not restored: %q %v", b, st.Mode())
	}
	leftovers, _ := filepath.Glob(filepath.Join(root, ".*phxdeploy-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
