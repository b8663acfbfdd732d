package generator

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// failing writes fail for the paths (relative to root) listed, once they have failed after
// their first write: the rollback's restore of those files fails.
type failing struct {
	root     string
	failOn   map[string]bool
	attempts map[string]int
}

func (f *failing) write(full string, content []byte, mode fs.FileMode) error {
	rel, _ := filepath.Rel(f.root, full)
	f.attempts[rel]++
	if f.failOn[rel] && f.attempts[rel] > 1 {
		return syscall.ENOSPC
	}
	return osFiles{}.write(full, content, mode)
}

func (f *failing) remove(full string) error { return os.Remove(full) }

// TestApplySaysWhatItCouldNotRestore: when a rollback cannot put a file back (the disk is full),
// the error says so, names the file, and does not claim that nothing was written.
func TestApplySaysWhatItCouldNotRestore(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"mix.exs", "application.ex"} {
		if err := os.WriteFile(filepath.Join(root, f), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "blocked"), []byte("file"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes := []Change{
		{Path: "mix.exs", Action: Patch, Content: []byte("patched")},
		{Path: "application.ex", Action: Patch, Content: []byte("patched")},
		{Path: "blocked/child", Action: Create, Content: []byte("c")},
	}
	real, _ := filepath.EvalSymlinks(root)
	err := apply(root, changes, &failing{root: real, failOn: map[string]bool{"application.ex": true}, attempts: map[string]int{}})
	var ae *ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("want an ApplyError, got %v", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "nothing was written") || !strings.Contains(msg, "NOT restored") ||
		!strings.Contains(msg, "application.ex: "+syscall.ENOSPC.Error()) || !strings.Contains(msg, "restored: mix.exs") {
		t.Errorf("the error does not say what could not be restored:\n%s", msg)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "mix.exs")); string(b) != "mine" {
		t.Errorf("mix.exs not restored: %q", b)
	}
}
