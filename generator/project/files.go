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

// join joins slash-separated path elements ("" elements are dropped).
func join(elem ...string) string { return path.Join(elem...) }
