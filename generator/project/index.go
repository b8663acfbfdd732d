package project

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/safefs"
	"github.com/phxdeploy/phxdeploy/internal/parallel"
)

// Module is a module the project defines, as `defmodule` defines it (nested modules get their
// full name).
type Module struct {
	Name string
	File string
	Line int

	uses      []useStmt
	defs      map[string]bool // functions and macros it defines (def, defp, defmacro)
	plugs     []string        // modules it plugs (`plug X`), in order
	mentioned map[string]bool // the modules its body names (aliases of its file expanded)
	// The scanned body, kept only for the modules read again later (endpoints, routers, plugs):
	// the rest of a large project's tokens are let go as soon as its file is indexed.
	code []elixir.Token
	tree *elixir.Tree
	body *elixir.Node
}

// Source is where a module is defined, as file:line.
func (m *Module) Source() string { return fmt.Sprintf("%s:%d", m.File, m.Line) }

// useStmt is one `use X` or `use X, :arg` or `use X, key: value` in a module's body.
type useStmt struct {
	mod  string
	arg  string            // the atom argument, without its colon
	opts map[string]string // literal keyword options: atoms without colon, strings unquoted
	line int
}

func (m *Module) uses_(mod string) (useStmt, bool) {
	for _, u := range m.uses {
		if u.mod == mod {
			return u, true
		}
	}
	return useStmt{}, false
}

// mentions reports whether the module's code names a module (directly, or through an alias).
func (m *Module) mentions(module string) bool { return m.mentioned[module] }

// index is every module of the project, by name, and the order files were read in.
type index struct {
	modules map[string]*Module
	order   []string // module names in file order, for stable choices
	skipped []string // files that could not be read as Elixir
	// What the code reads from the environment (see scanEnv).
	helpers  *helpers
	reads    []libRead
	mixEnv   []string
	calls    map[string][]string          // Mod.fun -> the functions of Mod it calls
	keyCalls map[string]map[string]string // Mod.fun -> config key -> the function whose result it is
	// namedCalls are the file's calls that may reach a helper of another file (of a one-file
	// index: see callsHelpersOf).
	namedCalls []string
}

// maxModuleFile is the largest source file indexed: real modules are far smaller, and a file
// built to be large is skipped (with a warning) instead of held in memory.
const maxModuleFile = 1 << 20

// maxIndexed bounds the source read in all (a project's lib is a few MiB; this is 20 times that).
const maxIndexed = 64 << 20

// readIndex reads every .ex file under dirs. The walk decides, in its order, which files are
// read (their sizes count against the limits); each is then read, parsed and indexed on its own,
// on every core, into an index of its own, and these are merged in the walk's order: the result
// is the one a file-by-file reading gives (the first error in that order, modules defined twice
// kept from the first file).
func readIndex(f *files, dirs []string) (*index, error) {
	type job struct {
		rel     string
		src     []byte
		skipped string // why the file is not indexed
		part    *index
		err     error
	}
	index1 := func(j *job) {
		// the tree keeps the file's bytes as its source: nothing writes them once read
		t, err := elixir.Parse(unsafe.String(unsafe.SliceData(j.src), len(j.src)))
		j.src = nil
		if err != nil {
			j.skipped = fmt.Sprintf("%s (%v)", j.rel, err)
			return
		}
		j.part = &index{modules: map[string]*Module{}}
		j.part.add(j.rel, t)
		j.part.scanEnv(j.rel, t)
	}
	var jobs []*job
	total := int64(0)
	// Each file read is indexed on another core while the walk reads the next.
	parallel.Stream(func(send func(*job)) {
		for _, dir := range dirs {
			err := f.walkOpen(dir, func(d *safefs.Dir, rel, name string) (bool, error) {
				st, err := statIn(f, d, rel, name)
				if err == nil && st.Size() > maxModuleFile {
					jobs = append(jobs, &job{skipped: fmt.Sprintf("%s (%d MiB, larger than a module file)", rel, st.Size()>>20)})
					return false, nil
				}
				if err == nil {
					if total += st.Size(); total > maxIndexed {
						jobs = append(jobs, &job{skipped: fmt.Sprintf("%s and the files after it (more than %d MiB of source in all)", rel, maxIndexed>>20)})
						return true, nil
					}
				}
				j := &job{rel: rel}
				jobs = append(jobs, j)
				b, ok, err := readIn(f, d, rel, name)
				switch {
				case err != nil:
					j.err = err
					return true, nil // a file-by-file reading stops at its first error
				case ok:
					j.src = b
					send(j)
				}
				return false, nil
			})
			if err != nil {
				jobs = append(jobs, &job{err: err})
				return
			}
			if n := len(jobs); n > 0 && jobs[n-1].err != nil {
				return
			}
		}
	}, index1)
	// A file calling a helper another file defines is read again through every helper of the
	// project: rare (a project's own env helpers, called from elsewhere), so it is read and
	// parsed again instead of every tree being kept.
	var all *helpers
	for _, j := range jobs {
		if j.part != nil && j.part.helpers != nil {
			if all == nil {
				all = newHelpers()
			}
			for k, v := range j.part.helpers.remote {
				all.remote[k] = v
			}
		}
	}
	if all != nil {
		for _, j := range jobs {
			if j.part == nil || !callsHelpersOf(j.part.namedCalls, j.part.helpers, all) {
				continue
			}
			b, ok, err := f.read(j.rel)
			if err != nil || !ok {
				continue // it was read a moment ago: its first reading stands
			}
			if t, err := elixir.Parse(unsafe.String(unsafe.SliceData(b), len(b))); err == nil {
				j.part.reads = rescanEnv(j.rel, t, all)
			}
		}
	}
	ix := &index{modules: map[string]*Module{}}
	for _, j := range jobs {
		if j.err != nil {
			return nil, j.err
		}
		if j.skipped != "" {
			ix.skipped = append(ix.skipped, j.skipped)
		}
		if j.part != nil {
			ix.merge(j.part)
		}
	}
	return ix, nil
}

