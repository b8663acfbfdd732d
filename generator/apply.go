package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ApplyError names the file that could not be written and says exactly what was rolled back
// and what could not be.
type ApplyError struct {
	Path string
	Err  error
	// Restored lists the files written before the failure and put back as they were (or
	// removed, when they were new).
	Restored []string
	// NotRestored lists, as "path: why", what could not be put back: the project is not as it
	// was, and these need a look by hand.
	NotRestored []string
}

func (e *ApplyError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Path, e.Err)
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

// Apply writes the changes that write (create, overwrite, patch) under root. Every path is
// checked first; each file is written to a temporary file and renamed into place. When a write
// fails, the files already written are restored, so the project is never left half-written.
func Apply(root string, changes []Change) error { return apply(root, changes, osFiles{}) }

// files are the file operations Apply needs; tests replace them to inject faults.
type files interface {
	write(full string, content []byte, mode fs.FileMode) error
	remove(full string) error
}

type osFiles struct{}

func (osFiles) write(full string, content []byte, mode fs.FileMode) error {
	return atomicWrite(full, content, mode)
}
func (osFiles) remove(full string) error { return os.Remove(full) }

func apply(root string, changes []Change, ops files) error {
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	rootReal, err := filepath.EvalSymlinks(rootAbs)
	if err != nil {
		return err
	}
	// Preflight: every destination must stay inside the project.
	for _, c := range changes {
		if !c.Writes() {
			continue
		}
		if _, err := safePath(rootReal, c.Path); err != nil {
			return &ApplyError{Path: c.Path, Err: err}
		}
	}
	var done []undo
	for _, c := range changes {
		if !c.Writes() {
			continue
		}
		u, err := writeOne(rootReal, c, ops)
		if err != nil {
			restored, notRestored := rollback(rootReal, done, ops)
			return &ApplyError{Path: c.Path, Err: err, Restored: restored, NotRestored: notRestored}
		}
		done = append(done, u)
	}
	return nil
}

// safePath resolves rel under root and refuses anything that would leave it, including through
// a symbolic link in an existing parent directory.
func safePath(root, rel string) (string, error) {
	if rel == "" || filepath.IsAbs(rel) || strings.HasPrefix(filepath.Clean(filepath.FromSlash(rel)), "..") {
		return "", errors.New("refusing a path outside the project root")
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	// Find the deepest existing ancestor and make sure its real location is inside root.
	dir := filepath.Dir(full)
	for {
		if _, err := os.Lstat(dir); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
		return "", fmt.Errorf("refusing to write through %s, which leads outside the project root", dir)
	}
	if st, err := os.Lstat(full); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return "", errors.New("refusing to replace a symbolic link")
	}
	return full, nil
}

type undo struct {
	path    string
	old     []byte
	oldMode fs.FileMode
	existed bool
	dirs    []string // directories created, deepest first
}

func writeOne(root string, c Change, ops files) (undo, error) {
	full, err := safePath(root, c.Path)
	if err != nil {
		return undo{}, err
	}
	u := undo{path: full}
	if st, err := os.Stat(full); err == nil {
		if !st.Mode().IsRegular() {
			return u, errors.New("exists and is not a regular file")
		}
		u.existed = true
		u.oldMode = st.Mode().Perm()
		if u.old, err = os.ReadFile(full); err != nil {
			return u, err
		}
	}
	// Create missing parents, remembering them for rollback.
	for dir := filepath.Dir(full); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		u.dirs = append(u.dirs, dir)
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return u, err
	}
	mode := c.Mode
	if mode == 0 {
		mode = 0o644
	}
	if u.existed && c.Mode&0o111 == 0 {
		mode = u.oldMode // keep the mode the user chose for an existing file
	}
	return u, ops.write(full, c.Content, mode)
}

func atomicWrite(full string, content []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".phxdeploy-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, werr := tmp.Write(content)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(name, mode)); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, full); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// rollback undoes the writes in done, last first, and says which files it restored and which it
// could not.
func rollback(root string, done []undo, ops files) (restored, notRestored []string) {
	for i := len(done) - 1; i >= 0; i-- {
		u := done[i]
		rel, _ := filepath.Rel(root, u.path)
		rel = filepath.ToSlash(rel)
		var err error
		if u.existed {
			err = ops.write(u.path, u.old, u.oldMode)
		} else {
			err = ops.remove(u.path)
			for _, d := range u.dirs {
				if os.Remove(d) != nil { // only succeeds when empty
					break
				}
			}
		}
		if err != nil && !(errors.Is(err, fs.ErrNotExist) && !u.existed) {
			notRestored = append(notRestored, rel+": "+err.Error())
			continue
		}
		restored = append(restored, rel)
	}
	return restored, notRestored
}
