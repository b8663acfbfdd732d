package generator

import (
	"context"
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

// failing is a disk that runs out of space at the writes numbered in fail (counting from 1).
type failing struct {
	fail   map[int]bool
	writes int
}

func (f *failing) write(r *os.Root, rel string, content []byte, mode fs.FileMode, uid, gid int) error {
	f.writes++
	if f.fail[f.writes] {
		return syscall.ENOSPC
	}
	return osDisk{}.write(r, rel, content, mode, uid, gid)
}

func (f *failing) remove(r *os.Root, rel string) error { return osDisk{}.remove(r, rel) }

// TestApplySaysWhatItCouldNotRestore: when a rollback cannot put a file back (the disk is full),
// the error says so, names the file, and does not claim that nothing was written.
func TestApplySaysWhatItCouldNotRestore(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"mix.exs", "application.ex"} {
		if err := os.WriteFile(filepath.Join(root, f), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	changes := []Change{
		{Path: "mix.exs", Action: Patch, Content: []byte("patched")},
		{Path: "application.ex", Action: Patch, Content: []byte("patched")},
		{Path: "new/dir/file", Action: Create, Content: []byte("c")},
	}
	// The third write fails, and so does the restore of application.ex (the fourth).
	err := apply(context.Background(), root, changes, &failing{fail: map[int]bool{3: true, 4: true}})
	var ae *ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("want an ApplyError, got %v", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "nothing was written") || !strings.Contains(msg, "NOT restored") ||
		!strings.Contains(msg, "application.ex: "+syscall.ENOSPC.Error()) || !strings.Contains(msg, "restored: mix.exs") {
		t.Errorf("the error does not say what could not be restored:\n%s", msg)
	}
	if _, err := os.Stat(filepath.Join(root, "new")); !os.IsNotExist(err) {
		t.Error("the directories created for the failed file are left behind")
	}
}

// TestApplyKeepsOwnerAndGroup: a patched file keeps its owner and group (checked when the tests
// run as root, the only user that can give a file away).
func TestApplyKeepsOwnerAndGroup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("SKIPPED: changing a file's owner needs root")
	}
	root := t.TempDir()
	f := filepath.Join(root, "router.ex")
	if err := os.WriteFile(f, []byte("mine"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(f, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := Apply(root, []Change{{Path: "router.ex", Action: Patch, Content: []byte("patched")}}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(f)
	sys := st.Sys().(*syscall.Stat_t)
	if sys.Uid != 1234 || sys.Gid != 5678 || st.Mode().Perm() != 0o640 {
		t.Errorf("owner %d:%d mode %v, want 1234:5678 0640", sys.Uid, sys.Gid, st.Mode().Perm())
	}
}

// swapping is a disk that, just before the first write, replaces the directory it writes into
// with a symbolic link to a directory outside the project: the race a check-then-write has.
type swapping struct {
	dir, outside string
	swapped      bool
}

func (s *swapping) write(r *os.Root, rel string, content []byte, mode fs.FileMode, uid, gid int) error {
	if !s.swapped {
		s.swapped = true
		if err := os.RemoveAll(s.dir); err != nil {
			return err
		}
		if err := os.Symlink(s.outside, s.dir); err != nil {
			return err
		}
	}
	return osDisk{}.write(r, rel, content, mode, uid, gid)
}

func (s *swapping) remove(r *os.Root, rel string) error { return osDisk{}.remove(r, rel) }

func TestApplyCannotBeRacedOutOfTheProject(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "deploy", "k8s"), 0o755); err != nil {
		t.Fatal(err)
	}
	d := &swapping{dir: filepath.Join(root, "deploy", "k8s"), outside: outside}
	err := apply(context.Background(), root, []Change{{Path: "deploy/k8s/service.yaml", Action: Create, Content: []byte("x")}}, d)
	if err == nil {
		t.Error("the write followed a symbolic link swapped in after the checks")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("wrote outside the project: %v", entries)
	}
}

func TestPrintableEscapesTerminalControls(t *testing.T) {
	for in, want := range map[string]string{
		"lib/shop_web/router.ex": "lib/shop_web/router.ex",
		"a\x1b[2Jb":              `a\u001b[2Jb`,
		"x\ny":                   `x\u000ay`,
		"\xff\xfeok":             `\xff\xfeok`,
		"café":                   "café",
		"\u009b31m":              `\u009b31m`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
