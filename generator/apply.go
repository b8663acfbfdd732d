package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/phxdeploy/phxdeploy/generator/safefs"
	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// ApplyError names the file that could not be written and says exactly what was rolled back
// and what could not be.
type ApplyError struct {
	Path string // the file that failed ("" when the run was interrupted between files)
	Err  error
	// Restored lists the files written before the failure and put back as they were (or
	// removed, when they were new).
	Restored []string
	// NotRestored lists, as "path: why", what could not be put back: the project is not as it
	// was, and these need a look by hand.
	NotRestored []string
}

func (e *ApplyError) Error() string {
	msg := e.Err.Error()
	if i, ok := e.Err.(*Interrupted); ok {
		msg = i.what() // what was restored follows
	}
	if e.Path != "" {
		msg = e.Path + ": " + msg
	}
	if len(e.NotRestored) == 0 {
		msg += "\n  nothing was written: every file is as it was"
		if len(e.Restored) > 0 {
			msg += " (restored: " + strings.Join(e.Restored, ", ") + ")"
		}
		return msg
	}
	if len(e.Restored) > 0 {
		msg += "\n  restored: " + strings.Join(e.Restored, ", ")
	}
	return msg + "\n  NOT restored, check these by hand:\n    " + strings.Join(e.NotRestored, "\n    ")
}

func (e *ApplyError) Unwrap() error { return e.Err }

// Interrupted is the error of a run stopped by its context (SIGINT, SIGTERM): the file in
// flight was finished or never begun, and everything written before it was rolled back.
type Interrupted struct{ Cause error }

// Error says that nothing was written: a run stops before writing, or restores what it wrote
// (an ApplyError then says what it restored).
func (e *Interrupted) Error() string { return e.what() + ": nothing was written" }

func (e *Interrupted) what() string  { return "interrupted (" + e.Cause.Error() + ")" }
func (e *Interrupted) Unwrap() error { return e.Cause }

// Apply writes the changes that write (create, overwrite, patch) under root.
func Apply(root string, changes []Change) error {
	return ApplyContext(context.Background(), root, changes)
}

// ApplyContext writes the changes that write under root, the only code in phxdeploy that does.
// The directory is opened once and every path is resolved inside it (os.Root), so that no
// symbolic link, even one swapped in while phxdeploy runs, can lead a write outside. Every path
// is checked before the first write; each file is written to a temporary file in its directory,
// synced and renamed into place, keeping the mode, owner and group of the file it replaces. When
// a write fails or ctx is cancelled between two files, the files already written are restored,
// and the error says exactly what was restored and what could not be.
func ApplyContext(ctx context.Context, root string, changes []Change) error {
	return apply(ctx, root, changes, osDisk{})
}

// disk is what Apply does to files; tests replace it to inject faults (ENOSPC at the n-th write).
type disk interface {
	// write replaces rel atomically with content (mode and owner given).
	write(r *os.Root, rel string, content []byte, mode fs.FileMode, uid, gid int) error
	remove(r *os.Root, rel string) error
}

type osDisk struct{}

var tempSeq atomic.Uint64

// tempPrefix marks phxdeploy's temporary files: .<name>.phxdeploy-<pid>-<n>.
const tempPrefix = ".phxdeploy-"

var tempRe = lazyre.New(`^\..+\.phxdeploy-[0-9]+(-[0-9]+)?$`)

