package generator

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/merge"
)

// BaseDir keeps, for every file phxdeploy rendered, what it rendered last: the base of the
// three-way merge `phxdeploy update` does with the user's version and the new rendering.
const BaseDir = ".phxdeploy/base"

// basePath is where the merge base of rel is kept.
func basePath(rel string) string { return path.Join(BaseDir, rel) }

// ConflictStyle is how update leaves overlapping changes.
type ConflictStyle string

const (
	ConflictMarkers ConflictStyle = "markers" // conflict markers in the file
	ConflictRej     ConflictStyle = "rej"     // the file as the user has it; the new hunks beside it in <file>.rej
)

// readBase reads the merge base of rel ("" and false when there is none, or it cannot be read:
// then the file is treated as one phxdeploy did not write).
func readBase(root fs.FS, rel string) ([]byte, bool) {
	b, exists, unreadable := readExisting(root, basePath(rel))
	return b, exists && unreadable == ""
}

// updateChange decides what update does with a rendered file, from the three versions: the
// base (what phxdeploy rendered last), the user's (old, on disk) and the new rendering.
func updateChange(root fs.FS, rel string, old []byte, exists bool, rendered []byte, mode fs.FileMode, opts PlanOptions) []Change {
	base, hasBase := readBase(root, rel)
	c := Change{Path: rel, Mode: mode, Content: rendered, Old: old}
	switch {
	case !exists && hasBase && !opts.Forces(rel):
		c.Action, c.Content = Deleted, nil
		c.Reason = "deleted since phxdeploy wrote it: it stays deleted (--force " + rel + " writes it again)"
	case !exists:
		c.Action, c.Old = Create, nil
	case bytes.Equal(old, rendered):
		c.Action = Identical
	case !hasBase:
		// Not written by phxdeploy (or before it kept bases): as init, a conflict.
		c = compare(rel, old, exists, rendered, mode, opts)
		if c.Action == Conflict {
			c.Reason = "phxdeploy has no record of writing it (no " + basePath(rel) + "): compare with --dry-run, replace it with --force " + rel
		}
	case hasMarkers(old):
		c.Action, c.Unresolved = Conflict, true
		c.Reason = "it still has the conflict markers of an earlier update: resolve them, then run phxdeploy update again"
	case bytes.Equal(old, base):
		c.Action = Update
	case bytes.Equal(rendered, base):
		c.Action, c.Content = Yours, old
		c.Reason = "edited since phxdeploy wrote it; phxdeploy's version has not changed"
	case opts.Forces(rel):
		c.Action = Overwrite
	default:
		r := merge.Merge(string(base), string(old), string(rendered), merge.Options{
			Mode: map[bool]merge.Mode{true: merge.Rej, false: merge.Markers}[opts.Conflict == ConflictRej],
			Name: rel, OursLabel: "yours", TheirsLabel: "phxdeploy", BaseLabel: "phxdeploy's last",
		})
		c.Content = []byte(r.Text)
		if r.Conflicts == 0 {
			c.Action = Merge
			break
		}
		c.Action, c.Merged = Conflict, true
		if opts.Conflict == ConflictRej {
			c.Reason = fmt.Sprintf("%d change(s) of phxdeploy's overlap yours: the file keeps yours, phxdeploy's are in %s.rej", r.Conflicts, rel)
			return []Change{c, {Path: rel + ".rej", Action: Create, Mode: 0o644, Content: []byte(r.Rejects)}}
		}
		c.Reason = fmt.Sprintf("%d change(s) of phxdeploy's overlap yours: resolve the conflict markers in it", r.Conflicts)
	}
	return []Change{c}
}

// baseChange keeps rendered as the merge base of a file once the file holds phxdeploy's
// rendering, or a merge with it: nil when the base is already that, or the file is not
// phxdeploy's (a conflict without a base, a deleted file, a file the user edited and
// phxdeploy's version has not changed).
func baseChange(root fs.FS, c Change, rendered []byte) *Change {
	switch c.Action {
	case Create, Overwrite, Identical, Update, Merge:
	case Conflict:
		if !c.Merged {
			return nil
		}
	default:
		return nil
	}
	old, exists := readBase(root, c.Path)
	if exists && bytes.Equal(old, rendered) {
		return nil
	}
	b := Change{Path: basePath(c.Path), Action: Create, Mode: 0o644, Content: rendered, Bookkeeping: true}
	if exists {
		b.Action, b.Old = Overwrite, old
	}
	return &b
}

// Drift is what an update would change in a project: the changes that write (or that phxdeploy
// wrote and the user deleted), without the user's own edits, manual steps, bookkeeping and the
// saved answers' record.
func Drift(changes []Change) []Change {
	var out []Change
	for _, c := range changes {
		if c.Bookkeeping || c.Path == SavedAnswersFile || strings.HasSuffix(c.Path, ".rej") {
			continue
		}
		if c.Writes() || c.Action == Deleted || c.Unresolved {
			out = append(out, c)
		}
	}
	return out
}

// hasMarkers reports whether a file has the conflict markers update writes (a line that starts
// "<<<<<<< yours" and one that starts ">>>>>>> phxdeploy").
func hasMarkers(b []byte) bool {
	start := bytes.Index(b, []byte("<<<<<<< yours"))
	return start >= 0 && (start == 0 || b[start-1] == '\n') && bytes.Contains(b[start:], []byte("\n>>>>>>> phxdeploy"))
}
