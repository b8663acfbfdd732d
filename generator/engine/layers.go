package engine

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"text/template"
	"text/template/parse"

	"github.com/phxdeploy/phxdeploy/generator/safefs"
	"github.com/phxdeploy/phxdeploy/templates"
)

// Layer is one source of templates. Layers are searched in order; the first that has a file
// wins.
type Layer struct {
	Name string // "project", "organization", "embedded"
	Dir  string // the directory on disk ("" for the embedded templates)
	FS   fs.FS
	dir  *safefs.Dir
}

// display names a file of the layer the way errors and listings show it.
func (l Layer) display(name string) string {
	if l.Dir == "" {
		return name
	}
	return filepath.Join(l.Dir, filepath.FromSlash(name))
}

// Embedded is the layer of templates built into phxdeploy.
func Embedded() Layer { return Layer{Name: "embedded", FS: templates.FS} }

// shipped reports whether the layer is phxdeploy's embedded templates.
func (l Layer) shipped() bool { return l.Dir == "" && l.FS == fs.FS(templates.FS) }

// ProjectTemplatesDir is where a project keeps its own template overrides.
const ProjectTemplatesDir = ".phxdeploy/templates"

// LayerError names a template layer that cannot be used.
type LayerError struct {
	Dir string
	Err error
}

func (e *LayerError) Error() string {
	return fmt.Sprintf("template layer %s: %v\n  fix: pass an existing, readable directory to --templates (or PHXDEPLOY_TEMPLATES)", e.Dir, e.Err)
}

// Layers builds the lookup order: the project's .phxdeploy/templates (when it exists), each
// organization directory in the order given, the extra layers (a target's own templates), then
// the embedded templates. An organization directory that does not exist or cannot be read is an
// error, never a silent fallback. Layers are read through safefs: a template that is a symbolic
// link leading out of its layer, or a FIFO, is an error, never read. Close the engine built on
// them when done.
func Layers(projectDir string, orgDirs []string, extra ...Layer) ([]Layer, error) {
	var out []Layer
	fail := func(err error) ([]Layer, error) {
		closeLayers(out)
		return nil, err
	}
	if projectDir != "" {
		name := filepath.Join(projectDir, filepath.FromSlash(ProjectTemplatesDir))
		if _, err := os.Lstat(name); err == nil {
			proj, err := safefs.Open(projectDir)
			if err != nil {
				return fail(&LayerError{Dir: name, Err: err})
			}
			sub, err := proj.Sub(ProjectTemplatesDir)
			proj.Close()
			if err != nil {
				return fail(&LayerError{Dir: name, Err: err})
			}
			out = append(out, Layer{Name: "project", Dir: sub.Path(), FS: sub.FS(), dir: sub})
			if _, err := sub.ReadDir("."); err != nil {
				return fail(&LayerError{Dir: name, Err: err})
			}
		} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return fail(&LayerError{Dir: name, Err: err})
		}
	}
	for _, d := range orgDirs {
		st, err := os.Stat(d)
		if err != nil {
			return fail(&LayerError{Dir: d, Err: errors.Unwrap(err)})
		}
		if !st.IsDir() {
			return fail(&LayerError{Dir: d, Err: errors.New("not a directory")})
		}
		sd, err := safefs.Open(d)
		if err != nil {
			return fail(&LayerError{Dir: d, Err: err})
		}
		out = append(out, Layer{Name: "organization", Dir: sd.Path(), FS: sd.FS(), dir: sd})
		if _, err := sd.ReadDir("."); err != nil {
			return fail(&LayerError{Dir: d, Err: err})
		}
	}
	return append(append(out, extra...), Embedded()), nil
}

// closeLayers releases the directories of layers opened by Layers.
func closeLayers(layers []Layer) {
	for _, l := range layers {
		if l.dir != nil {
			l.dir.Close()
		}
	}
}

// Close releases the layer directories the engine reads from.
func (e *Engine) Close() { closeLayers(e.layers) }

// source of one template file in one layer.
type layerFile struct {
	layer      Layer
	name       string
	body       string
	blocksOnly bool // the file only defines blocks; the rest comes from a lower layer
}

// isBlocksOnly reports whether a template file has no content of its own besides {{define}}
// blocks (and blank text): it then overrides blocks of a lower layer's file of the same name.
func isBlocksOnly(file, body string, funcs template.FuncMap) (bool, error) {
	trees, err := parse.Parse(file, body, "", "", funcs, builtinFuncs())
	if err != nil {
		return false, err
	}
	root := trees[file]
	if root == nil || root.Root == nil {
		return true, nil
	}
	for _, n := range root.Root.Nodes {
		if t, ok := n.(*parse.TextNode); ok && strings.TrimSpace(string(t.Text)) == "" {
			continue
		}
		return false, nil
	}
	return true, nil
}

