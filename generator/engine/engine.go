// Package engine renders phxdeploy's templates from layers (the project's overrides, an
// organization's, the embedded ones): lookup by relative name, block-only overrides, hermetic
// functions, export of embedded templates and the staleness of exported copies.
package engine

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
)

// maxIncludeDepth bounds nested include calls so that a template that includes itself fails
// with a clear error instead of exhausting the stack.
const maxIncludeDepth = 32

// Engine renders templates from layers of template files, by their slash-separated relative
// name (for example "docker/Dockerfile.tmpl").
type Engine struct {
	layers []Layer
	funcs  template.FuncMap // built once: sprig's map is large
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
	t, err := e.parse(name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, &TemplateError{Name: name, Err: err}
	}
	return buf.Bytes(), nil
}

// Check parses template name with its partials and overrides, without rendering it.
func (e *Engine) Check(name string) error {
	_, err := e.parse(name)
	return err
}

func (e *Engine) parse(name string) (*template.Template, error) {
	base, overrides, err := e.resolve(name)
	if err != nil {
		return nil, err
	}
	t := template.New(base.layer.display(name)).Option("missingkey=error")
	depth := 0
	funcs := make(template.FuncMap, len(e.funcs)+2)
	for k, v := range e.funcs {
		funcs[k] = v
	}
	funcs["include"] = func(partial string, data any) (string, error) {
		depth++
		defer func() { depth-- }()
		if depth > maxIncludeDepth {
			return "", fmt.Errorf("include %q nested more than %d deep", partial, maxIncludeDepth)
		}
		var buf bytes.Buffer
		err := t.ExecuteTemplate(&buf, partial, data)
		return buf.String(), err
	}
	funcs["required"] = func(what string, v any) (any, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s is required", what)
		}
		return v, nil
	}
	t.Funcs(funcs)
	partials, err := e.partials(path.Dir(name))
	if err != nil {
		return nil, err
	}
	for _, p := range partials {
		pb, po, err := e.resolve(p)
		if err != nil {
			return nil, err
		}
		if _, err := t.New(pb.layer.display(p)).Parse(pb.body); err != nil {
			return nil, &TemplateError{Name: pb.layer.display(p), Err: err}
		}
		overrides = append(po, overrides...)
	}
	// The main template is parsed after the partials so that its blocks replace theirs.
	if _, err := t.Parse(base.body); err != nil {
		return nil, &TemplateError{Name: base.layer.display(name), Err: err}
	}
	// Block-only overrides last, lowest layer first, so that the highest layer wins.
	for _, o := range overrides {
		file := o.layer.display(o.name)
		for _, b := range definedBlocks(o.body) {
			if t.Lookup(b) == nil {
				return nil, &TemplateError{Name: file, Err: fmt.Errorf("defines block %q, which %s does not have (its blocks: %s)",
					b, name, strings.Join(blockNames(t), ", "))}
			}
		}
		if _, err := t.New(file).Parse(o.body); err != nil {
			return nil, &TemplateError{Name: file, Err: err}
		}
	}
	return t, nil
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
