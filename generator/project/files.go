package project

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/safefs"
)

// files reads the project through safefs (inside the project, regular files only, bounded), and
// names every file in errors the way the user gave the directory.
type files struct {
	d    *safefs.Dir
	show string // the directory as given, for messages
}

// name is how a message shows a file of the project.
func (f *files) name(rel string) string { return filepath.Join(f.show, filepath.FromSlash(rel)) }

// read returns a file's content; a missing file is (nil, false, nil), anything else that cannot
// be read is an error naming the file.
func (f *files) read(rel string) ([]byte, bool, error) {
	b, err := f.d.ReadFile(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case err != nil:
		var se *safefs.Error
		if errors.As(err, &se) {
			return nil, false, &Error{Path: f.name(rel), Msg: se.Problem, Fix: se.Fix}
		}
		return nil, false, &Error{Path: f.name(rel), Msg: "cannot be read: " + err.Error()}
	}
	return b, true, nil
}

// code returns the code tokens of an Elixir file (nil when it does not exist). A file that
// exists but cannot be read, or read as Elixir, is an error naming it.
func (f *files) code(rel string) ([]elixir.Token, error) {
	b, ok, err := f.read(rel)
	if err != nil || !ok {
		return nil, err
	}
	code, err := elixir.ScanCode(string(b))
	if err != nil {
		return nil, &Error{Path: f.name(rel), Msg: "cannot be read as Elixir (" + err.Error() + ")", Fix: "check that it compiles; if it does, please report this"}
	}
	return code, nil
}

func (f *files) isDir(rel string) bool  { return f.d.IsDir(rel) }
func (f *files) isFile(rel string) bool { return f.d.IsFile(rel) }

// walk calls fn for every .ex file under dir (relative), in lexical order.
func (f *files) walk(dir string, fn func(rel string) (stop bool, err error)) error {
	if !f.isDir(dir) {
		return nil
	}
	stopped := errors.New("stop")
	err := fs.WalkDir(f.d.FS(), dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return &Error{Path: f.name(p), Msg: "cannot be read: " + err.Error()}
		}
		if e.IsDir() || !strings.HasSuffix(p, ".ex") {
			return nil
		}
		stop, err := fn(p)
		if err != nil {
			return err
		}
		if stop {
			return stopped
		}
		return nil
	})
	if errors.Is(err, stopped) {
		return nil
	}
	return err
}

// walkOpen is walk with each file's own directory opened (a safefs.Dir of its own): stat and
// read a file through it by its name cost one system call to open, where the project's root
// resolves every component of the path again. fn gets the file's directory, its path in the
// project and its name; where a directory cannot be opened or listed that way, its files are
// visited as walk visits them (dir nil), so that errors read as they always have.
func (f *files) walkOpen(dir string, fn func(d *safefs.Dir, rel, name string) (stop bool, err error)) error {
	if !f.isDir(dir) {
		return nil
	}
	_, err := f.walkIn(dir, fn)
	return err
}

func (f *files) walkIn(dir string, fn func(d *safefs.Dir, rel, name string) (stop bool, err error)) (bool, error) {
	slow := func() (bool, error) {
		stopped := false
		err := f.walk(dir, func(rel string) (bool, error) {
			stop, err := fn(nil, rel, path.Base(rel))
			stopped = stopped || stop
			return stop, err
		})
		return stopped, err
	}
	d, err := f.d.Sub(dir)
	if err != nil {
		return slow()
	}
	defer d.Close()
	entries, err := d.ReadDir(".")
	if err != nil {
		return slow()
	}
	for _, e := range entries {
		rel := dir + "/" + e.Name()
		if e.IsDir() {
			if stop, err := f.walkIn(rel, fn); stop || err != nil {
				return stop, err
			}
			continue
		}
		if !strings.HasSuffix(rel, ".ex") {
			continue
		}
		if stop, err := fn(d, rel, e.Name()); stop || err != nil {
			return stop, err
		}
	}
	return false, nil
}

// join joins slash-separated path elements ("" elements are dropped).
func join(elem ...string) string { return path.Join(elem...) }
