// Package safefs is how phxdeploy touches a directory it was given (the project, a template
// layer): opened once, every path resolved inside it (os.Root: openat, never through a symbolic
// link that leaves it, whatever is swapped in meanwhile), only regular files read, each up to
// MaxFileSize, and nothing read from /proc, /sys or /dev. A FIFO, a device or a huge file in
// place of mix.exs is an error naming the file, never a hang or a read of gigabytes.
package safefs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// MaxFileSize is the largest file phxdeploy reads (the largest real router seen is about 1 MB).
const MaxFileSize = 8 << 20

// Error names a file or directory phxdeploy will not read or write, why, and the fix.
type Error struct {
	Path    string
	Problem string
	Fix     string
}

func (e *Error) Error() string {
	s := e.Path + ": " + e.Problem
	if e.Fix != "" {
		s += "\n  fix: " + e.Fix
	}
	return s
}

// Dir is a directory opened once.
type Dir struct {
	root *os.Root
	path string // absolute, symbolic links resolved
}

// special are the file systems whose files are not files.
var special = []string{"/proc", "/sys", "/dev"}

// Open opens dir. The directory itself may be reached through a symbolic link; nothing inside it
// may lead out.
func Open(dir string) (*Dir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, &Error{Path: dir, Problem: "no such directory", Fix: "give an existing directory"}
	}
	for _, s := range special {
		if real == s || strings.HasPrefix(real, s+"/") {
			return nil, &Error{Path: dir, Problem: "is in " + s + ", whose files are not files", Fix: "give a directory of regular files"}
		}
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, &Error{Path: dir, Problem: "cannot be read: " + unwrap(err)}
	}
	if !st.IsDir() {
		return nil, &Error{Path: dir, Problem: "not a directory", Fix: "give a directory"}
	}
	root, err := os.OpenRoot(real)
	if err != nil {
		return nil, &Error{Path: dir, Problem: "cannot be opened: " + unwrap(err)}
	}
	return &Dir{root: root, path: real}, nil
}

// Path is the directory's absolute path, symbolic links resolved.
func (d *Dir) Path() string { return d.path }

// Root is the opened directory, for writers.
func (d *Dir) Root() *os.Root { return d.root }

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// clean checks a slash-separated relative name.
func clean(name string) (string, error) {
	if name == "" || !fs.ValidPath(name) {
		return "", &Error{Path: name, Problem: "is not a path inside the directory"}
	}
	return name, nil
}

func unwrap(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// explain turns an os.Root error into one that says what happened.
func (d *Dir) explain(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return err
	}
	msg := unwrap(err)
	if strings.Contains(msg, "escapes") || strings.Contains(msg, "symbolic link") || errors.Is(err, syscall.ELOOP) {
		return &Error{Path: name, Problem: "leads outside " + d.path + " through a symbolic link (or is an absolute link)",
			Fix: "replace the link with the file itself, or a relative link that stays inside"}
	}
	return &Error{Path: name, Problem: "cannot be read: " + msg}
}

// ReadFile reads a regular file of at most MaxFileSize. A missing file is fs.ErrNotExist; anything
// else that is not a plain, reachable, small enough file is an *Error.
func (d *Dir) ReadFile(name string) ([]byte, error) {
	name, err := clean(name)
	if err != nil {
		return nil, err
	}
	// O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked right after.
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, d.explain(name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, d.explain(name, err)
	}
	if st.IsDir() {
		return nil, &Error{Path: name, Problem: "is a directory, not a file"}
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: name, Problem: fmt.Sprintf("is not a regular file (%s); phxdeploy reads only files", kind(st.Mode())),
			Fix: "put the file itself there"}
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Nlink > 1 {
		return nil, &Error{Path: name, Problem: "is a hard link (it has other names, which may lie outside); phxdeploy reads only files with one name",
			Fix: "put a copy of the file there"}
	}
	if st.Size() > MaxFileSize {
		return nil, tooLarge(name, st.Size())
	}
	b, err := readAll(io.LimitReader(f, MaxFileSize+1), st.Size())
	if err != nil {
		return nil, d.explain(name, err)
	}
	if len(b) > MaxFileSize {
		return nil, tooLarge(name, int64(len(b)))
	}
	return b, nil
}

