package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"unsafe"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/engine"
	"github.com/phxdeploy/phxdeploy/generator/patch"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/safefs"
	"github.com/phxdeploy/phxdeploy/generator/target"
	"github.com/phxdeploy/phxdeploy/internal/parallel"
)

// Action says what Apply does (or did) with a path.
type Action string

const (
	Create    Action = "create"    // the file does not exist
	Identical Action = "identical" // the file exists with exactly this content
	Conflict  Action = "conflict"  // the file exists and differs; left untouched
	Overwrite Action = "overwrite" // the file exists and differs; replaced (--force)
	Patch     Action = "patch"     // the file is edited in place
	Manual    Action = "manual"    // phxdeploy cannot edit the file safely; Snippet says what to do
	Kept      Action = "kept"      // the project's own file, which the other files follow; Reason says how
	// update's actions, from the merge base phxdeploy keeps of each file it rendered:
	Update  Action = "update"  // untouched since phxdeploy wrote it; replaced with the new rendering
	Merge   Action = "merge"   // edited by the user and changed by phxdeploy, without overlap: merged
	Yours   Action = "yours"   // edited by the user; phxdeploy's version has not changed: left as it is
	Deleted Action = "deleted" // deleted since phxdeploy wrote it: stays deleted (unless --force)
)

// SavedAnswersFile is where the answers a person chose are kept.
const SavedAnswersFile = answers.SavedFile

// Change is one entry of a plan.
type Change struct {
	Path    string      `json:"path"` // slash-separated, relative to the project root
	Action  Action      `json:"action"`
	Mode    fs.FileMode `json:"-"`
	Content []byte      `json:"-"` // the new content (create, overwrite, patch, conflict)
	Old     []byte      `json:"-"` // the existing content, if any
	Reason  string      `json:"reason,omitempty"`
	Snippet string      `json:"snippet,omitempty"`
	// Merged: a conflict update wrote anyway, with conflict markers (or the user's version with
	// phxdeploy's other changes, the overlapping ones in a .rej file beside it).
	Merged bool `json:"merged,omitempty"`
	// Unresolved: the file still has the conflict markers of an earlier update.
	Unresolved bool `json:"unresolved,omitempty"`
	// Bookkeeping: phxdeploy's own record (a merge base), not shown in reports and diffs.
	Bookkeeping bool `json:"-"`
}

// Writes reports whether Apply writes this change.
func (c *Change) Writes() bool {
	switch c.Action {
	case Create, Overwrite, Patch, Update, Merge:
		return true
	case Conflict:
		return c.Merged
	}
	return false
}

// PlanOptions adjust how existing files are treated.
type PlanOptions struct {
	// Update merges each rendered file with the user's version, from the base kept of it
	// (phxdeploy update); Conflict is how overlapping changes are left.
	Update   bool
	Conflict ConflictStyle

	Force bool     // replace differing files instead of reporting a conflict
	Paths []string // replace these files only (--force with paths)
}

// Forces reports whether the options replace the file at rel.
func (o PlanOptions) Forces(rel string) bool { return o.Force || o.Names(rel) }

// Names reports whether --force names the file at rel: only then are the files the project
// keeps (its own Dockerfile, its env.sh that names the nodes) replaced.
func (o PlanOptions) Names(rel string) bool { return slices.Contains(o.Paths, rel) }

// Plan renders every file the selected targets need and compares it with what the project has;
// existing files that phxdeploy edits in place are patched. It reads the project through root
// and writes nothing.
func Plan(reg *target.Registry, p *project.Project, d *target.Data, eng *engine.Engine, root fs.FS, opts PlanOptions) ([]Change, error) {
	files := reg.Files(d)
	// Each file is rendered and compared on its own (the engine, the parser's cache and the
	// project's directory are safe to share; the data is only read), on as many cores as there
	// are, and the changes are kept in the files' order.
	type planned struct {
		changes []Change
		err     error
	}
	out := make([]planned, len(files))
	parallel.Each(len(files), func(i int) {
		out[i].changes, out[i].err = planFile(files[i], d, eng, root, opts)
	})
	var changes []Change
	for _, o := range out {
		if o.err != nil {
			return nil, o.err
		}
		changes = append(changes, o.changes...)
	}
	for _, e := range reg.Edits(p, d) {
		file := e.Path(p, d)
		var old []byte
		exists := false
		if src, ok := p.Content(file); ok {
			old, exists = unsafe.Slice(unsafe.StringData(src), len(src)), true // only read
		} else if file != "" {
			var unreadable string
			if old, exists, unreadable = readExisting(root, file); unreadable != "" {
				changes = append(changes, Change{Path: file, Action: Manual, Reason: unreadable})
				continue
			}
		}
		if !exists {
			if e.Missing != nil {
				reason, snippet := e.Missing(d)
				if file == "" {
					file = "(not found)"
				}
				changes = append(changes, Change{Path: file, Action: Manual, Reason: reason, Snippet: snippet})
			}
			continue
		}
		changes = append(changes, patchChange(file, old, func(src string) (string, error) { return e.Patch(src, file, p, d) }))
	}
	return changes, nil
}

