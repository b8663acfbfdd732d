package generator

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// maxIncludeDepth bounds nested include calls so that a template that includes itself fails
// with a clear error instead of exhausting the stack.
const maxIncludeDepth = 32

// Engine renders templates from a file system, by their slash-separated relative name.
type Engine struct {
	fsys  fs.FS
	funcs template.FuncMap // built once: sprig's map is large
}

// NewEngine returns an engine over fsys (the embedded templates, or a layered file system).
func NewEngine(fsys fs.FS) *Engine { return &Engine{fsys: fsys, funcs: baseFuncs()} }

// baseFuncs is sprig's text function map without the functions that read the environment or the
// network: templates must render the same everywhere.
func baseFuncs() template.FuncMap {
	funcs := sprig.TxtFuncMap()
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		delete(funcs, name)
	}
	funcs["exCall"] = exCall
	return funcs
}

// Funcs returns the functions templates can call (sprig's, less env/expandenv/getHostByName,
// plus phxdeploy's own); include and required are added per template.
func (e *Engine) Funcs() template.FuncMap { return e.funcs }

// Render executes template name with data. Partials (files named _*.tmpl) in the same directory
// are parsed alongside it, so that it can include them.
func (e *Engine) Render(name string, data any) ([]byte, error) {
	t, err := e.parse(name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, path.Base(name), data); err != nil {
		return nil, &TemplateError{Name: name, Err: err}
	}
	return buf.Bytes(), nil
}

func (e *Engine) parse(name string) (*template.Template, error) {
	body, err := fs.ReadFile(e.fsys, name)
	if err != nil {
		return nil, &TemplateError{Name: name, Err: err}
	}
	t := template.New(path.Base(name)).Option("missingkey=error")
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
	partials, err := fs.Glob(e.fsys, path.Join(path.Dir(name), "_*.tmpl"))
	if err != nil {
		return nil, err
	}
	for _, p := range partials {
		b, err := fs.ReadFile(e.fsys, p)
		if err != nil {
			return nil, &TemplateError{Name: p, Err: err}
		}
		if _, err := t.New(path.Base(p)).Parse(string(b)); err != nil {
			return nil, &TemplateError{Name: p, Err: err}
		}
	}
	// The main template is parsed last so that its blocks override a partial's defaults.
	if _, err := t.New(path.Base(name)).Parse(string(body)); err != nil {
		return nil, &TemplateError{Name: name, Err: err}
	}
	return t, nil
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