// builtinFuncs lists text/template's own functions and the ones Engine adds per template, so
// that parse.Parse accepts a template that calls them.
func builtinFuncs() map[string]any { return builtins() }

// builtins is made once: the parser only reads it.
var builtins = sync.OnceValue(func() map[string]any {
	m := map[string]any{}
	for _, n := range []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne", "include", "required"} {
		m[n] = func() {}
	}
	return m
})

// resolve finds the base file for name (the highest layer with a whole file) and the block-only
// overrides above it, lowest priority first.
func (e *Engine) resolve(name string) (base layerFile, overrides []layerFile, err error) {
	found := false
	for _, l := range e.layers {
		b, err := fs.ReadFile(l.FS, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return base, nil, &TemplateError{Name: l.display(name), Err: err}
		}
		f := layerFile{layer: l, name: name, body: string(b)}
		if l.Dir != "" { // embedded templates are always whole files
			if f.blocksOnly, err = isBlocksOnly(l.display(name), f.body, e.funcs); err != nil {
				return base, nil, &TemplateError{Name: l.display(name), Err: err}
			}
		}
		if f.blocksOnly && l.Dir != "" {
			overrides = append([]layerFile{f}, overrides...)
			continue
		}
		base, found = f, true
		break
	}
	if !found {
		return base, nil, &TemplateError{Name: name, Err: fs.ErrNotExist}
	}
	return base, overrides, nil
}

// TemplateNames lists every template name across the layers (partials included), sorted.
func (e *Engine) TemplateNames() ([]string, error) {
	seen := map[string]bool{}
	for _, l := range e.layers {
		err := fs.WalkDir(l.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p == BaseDir {
				return fs.SkipDir // export bookkeeping, not templates
			}
			if !d.IsDir() && strings.HasSuffix(p, ".tmpl") {
				seen[p] = true
			}
			return nil
		})
		if err != nil {
			return nil, &LayerError{Dir: l.display("."), Err: err}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// partialNames lists the partial names (_*.tmpl) of a directory across the layers, and the
// shared ones of common/, which every template can use.
func (e *Engine) partialNames(dir string) ([]string, error) {
	seen := map[string]bool{}
	for _, l := range e.layers {
		for _, d := range []string{dir, "common"} {
			matches, err := fs.Glob(l.FS, path.Join(d, "_*.tmpl"))
			if err != nil {
				return nil, err
			}
			for _, m := range matches {
				seen[m] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// Resolution says where a template comes from and which of its blocks are overridden.
type Resolution struct {
	Name      string   `json:"name"`
	Layer     string   `json:"layer"`
	File      string   `json:"file"`
	Blocks    []string `json:"blocks,omitempty"`    // the blocks the template defines
	Overrides []string `json:"overrides,omitempty"` // "block (file)" for each overridden block
	Stale     string   `json:"stale,omitempty"`     // why an exported override may be out of date
}

// Resolve reports where name comes from.
func (e *Engine) Resolve(name string) (Resolution, error) {
	base, overrides, err := e.resolve(name)
	if err != nil {
		return Resolution{}, err
	}
	r := Resolution{Name: name, Layer: base.layer.Name, File: base.layer.display(name)}
	r.Blocks = definedBlocks(base.body)
	for _, o := range overrides {
		for _, b := range definedBlocks(o.body) {
			r.Overrides = append(r.Overrides, b+" ("+o.layer.display(name)+")")
		}
	}
	r.Stale = e.staleness(base)
	return r, nil
}

// definedBlocks lists the names of the {{block}} and {{define}} templates a file defines.
func definedBlocks(body string) []string {
	trees, err := parse.Parse("probe", body, "", "", baseFuncs(), builtinFuncs())
	if err != nil {
		return nil
	}
	var out []string
	for n := range trees {
		if n != "probe" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// LayerRecords names the template layers an engine renders from, each with a digest of its
// files (paths and contents), for the record a project keeps of how its files were made: the
// embedded templates by phxdeploy's version alone, a directory by its base name (its path differs
// between machines) and digest.
func (e *Engine) LayerRecords() []string {
	var out []string
	for _, l := range e.layers {
		if l.Dir == "" {
			continue
		}
		h := sha256.New()
		_ = fs.WalkDir(l.FS, ".", func(name string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return nil
			}
			b, err := fs.ReadFile(l.FS, name)
			if err != nil {
				b = []byte("unreadable: " + err.Error())
			}
			fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
			h.Write(b)
			return nil
		})
		out = append(out, fmt.Sprintf("%s %s sha256:%x", l.Name, filepath.Base(l.Dir), h.Sum(nil)[:8]))
	}
	return out
}