// planFile renders one file and compares it with the project's: its changes (the file's, then
// the base kept of it).
func planFile(f target.File, d *target.Data, eng *engine.Engine, root fs.FS, opts PlanOptions) ([]Change, error) {
	content, err := eng.Render(f.Template, d)
	if err != nil {
		return nil, err
	}
	dest := f.Path(d)
	old, exists, unreadable := readExisting(root, dest)
	if unreadable != "" {
		return []Change{{Path: dest, Action: Conflict, Reason: unreadable}}, nil
	}
	switch {
	case exists && f.Kept != nil && opts.Names(dest):
		// phxdeploy's file replaces the project's, as asked by name (Run has stopped
		// following the project's)
		return []Change{compare(dest, old, true, content, f.Mode, opts)}, nil
	case exists && f.Kept != nil && !bytes.Equal(old, content) && f.Kept(d) != "":
		return []Change{{Path: dest, Action: Kept, Mode: f.Mode, Content: content, Old: old, Reason: f.Kept(d)}}, nil
	}
	if f.Patch != nil && exists {
		return []Change{patchChange(dest, old, func(src string) (string, error) { return f.Patch(src, content, d) })}, nil
	}
	if f.Create != nil {
		out := patch.Verify(dest, string(content), func(src string) (string, error) { return f.Create(src, d) })
		if out.Manual != nil {
			return nil, fmt.Errorf("%s (from %s): %s", dest, f.Template, out.Manual.Reason)
		}
		content = []byte(out.Content)
	}
	var cs []Change
	if opts.Update {
		cs = updateChange(root, dest, old, exists, content, f.Mode, opts)
	} else {
		cs = []Change{compare(dest, old, exists, content, f.Mode, opts)}
		if cs[0].Action == Conflict {
			switch base, ok := readBase(root, dest); {
			case ok && bytes.Equal(base, old):
				// untouched since phxdeploy wrote it: nothing of the user's to lose
				cs[0].Action, cs[0].Reason = Update, ""
			case ok:
				cs[0].Reason = "edited since phxdeploy wrote it: phxdeploy update merges the new version with yours"
			}
		}
	}
	if b := baseChange(root, cs[0], content); b != nil {
		cs = append(cs, *b)
	}
	return cs, nil
}

// patchChange runs a patcher through patch.Verify: a manual step, identical, or a checked patch.
//
// Neither old nor the content of a change is modified once read or made, so the text goes
// between []byte and string without a copy: a large router is 785 KB each way.
func patchChange(file string, old []byte, fn func(string) (string, error)) Change {
	c := Change{Path: file, Old: old, Mode: 0o644}
	out := patch.Verify(file, unsafe.String(unsafe.SliceData(old), len(old)), fn)
	switch {
	case out.Manual != nil:
		c.Action, c.Reason, c.Snippet = Manual, out.Manual.Reason, out.Manual.Snippet
	case out.Identical:
		c.Action, c.Content = Identical, old
	default:
		c.Action, c.Content = Patch, unsafe.Slice(unsafe.StringData(out.Content), len(out.Content))
		if c.Content == nil {
			c.Content = []byte{} // an empty file, not no content
		}
	}
	return c
}

// readExisting reads a file of the project that phxdeploy would write or edit. unreadable says
// why a file that is there cannot be read (a symbolic link leading out of the project, a FIFO, a
// file too large): such a file is never read, never shown and never replaced.
func readExisting(root fs.FS, rel string) (old []byte, exists bool, unreadable string) {
	old, err := fs.ReadFile(root, rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, ""
	case err != nil:
		var se *safefs.Error
		if errors.As(err, &se) {
			return nil, true, se.Problem + "; phxdeploy neither reads nor replaces it"
		}
		return nil, true, "cannot be read (" + err.Error() + "); phxdeploy neither reads nor replaces it"
	}
	return old, true, ""
}

func compare(rel string, old []byte, exists bool, content []byte, mode fs.FileMode, opts PlanOptions) Change {
	c := Change{Path: rel, Mode: mode, Content: content}
	switch {
	case !exists:
		c.Action = Create
	case bytes.Equal(old, content):
		c.Action = Identical
		c.Old = old
	default:
		c.Old = old
		if opts.Forces(rel) {
			c.Action = Overwrite
		} else {
			c.Action = Conflict
			c.Reason = "differs from what phxdeploy would write; left untouched (--force replaces it, --dry-run shows the difference)"
		}
	}
	return c
}

// Counts tallies the actions of a plan.
func Counts(changes []Change) map[Action]int {
	out := map[Action]int{}
	for _, c := range changes {
		out[c.Action]++
	}
	return out
}
