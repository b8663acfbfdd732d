// Package engine renders phxdeploy's templates from layers (the project's overrides, an
// organization's, the embedded ones): lookup by relative name, block-only overrides, hermetic
// functions, export of embedded templates and the staleness of exported copies.
package engine

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"
	"time"
)

// maxIncludeDepth bounds nested include calls so that a template that includes itself fails
// with a clear error instead of exhausting the stack.
const maxIncludeDepth = 32

// Engine renders templates from layers of template files, by their slash-separated relative
// name (for example "docker/Dockerfile.tmpl").
type Engine struct {
	layers []Layer
	funcs  template.FuncMap // built once: sprig's map is large
	// Budget bounds every render (zero fields: the defaults).
	Budget Budget

	// What every render of the engine shares, made on first use: the guarded functions, and
	// the partials of each directory, read and parsed once.
	mu       sync.Mutex
	guards   map[string]any
	partials map[string]*parsedFile
	dirs     map[string][]string
}

// parsedFile is a template file of the layers, parsed, with the block-only overrides above it
// (lowest priority first); err when it cannot be read or parsed.
type parsedFile struct {
	display   string
	embedded  bool
	trees     map[string]*parse.Tree
	overrides []layerFile
	err       error
}

// Budget bounds what one template may do, so that a template written by someone else cannot
// hang phxdeploy or exhaust its memory: a doubly recursive include within the depth limit, a
// loop that never ends, output of gigabytes.
type Budget struct {
	Time     time.Duration // wall time of one render (default 10 s)
	Output   int           // bytes one render may write (default 4 MiB)
	Includes int           // include calls in one render (default 10,000)
	Elements int           // list elements until/untilStep/seq may make, and bytes repeat/indent may make, in one render (default 1,000,000)
}

func (b Budget) orDefaults() Budget {
	if b.Time == 0 {
		b.Time = 10 * time.Second
	}
	if b.Output == 0 {
		b.Output = 4 << 20
	}
	if b.Includes == 0 {
		b.Includes = 10_000
	}
	if b.Elements == 0 {
		b.Elements = 1_000_000
	}
	return b
}

// spend is one render's use of its budget.
type spend struct {
	Budget
	deadline time.Time
	includes int
	elements int
}

func (s *spend) elementsFor(fn string, n int) error {
	s.elements += max(n, 0)
	if s.elements > s.Elements {
		return fmt.Errorf("%s: the template made more than %d elements (a runaway loop?)", fn, s.Elements)
	}
	return s.timeLeft()
}

func (s *spend) timeLeft() error {
	if time.Now().After(s.deadline) {
		return fmt.Errorf("rendering took longer than %s (a template that loops or recurses without end?)", s.Time)
	}
	return nil
}

// limited is a writer that fails once more than n bytes were written.
type limited struct {
	buf bytes.Buffer
	n   int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.n {
		return 0, fmt.Errorf("the output is larger than %d MiB", l.n>>20)
	}
	return l.buf.Write(p)
}

// FromFS returns an engine over a single file system.
func FromFS(fsys fs.FS) *Engine {
	return New([]Layer{{Name: "embedded", FS: fsys}})
}

// New returns an engine that looks templates up in layers, first layer first.
func New(layers []Layer) *Engine {
	return &Engine{layers: layers, funcs: baseFuncs()}
}

// Funcs returns the functions templates can call (sprig's hermetic ones, less those that are
// still impure, plus phxdeploy's own); include and required are added per template.
func (e *Engine) Funcs() template.FuncMap { return e.funcs }

// Render executes template name with data. Partials (files named _*.tmpl) in the same directory
// are parsed alongside it, so that it can include them; block-only overrides from higher layers
// replace the blocks they define.
func (e *Engine) Render(name string, data any) ([]byte, error) {
	sp := &spend{Budget: e.Budget.orDefaults()}
	t, ours, err := e.parse(name, sp)
	if err != nil {
		return nil, err
	}
	sp.deadline = time.Now().Add(sp.Time)
	out := &limited{n: sp.Output}
	if ours {
		// phxdeploy's own templates (every file of the set embedded) are known to finish: they
		// run without the watchdog, whose goroutine and hand-offs cost more than they do. The
		// budget still applies.
		if err := t.Execute(out, data); err != nil {
			return nil, &TemplateError{Name: name, Err: err}
		}
		return out.buf.Bytes(), nil
	}
	done := make(chan error, 1)
	go func() { done <- t.Execute(out, data) }()
	select {
	case err := <-done:
		if err != nil {
			return nil, &TemplateError{Name: name, Err: err}
		}
		return out.buf.Bytes(), nil
	case <-time.After(sp.Time + time.Second):
		// A loop with neither output nor function calls cannot be stopped from inside; the
		// run fails and the process ends with it.
		return nil, &TemplateError{Name: name, Err: sp.timeLeft()}
	}
}