func (osDisk) write(r *os.Root, rel string, content []byte, mode fs.FileMode, uid, gid int) error {
	dir, base := path.Split(rel)
	var tmp string
	var f *os.File
	var err error
	for range 10 {
		tmp = fmt.Sprintf("%s.%s%s%d-%d", dir, base, tempPrefix, os.Getpid(), tempSeq.Add(1))
		f, err = r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	_, werr := f.Write(content)
	err = errors.Join(werr, f.Chmod(mode))
	if err == nil && uid >= 0 {
		err = f.Chown(uid, gid)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = r.Rename(tmp, rel)
	}
	if err != nil {
		r.Remove(tmp)
		return err
	}
	// The rename is durable once the directory is synced.
	if d, err := r.Open(path.Dir(rel)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func (osDisk) remove(r *os.Root, rel string) error { return r.Remove(rel) }

// undo is what it takes to put one written file back.
type undo struct {
	rel      string
	old      []byte
	oldMode  fs.FileMode
	uid, gid int
	existed  bool
	dirs     []string // directories created for it, deepest first
}

func apply(ctx context.Context, root string, changes []Change, d disk) error {
	dir, err := safefs.Open(root)
	if err != nil {
		return err
	}
	defer dir.Close()
	r := dir.Root()
	// Preflight: every destination must be a plain path inside the project, and not a link.
	for _, c := range changes {
		if !c.Writes() {
			continue
		}
		if err := preflight(r, c.Path); err != nil {
			return &ApplyError{Path: c.Path, Err: err}
		}
	}
	var done []undo
	for _, c := range changes {
		if !c.Writes() {
			continue
		}
		if ctx.Err() != nil {
			restored, notRestored := rollback(r, done, d)
			return &ApplyError{Err: &Interrupted{Cause: context.Cause(ctx)}, Restored: restored, NotRestored: notRestored}
		}
		u, err := writeOne(r, c, d)
		if err != nil {
			restored, notRestored := rollback(r, done, d)
			return &ApplyError{Path: c.Path, Err: err, Restored: restored, NotRestored: notRestored}
		}
		done = append(done, u)
	}
	return nil
}

func preflight(r *os.Root, rel string) error {
	if !fs.ValidPath(rel) || rel == "." {
		return errors.New("refusing a path outside the project root")
	}
	st, err := r.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("refusing to write through it: %v", unwrapPath(err))
	case st.Mode()&fs.ModeSymlink != 0:
		return errors.New("refusing to replace a symbolic link")
	case !st.Mode().IsRegular():
		return errors.New("exists and is not a regular file")
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func writeOne(r *os.Root, c Change, d disk) (undo, error) {
	u := undo{rel: c.Path, uid: -1, gid: -1}
	if err := preflight(r, c.Path); err != nil { // again: things change between files
		return u, err
	}
	if st, err := r.Lstat(c.Path); err == nil {
		u.existed = true
		u.oldMode = st.Mode().Perm()
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			u.uid, u.gid = int(sys.Uid), int(sys.Gid)
		}
		if u.old, err = r.ReadFile(c.Path); err != nil {
			return u, err
		}
	}
	// Create missing parents, remembering them for rollback.
	parts := strings.Split(c.Path, "/")
	for i := 1; i < len(parts); i++ {
		p := strings.Join(parts[:i], "/")
		st, err := r.Stat(p)
		if err == nil {
			if !st.IsDir() {
				removeDirs(r, u.dirs)
				return u, fmt.Errorf("%s is not a directory", p)
			}
			continue
		}
		if err := r.Mkdir(p, 0o755); err != nil {
			removeDirs(r, u.dirs)
			return u, err
		}
		u.dirs = append([]string{p}, u.dirs...)
	}
	mode := c.Mode
	if mode == 0 {
		mode = 0o644
	}
	if u.existed && c.Mode&0o111 == 0 {
		mode = u.oldMode // keep the mode the user chose for an existing file
	}
	if err := d.write(r, c.Path, c.Content, mode, u.uid, u.gid); err != nil {
		removeDirs(r, u.dirs)
		return u, err
	}
	return u, nil
}

// removeDirs removes directories phxdeploy created, deepest first, as long as they are empty.
func removeDirs(r *os.Root, dirs []string) {
	for _, dir := range dirs {
		if r.Remove(dir) != nil {
			return
		}
	}
}

// rollback undoes the writes in done, last first, and says which files it restored and which it
// could not.
func rollback(r *os.Root, done []undo, d disk) (restored, notRestored []string) {
	for i := len(done) - 1; i >= 0; i-- {
		u := done[i]
		var err error
		if u.existed {
			err = d.write(r, u.rel, u.old, u.oldMode, u.uid, u.gid)
		} else {
			err = d.remove(r, u.rel)
			if errors.Is(err, fs.ErrNotExist) {
				err = nil
			}
			removeDirs(r, u.dirs)
		}
		if err != nil {
			notRestored = append(notRestored, u.rel+": "+unwrapPath(err).Error())
			continue
		}
		restored = append(restored, u.rel)
	}
	return restored, notRestored
}

// CleanTemps removes the temporary files an interrupted phxdeploy left (killed between creating
// one and renaming it) beside the files the changes write, and returns their paths: only
// `.<name>.phxdeploy-<digits>` where <name> is a file this run writes, so that nothing else is
// ever removed. Runs are serialised by the project lock, so no other run's file is in flight.
func CleanTemps(root string, changes []Change) []string {
	dir, err := safefs.Open(root)
	if err != nil {
		return nil
	}
	defer dir.Close()
	var removed []string
	for _, c := range changes {
		if !c.Writes() && c.Action != Identical {
			continue
		}
		parent, base := path.Split(c.Path)
		entries, err := dir.ReadDir(path.Clean("./" + parent))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), "."+base+tempPrefix) || !tempRe.MatchString(e.Name()) {
				continue
			}
			rel := path.Join(parent, e.Name())
			if dir.Root().Remove(rel) == nil {
				removed = append(removed, rel)
			}
		}
	}
	return removed
}