// statIn and readIn stat and read a module file through its directory d, and where that fails
// (or d is nil) through the project's root by its path, whose result and errors are the ones
// phxdeploy has always given.
func statIn(f *files, d *safefs.Dir, rel, name string) (fs.FileInfo, error) {
	if d != nil {
		if st, err := d.Stat(name); err == nil {
			return st, nil
		}
	}
	return f.d.Stat(rel)
}

func readIn(f *files, d *safefs.Dir, rel, name string) ([]byte, bool, error) {
	if d != nil {
		if b, err := d.ReadFile(name); err == nil {
			return b, true, nil
		}
	}
	return f.read(rel)
}

// merge adds the index of the next file, as indexing that file into ix would have.
func (ix *index) merge(p *index) {
	for _, name := range p.order {
		if _, dup := ix.modules[name]; !dup {
			ix.modules[name] = p.modules[name]
			ix.order = append(ix.order, name)
		}
	}
	if p.helpers != nil {
		if ix.helpers == nil {
			ix.helpers = newHelpers()
		}
		for k, v := range p.helpers.remote {
			ix.helpers.remote[k] = v
		}
	}
	ix.reads = append(ix.reads, p.reads...)
	ix.mixEnv = append(ix.mixEnv, p.mixEnv...)
	if p.calls != nil && ix.calls == nil {
		ix.calls, ix.keyCalls = map[string][]string{}, map[string]map[string]string{}
	}
	for caller, called := range p.calls {
		for _, c := range called {
			if !slices.Contains(ix.calls[caller], c) {
				ix.calls[caller] = append(ix.calls[caller], c)
			}
		}
	}
	for caller, keys := range p.keyCalls {
		if ix.keyCalls[caller] == nil {
			ix.keyCalls[caller] = map[string]string{}
		}
		for k, v := range keys {
			ix.keyCalls[caller][k] = v
		}
	}
}

// add records the modules a file defines.
func (ix *index) add(file string, t *elixir.Tree) {
	code := t.Code
	type open struct {
		name string
		node *elixir.Node
	}
	var stack []open
	aliases := t.Aliases()
	for i := 0; i+2 < len(code); i++ {
		if !code[i].Is("defmodule") || code[i+1].Kind != elixir.Alias || !code[i+2].Is("do") {
			continue
		}
		body := t.NodeAt(i + 2)
		if body == nil {
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].node.Close < i {
			stack = stack[:len(stack)-1]
		}
		name := code[i+1].Text()
		if len(stack) > 0 {
			name = stack[len(stack)-1].name + "." + name
		}
		stack = append(stack, open{name, body})
		m := &Module{Name: name, File: file, Line: code[i].Line(), defs: map[string]bool{}, mentioned: map[string]bool{},
			tree: t, body: body, code: code[body.Open : body.Close+1]}
		m.read()
		last := "" // a name is mostly mentioned again and again (a router's controllers)
		for k, tok := range m.code {
			if tok.Kind != elixir.Alias {
				continue
			}
			if k+4 < len(m.code) && m.code[k+1].Is(".") && m.code[k+2].Kind == elixir.Ident && m.code[k+3].Is("(") && namesVariable(m.code[k+4:]) {
				ix.namedCalls = append(ix.namedCalls, elixir.Expand(aliases, tok.Text())+"."+m.code[k+2].Text())
			} else if k > 0 && m.code[k-1].Is("import") {
				ix.namedCalls = append(ix.namedCalls, "import "+elixir.Expand(aliases, tok.Text()))
			}
			if text := tok.Text(); text != last {
				last = text
				m.mentioned[text] = true
				head, _, _ := strings.Cut(text, ".")
				if full, ok := aliases[head]; ok {
					m.mentioned[full+text[len(head):]] = true
				}
			}
		}
		if !m.readAgain() {
			m.code, m.tree, m.body = nil, nil, nil
		}
		if _, dup := ix.modules[name]; !dup {
			ix.modules[name] = m
			ix.order = append(ix.order, name)
		}
	}
}