// Check parses template name with its partials and overrides, without rendering it.
func (e *Engine) Check(name string) error {
	_, _, err := e.parse(name, &spend{Budget: e.Budget.orDefaults()})
	return err
}

// parse also reports whether every file of the set is an embedded one.
func (e *Engine) parse(name string, sp *spend) (t *template.Template, ours bool, err error) {
	base, overrides, err := e.resolve(name)
	if err != nil {
		return nil, false, err
	}
	ours = base.layer.shipped() && len(overrides) == 0
	t = template.New(base.layer.display(name)).Option("missingkey=error")
	partials, err := e.partialsOf(path.Dir(name))
	if err != nil {
		return nil, false, err
	}
	for _, p := range partials {
		if p.err != nil {
			return nil, false, p.err
		}
		if err := addTrees(t.New(p.display), p.trees); err != nil {
			return nil, false, &TemplateError{Name: p.display, Err: err}
		}
		overrides = append(slices.Clip(p.overrides), overrides...)
		ours = ours && p.embedded && len(p.overrides) == 0
	}
	// The main template is added after the partials so that its blocks replace theirs.
	if err := e.parseInto(t, base.body); err != nil {
		return nil, false, &TemplateError{Name: base.layer.display(name), Err: err}
	}
	// Block-only overrides last, lowest layer first, so that the highest layer wins.
	for _, o := range overrides {
		file := o.layer.display(o.name)
		for _, b := range definedBlocks(o.body) {
			if t.Lookup(b) == nil {
				return nil, false, &TemplateError{Name: file, Err: fmt.Errorf("defines block %q, which %s does not have (its blocks: %s)",
					b, name, strings.Join(blockNames(t), ", "))}
			}
		}
		if err := e.parseInto(t.New(file), o.body); err != nil {
			return nil, false, &TemplateError{Name: file, Err: err}
		}
	}
	t.Funcs(e.renderFuncs(t, sp))
	return t, ours, nil
}

// parseInto parses body as t's text, the way t.Parse does, against every function a render
// can call (installed afterwards: renderFuncs).
func (e *Engine) parseInto(t *template.Template, body string) error {
	trees, err := parse.Parse(t.Name(), body, "", "", e.funcs, builtinFuncs())
	if err != nil {
		return err
	}
	return addTrees(t, trees)
}

// addTrees adds parsed trees to t's set, as t.Parse adds the trees it parses.
func addTrees(t *template.Template, trees map[string]*parse.Tree) error {
	for name, tree := range trees {
		if _, err := t.AddParseTree(name, tree); err != nil {
			return err
		}
	}
	return nil
}

// partialsOf returns the partials the templates of dir are parsed with (its own and common's),
// in name order, each read and parsed once per engine: parse trees are never modified, so
// every render's set can hold them.
func (e *Engine) partialsOf(dir string) ([]*parsedFile, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	names, ok := e.dirs[dir]
	if !ok {
		var err error
		if names, err = e.partialNames(dir); err != nil {
			return nil, err
		}
		if e.dirs == nil {
			e.dirs, e.partials = map[string][]string{}, map[string]*parsedFile{}
		}
		e.dirs[dir] = names
	}
	out := make([]*parsedFile, len(names))
	for i, p := range names {
		f := e.partials[p]
		if f == nil {
			f = &parsedFile{}
			base, overrides, err := e.resolve(p)
			if err != nil {
				f.err = err
			} else {
				f.display, f.overrides, f.embedded = base.layer.display(p), overrides, base.layer.shipped()
				if f.trees, err = parse.Parse(f.display, base.body, "", "", e.funcs, builtinFuncs()); err != nil {
					f.err = &TemplateError{Name: f.display, Err: err}
				}
			}
			e.partials[p] = f
		}
		out[i] = f
	}
	return out, nil
}

// blockNames lists the named templates of a set other than the files themselves.
func blockNames(t *template.Template) []string {
	var out []string
	for _, x := range t.Templates() {
		if n := x.Name(); !strings.HasSuffix(n, ".tmpl") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// TemplateError names the template that failed; text/template's own message carries the line,
// the column and the missing or wrong value.
type TemplateError struct {
	Name string
	Err  error
}

func (e *TemplateError) Error() string {
	msg := e.Err.Error()
	if strings.Contains(msg, e.Name) {
		return msg
	}
	return e.Name + ": " + msg
}

func (e *TemplateError) Unwrap() error { return e.Err }
