package safefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFileRefusesWhatIsNotAFileInside(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("SECRET_KEY_BASE=leaked"), 0o644); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "ok.exs"), []byte("import Config\n"), 0o644))
	must(os.Symlink(outside, filepath.Join(dir, "absolute")))
	rel, _ := filepath.Rel(dir, outside)
	must(os.Symlink(rel, filepath.Join(dir, "relative")))
	must(os.Symlink("/proc/self/environ", filepath.Join(dir, "environ")))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	must(os.Symlink("ok.exs", filepath.Join(dir, "inside")))
	big, err := os.Create(filepath.Join(dir, "big"))
	must(err)
	must(big.Truncate(MaxFileSize + 1))
	big.Close()

	d, err := Open(dir)
	must(err)
	defer d.Close()
	for name, want := range map[string]string{
		"absolute": "symbolic link", "relative": "outside", "environ": "symbolic link", "zero": "symbolic link",
		"fifo": "a FIFO", "big": "phxdeploy reads files up to 8 MiB",
	} {
		b, err := d.ReadFile(name)
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), want) || len(b) > 0 {
			t.Errorf("%s: read %q, err %v; want an error saying %q", name, b, err, want)
		}
	}
	if b, err := d.ReadFile("inside"); err != nil || string(b) != "import Config\n" {
		t.Errorf("a link that stays inside: %q %v", b, err)
	}
	if _, err := d.ReadFile("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if _, err := Open("/proc/self"); err == nil || !strings.Contains(err.Error(), "/proc") {
		t.Errorf("a directory in /proc: %v", err)
	}
}