// namesVariable reports whether a call's arguments (the tokens after its parenthesis) begin
// with a variable's name among their first few tokens: a helper's argument (secret!("KEY"),
// env!(:integer, "PORT")). A name further on is not looked for.
func namesVariable(args []elixir.Token) bool {
	for i := 0; i < len(args) && i < 6; i++ {
		if args[i].Is(")") {
			return false
		}
		if args[i].Kind == elixir.String && isName(args[i]) {
			return true
		}
	}
	return false
}

// read collects the module's use, def and plug statements (its own, not nested modules').
func (m *Module) read() {
	code := m.tree.Code
	n := m.body
	kids := n.Cursor(n.Open + 1)
	for i := n.Open + 1; i < n.Close; i++ {
		if c := kids.At(i); c != nil {
			if i >= 2 && code[i-2].Is("defmodule") {
				i = c.Close // a nested module: its own statements are its own
			}
			continue
		}
		// the words looked for first: StatementStart costs more, and a router is mostly routes
		word := code[i]
		if word.Kind != elixir.Ident || !word.Is("use") && !word.Is("def") && !word.Is("defp") && !word.Is("defmacro") && !word.Is("plug") ||
			!elixir.StatementStart(code, i) || i+1 >= n.Close {
			continue
		}
		a := i + 1 // the first argument (after the parenthesis of `use(X, ...)` or `plug(X)`)
		if code[a].Is("(") && a+1 < n.Close && (word.Is("use") || word.Is("plug")) {
			a++
		}
		next := code[a]
		switch {
		case word.Is("use") && next.Kind == elixir.Alias:
			u := useStmt{mod: next.Text(), opts: map[string]string{}, line: word.Line()}
			if a+2 < n.Close && code[a+1].Is(",") {
				if code[a+2].Kind == elixir.Atom {
					u.arg = elixir.AtomName(code[a+2])
				}
				for k := a + 2; k+1 < n.Close && (k == a+2 || !elixir.StatementStart(code, k)); k++ {
					if code[k].Kind != elixir.KeywordKey {
						continue
					}
					switch v := code[k+1]; v.Kind {
					case elixir.Atom:
						u.opts[code[k].Text()] = elixir.AtomName(v)
					case elixir.String:
						u.opts[code[k].Text()] = elixir.Unquote(v)
					case elixir.Alias:
						u.opts[code[k].Text()] = v.Text()
					}
				}
			}
			m.uses = append(m.uses, u)
		case (word.Is("def") || word.Is("defp") || word.Is("defmacro")) && next.Kind == elixir.Ident:
			m.defs[next.Text()] = true
		case word.Is("plug") && next.Kind == elixir.Alias:
			m.plugs = append(m.plugs, next.Text())
		}
	}
}

// readAgain reports whether the module's body is read again after indexing: an endpoint, a
// router (or a module that may be one), a plug.
func (m *Module) readAgain() bool {
	for _, u := range m.uses {
		if u.mod == "Phoenix.Endpoint" || u.mod == "Phoenix.Router" || u.arg == "router" {
			return true
		}
	}
	return m.defs["call"]
}

// with returns the modules for which keep is true, in file order.
func (ix *index) with(keep func(*Module) bool) []*Module {
	var out []*Module
	for _, name := range ix.order {
		if m := ix.modules[name]; keep(m) {
			out = append(out, m)
		}
	}
	return out
}

func names(ms []*Module) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	sort.Strings(out)
	return out
}

// endpoints are the modules that use Phoenix.Endpoint.
func (ix *index) endpoints() []*Module {
	return ix.with(func(m *Module) bool { _, ok := m.uses_("Phoenix.Endpoint"); return ok })
}

// isRouter reports whether m is a Phoenix router: it uses Phoenix.Router, or `use W, :router`
// where W is a module of the project whose router/0 uses Phoenix.Router.
func (ix *index) isRouter(m *Module) bool {
	if _, ok := m.uses_("Phoenix.Router"); ok {
		return true
	}
	for _, u := range m.uses {
		if w := ix.modules[u.mod]; w != nil && u.arg == "router" && w.defs["router"] {
			return true
		}
	}
	return false
}

// repos are the modules that use Ecto.Repo.
func (ix *index) repos() []*Module {
	return ix.with(func(m *Module) bool { _, ok := m.uses_("Ecto.Repo"); return ok })
}

// webModule returns W when the router does `use W, :router`.
func (ix *index) webModule(router *Module) string {
	for _, u := range router.uses {
		if w := ix.modules[u.mod]; w != nil && u.arg == "router" {
			return w.Name
		}
	}
	return ""
}

// namespace is a module's name without its last part (ShopWeb.Router -> ShopWeb).
func namespace(module string) string {
	if i := strings.LastIndexByte(module, '.'); i >= 0 {
		return module[:i]
	}
	return module
}