// readAll is io.ReadAll into a buffer of the size the file has (plus a byte to see the end
// without growing it): a large file is read in one piece instead of a dozen growing copies.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, size+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) { // the file grew since Stat
			b = append(b, 0)[:len(b)]
		}
	}
}

func tooLarge(name string, size int64) error {
	return &Error{Path: name, Problem: fmt.Sprintf("is %.1f MiB; phxdeploy reads files up to %d MiB", float64(size)/(1<<20), MaxFileSize>>20),
		Fix: "check that this is the file you mean (a generated or vendored file has no place here)"}
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// Stat follows symbolic links that stay inside the directory.
func (d *Dir) Stat(name string) (fs.FileInfo, error) {
	name, err := clean(name)
	if err != nil {
		return nil, err
	}
	st, err := d.root.Stat(name)
	if err != nil {
		return nil, d.explain(name, err)
	}
	return st, nil
}

// Lstat does not follow a final symbolic link.
func (d *Dir) Lstat(name string) (fs.FileInfo, error) {
	name, err := clean(name)
	if err != nil {
		return nil, err
	}
	st, err := d.root.Lstat(name)
	if err != nil {
		return nil, d.explain(name, err)
	}
	return st, nil
}

// IsFile reports whether name is a regular file inside the directory.
func (d *Dir) IsFile(name string) bool {
	st, err := d.Stat(name)
	return err == nil && st.Mode().IsRegular()
}

// IsDir reports whether name is a directory inside the directory.
func (d *Dir) IsDir(name string) bool {
	st, err := d.Stat(name)
	return err == nil && st.IsDir()
}

// Exists reports whether something (even a broken link) is at name.
func (d *Dir) Exists(name string) bool {
	_, err := d.Lstat(name)
	return !errors.Is(err, fs.ErrNotExist)
}

// ReadDir lists a directory inside the directory, sorted by name.
func (d *Dir) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(d.root.FS(), name)
	if err != nil {
		return nil, d.explain(name, err)
	}
	return entries, nil
}

// FS is the directory as an fs.FS whose ReadFile is Dir.ReadFile: templates and the plan read
// through it.
func (d *Dir) FS() fs.FS { return dirFS{d} }

type dirFS struct{ d *Dir }

func (f dirFS) Open(name string) (fs.File, error) {
	st, err := f.d.Stat(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		return nil, &Error{Path: name, Problem: fmt.Sprintf("is not a regular file (%s)", kind(st.Mode()))}
	}
	return f.d.root.FS().Open(name)
}

func (f dirFS) ReadFile(name string) ([]byte, error)       { return f.d.ReadFile(name) }
func (f dirFS) ReadDir(name string) ([]fs.DirEntry, error) { return f.d.ReadDir(name) }
func (f dirFS) Stat(name string) (fs.FileInfo, error)      { return f.d.Stat(name) }

// Join joins slash-separated path elements, for names inside a Dir.
func Join(elem ...string) string { return path.Join(elem...) }

// Sub opens a directory inside d; like every path in d, it cannot lead outside.
func (d *Dir) Sub(name string) (*Dir, error) {
	name, err := clean(name)
	if err != nil {
		return nil, err
	}
	r, err := d.root.OpenRoot(name)
	if err != nil {
		return nil, d.explain(name, err)
	}
	return &Dir{root: r, path: filepath.Join(d.path, filepath.FromSlash(name))}, nil
}

// Lock takes an advisory lock on the directory itself (flock on its descriptor, so that nothing
// is created in it): exclusive for a run that writes, shared for one that only reads, so that
// runs on one project are serialised and a read never sees half of another run's writes. It
// waits up to wait (calling blocked once when it starts waiting), then fails naming the
// directory; a cancelled ctx stops the wait.
func (d *Dir) Lock(ctx context.Context, exclusive bool, wait time.Duration, blocked func()) (unlock func(), err error) {
	f, err := d.root.Open(".")
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, &Error{Path: d.path, Problem: fmt.Sprintf("another phxdeploy run has been working on this project for over %s", wait),
					Fix: "wait for it to finish, then run again"}
			}
			return nil, &Error{Path: d.path, Problem: "cannot be locked: " + err.Error()}
		}
		if blocked != nil {
			blocked() // once, at the first wait
			blocked = nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, context.Cause(ctx)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
