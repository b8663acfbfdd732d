package project

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Var is one environment variable of the contract: what the project's code says of it.
type Var struct {
	Name string `json:"name"`
	// Required: the release raises (at boot, or when migrations run) when it is missing.
	Required bool `json:"required"`
	// Default is the app's own default, as the code writes it.
	Default string `json:"default,omitempty"`
	Type    string `json:"type,omitempty"`
	Secret  bool   `json:"secret"`
	// When is the condition it is read under ("" when every production boot reads it).
	When string `json:"when,omitempty"`
	// Alternatives are names read in its place (`WEB_HOST || HOST`); AlternativeOf is set on
	// such a name, when it is read nowhere else.
	Alternatives  []string `json:"alternatives,omitempty"`
	AlternativeOf string   `json:"alternative_of,omitempty"`
	// Sources are where it is read, as file:line.
	Sources []string `json:"sources"`
	// Via is how it is read: System.fetch_env!, Dotenvy.env!, a helper of the project.
	Via string `json:"via,omitempty"`
	// Use is the config key its value is given to, when the code shows it.
	Use string `json:"use,omitempty"`
}

// Contract is the environment the release needs: every variable read when it boots, and the
// reads that happen at build time instead (their values are frozen into the image).
type Contract struct {
	Runtime []Var `json:"runtime"`
	Build   []Var `json:"build,omitempty"`
	// Computed are the reads whose variable name is computed (file:line): phxdeploy cannot list them.
	Computed []string `json:"computed,omitempty"`
	// Providers are the config providers the release runs: the variables they read are theirs.
	Providers []string `json:"config_providers,omitempty"`
	// MixAtRuntime are calls to Mix made when the release runs (file:line): Mix is not in a release.
	MixAtRuntime []string `json:"mix_at_runtime,omitempty"`
	// RuntimeFiles are the runtime config and the files it imports, as read.
	RuntimeFiles []string `json:"runtime_files,omitempty"`
	// Unreadable says why phxdeploy cannot see everything the runtime config evaluates ("" when
	// it can).
	Unreadable string `json:"unreadable,omitempty"`
}

// Var returns the runtime variable name, or nil.
func (c *Contract) Var(name string) *Var {
	for i := range c.Runtime {
		if c.Runtime[i].Name == name {
			return &c.Runtime[i]
		}
	}
	return nil
}

// fileReads are the reads of one file, with what the file is.
type fileReads struct {
	file     string
	tree     *elixir.Tree
	reads    []envRead
	computed []int
	scan     *readScanner
	// from and to limit the file's config calls to tokens [from, to) (to 0: the whole file):
	// the part of a runtime config before or after a call to the project's code, or the body
	// of the function it calls (see delegates).
	from, to int
	body     bool // the body of a function the runtime config calls
}

// holds reports whether token i is among the file's config calls.
func (fr fileReads) holds(i int) bool { return i >= fr.from && (fr.to == 0 || i < fr.to) }

// libRead is a read in the project's code (lib/), with the function it is in.
type libRead struct {
	envRead
	file     string
	module   string
	function string // "" at the module's top level (compile time)
}

// mayReadEnv reports whether src holds "System.", "Mix.", ":system" or ":os.": a file with none
// of them reads no variable. It looks for "ystem", then for the dots, instead of for each whole:
// ':' and 'S' begin much of a router (its atoms, its aliases), and searching from them was most
// of the time reading one took.
func mayReadEnv(src string) bool {
	for at := 0; ; at++ {
		i := strings.Index(src[at:], "ystem")
		if i < 0 {
			break
		}
		at += i
		if at >= 1 && src[at-1] == 'S' && at+5 < len(src) && src[at+5] == '.' || at >= 2 && src[at-2:at] == ":s" {
			return true
		}
	}
	for at := 0; ; at++ {
		i := strings.IndexByte(src[at:], '.')
		if i < 0 {
			break
		}
		at += i
		if at >= 3 && (src[at-3:at] == "Mix" || src[at-3:at] == ":os") {
			return true
		}
	}
	return false
}

// scanEnv records what a lib file reads from the environment: reads in functions (run in the
// release) and at the top of modules (compile time), the helpers its modules define (functions
// that read the variable an argument names), and calls to Mix made at run time. The reads
// through helpers of other files are found once every file is read (rescanEnv).
func (ix *index) scanEnv(file string, t *elixir.Tree) {
	if !mayReadEnv(t.Src) {
		return
	}
	if ix.helpers == nil {
		ix.helpers = newHelpers()
	}
	own, defs := newHelpers(), functionDefs(t)
	fileHelpersOf(t, own, defs)
	for k, v := range own.remote {
		ix.helpers.remote[k] = v
	}
	code := t.Code
	in := locate(t, defs)
	// The calls each function makes to functions of its module, and the config keys it gives
	// their results to (`Keyword.put(config, :url, db_url())`): init/2 may read through them.
	names := map[string]bool{}
	for _, d := range defs {
		names[d.module+"."+d.name] = true
	}
	for _, d := range defs {
		if d.module == "" {
			continue
		}
		caller := d.module + "." + d.name
		for i := d.bodyFrom; i+1 < d.bodyTo && i+1 < len(code); i++ {
			if code[i].Kind != elixir.Ident || !code[i+1].Is("(") || i > 0 && code[i-1].Is(".") || !names[d.module+"."+code[i].Text()] {
				continue
			}
			called := d.module + "." + code[i].Text()
			if !slices.Contains(ix.calls[caller], called) {
				if ix.calls == nil {
					ix.calls, ix.keyCalls = map[string][]string{}, map[string]map[string]string{}
				}
				ix.calls[caller] = append(ix.calls[caller], called)
			}
			key := ""
			switch {
			case i > 0 && code[i-1].Kind == elixir.KeywordKey:
				key = code[i-1].Text()
			case i > 1 && code[i-1].Is(",") && code[i-2].Kind == elixir.Atom:
				key = elixir.AtomName(code[i-2])
			}
			if key != "" {
				if ix.keyCalls[caller] == nil {
					ix.keyCalls[caller] = map[string]string{}
				}
				ix.keyCalls[caller][key] = called
			}
		}
	}
	// as findReads(t, nil) reads them: own holds the file's helpers, with no others
	ix.reads = append(ix.reads, libReads(file, t, own, defs, in)...)
	// Mix.env() and friends in a function body run in the release, where Mix is absent. Mix
	// tasks run under Mix, and module attributes and module bodies are evaluated at compile time.
	for i := 0; i+2 < len(code); i++ {
		if code[i].Kind != elixir.Alias || !code[i+1].Is(".") || !(code[i].Text() == "Mix" && (code[i+2].Is("env") || code[i+2].Is("target")) || code[i].Text() == "Mix.Project") {
			continue
		}
		module, function := in(i)
		if function == "" || strings.HasPrefix(module, "Mix.Tasks.") || strings.HasPrefix(file, "lib/mix/") {
			continue
		}
		call := code[i].Text() + "." + code[i+2].Text()
		ix.mixEnv = append(ix.mixEnv, fmt.Sprintf("%s:%d: %s.%s calls %s", file, code[i].Line(), module, function, call))
	}
}

// locate returns what says which module and function each token of a file is in ("" at a
// module's top level): one pass over the ranges, so that a file with many functions costs no
// more than its size.
func locate(t *elixir.Tree, defs []funcDef) func(i int) (mod, fn string) {
	code := t.Code
	module := make([]int32, len(code)+1)
	modules := moduleRanges(t)
	for k, m := range modules { // outer before inner: the innermost wins
		for i := m.from + 1; i < m.to && i < len(code); i++ {
			module[i] = int32(k + 1)
		}
	}
	function := make([]int32, len(code)+1)
	for k, d := range defs {
		if d.module == "" {
			continue
		}
		// the head too: a parameter's default is read when the function is called
		for i := min(d.head, d.bodyFrom); i < d.bodyTo && i < len(code); i++ {
			if function[i] == 0 {
				function[i] = int32(k + 1)
			}
		}
	}
	return func(i int) (mod, fn string) {
		if m := module[i]; m > 0 {
			mod = modules[m-1].name
		}
		if f := function[i]; f > 0 {
			fn = defs[f-1].name
		}
		return mod, fn
	}
}

// libReads are the reads of a lib file through the helpers h, with where each is.
func libReads(file string, t *elixir.Tree, h *helpers, defs []funcDef, in func(int) (string, string)) []libRead {
	var out []libRead
	for _, r := range scanReadsOf(t, h, defs).reads {
		if r.skip {
			continue
		}
		module, function := in(r.tok)
		out = append(out, libRead{envRead: r, file: file, module: module, function: function})
	}
	return out
}

// callsHelpersOf reports whether a file's calls (Module.fun with a variable's name among the
// arguments, and the modules it imports: see Module.namedCalls) may reach a helper that h has
// and the file's own helpers do not: a helper another file defines.
func callsHelpersOf(calls []string, own, h *helpers) bool {
	for _, c := range calls {
		if mod, ok := strings.CutPrefix(c, "import "); ok {
			for k := range h.remote {
				if name, ok := strings.CutPrefix(k, mod+"."); ok && !strings.Contains(name, ".") && (own == nil || own.remote[k] == helper{}) {
					return true
				}
			}
			continue
		}
		if _, ok := h.remote[c]; ok && (own == nil || own.remote[c] == helper{}) {
			return true
		}
	}
	return false
}

// rescanEnv reads again, through every helper of the project (h), the reads of a file that
// calls helpers other files define (Livebook.Config.secret!("LIVEBOOK_SECRET_KEY_BASE"), whose
// body reads the variable its argument names, in lib/livebook/config.ex).
func rescanEnv(file string, t *elixir.Tree, h *helpers) []libRead {
	all, defs := h.copy(), functionDefs(t)
	fileHelpersOf(t, all, defs)
	return libReads(file, t, all, defs, locate(t, defs))
}

// SourceFile is the file of a source "file:line" (Var.Sources, Project.Sources).
func SourceFile(source string) string {
	if i := strings.LastIndexByte(source, ':'); i >= 0 {
		return source[:i]
	}
	return source
}

// readContract collects the environment contract of the project, and how it provides the
// settings phxdeploy needs.
func (p *Project) readContract(f *files, runtimeFile string, mix *mixFile) error {
	c := &p.Contract
	h := newHelpers()
	if p.ix != nil && p.ix.helpers != nil {
		h = p.ix.helpers
	}
	// The runtime config and the files it imports (inside config/, literal names only), read
	// for the environment the release is built for.
	h = p.envMapReaders(f, runtimeFile, h.copy())
	h.env = p.buildEnv
	runtime, err := p.readConfigTree(f, runtimeFile, h, true)
	if err != nil {
		return err
	}
	var runtimeReads []located
	calledFromRuntime := map[string]bool{}
	for _, fr := range runtime {
		c.RuntimeFiles = append(c.RuntimeFiles, fr.file)
		for _, r := range fr.reads {
			runtimeReads = append(runtimeReads, located{r, fr.file})
		}
		for _, l := range fr.computed {
			c.Computed = append(c.Computed, fmt.Sprintf("%s:%d", fr.file, l))
		}
		for _, m := range calledModules(fr.tree) {
			calledFromRuntime[m] = true
		}
	}
	// The compile-time config (config.exs and what it imports for prod): its reads are frozen
	// at build time, except {:system, "X"} tuples, which the libraries read when they start. A
	// file nothing imports (an old prod.secret.exs) is not read by the build.
	var buildReads []located
	build, err := p.readConfigTree(f, "config/config.exs", h, false)
	if err != nil {
		return err
	}
	{
		for _, fr := range build {
			for _, r := range fr.reads {
				if r.via == "{:system, ...}" {
					runtimeReads = append(runtimeReads, located{r, fr.file})
				} else {
					buildReads = append(buildReads, located{r, fr.file})
				}
			}
		}
	}
	// The code: functions the release runs when it boots keep what they say (the repo's and the
	// endpoint's init/2, the application's start/2, functions runtime.exs calls); other
	// functions read when they run, so what they read is optional for the deployment; reads at
	// the top of a module happen at compile time.
	if p.ix != nil {
		roots := []string{p.Application + ".start", p.Endpoint + ".init"}
		for _, r := range append(append([]string{}, p.StartedRepos...), p.Repos...) {
			roots = append(roots, r+".init")
		}
		boot := p.ix.reachable(roots...)
		for _, lr := range p.ix.reads {
			switch {
			case lr.function == "":
				if lr.via == "{:system, ...}" {
					runtimeReads = append(runtimeReads, located{lr.envRead, lr.file})
				} else {
					buildReads = append(buildReads, located{lr.envRead, lr.file})
				}
			case boot[lr.module+"."+lr.function] || calledFromRuntime[lr.module]:
				runtimeReads = append(runtimeReads, located{lr.envRead, lr.file})
			default:
				// Read when the function runs, which may be never: optional for the deployment, but
				// a read that raises says so.
				r := lr.envRead
				fn := lr.module + "." + lr.function
				r.when = "when " + fn + " runs"
				if r.required {
					r.when = "by " + fn + ", which raises without it"
				}
				r.required = false
				runtimeReads = append(runtimeReads, located{r, lr.file})
			}
		}
		c.MixAtRuntime = append(c.MixAtRuntime, p.ix.mixEnv...)
	}
	c.Runtime = mergeReads(runtimeReads)
	c.Build = mergeReads(buildReads)
	if mix != nil {
		c.Providers = mix.configProviders()
	}
	// Mix is not in a release, and runtime.exs runs there: Mix.env() there raises at boot.
	for _, fr := range runtime {
		code := fr.tree.Code
		for i := 0; i+2 < len(code); i++ {
			if code[i].Kind == elixir.Alias && code[i].Text() == "Mix" && code[i+1].Is(".") && (code[i+2].Is("env") || code[i+2].Is("target")) {
				c.MixAtRuntime = append(c.MixAtRuntime, fmt.Sprintf("%s:%d: calls Mix.%s (use config_env() or config_target())", fr.file, code[i].Line(), code[i+2].Text()))
			}
		}
	}
	configFile := map[string]bool{}
	for _, fr := range build {
		configFile[fr.file] = true
	}
	for _, fr := range runtime {
		configFile[fr.file] = true
	}
	for _, v := range c.Build {
		where := strings.Join(v.Sources, ", ")
		fix := "move the read to config/runtime.exs"
		// "its value wins" only where both reads are config for one key: the runtime config's
		// value replaces the build's at boot. A module attribute keeps its build-time value
		// whatever any other code reads.
		inConfig, atRuntime := true, c.Var(v.Name)
		for _, s := range v.Sources {
			inConfig = inConfig && configFile[SourceFile(s)]
		}
		inRuntimeConfig := atRuntime != nil && inConfig &&
			slices.ContainsFunc(atRuntime.Sources, func(s string) bool { return slices.Contains(c.RuntimeFiles, SourceFile(s)) })
		sameKey := inRuntimeConfig && v.Use != "" && v.Use == atRuntime.Use
		switch {
		case !inConfig:
			fix = "read it when the code runs instead (in a function, or in config/runtime.exs and then Application.get_env/2)"
		case inRuntimeConfig && !sameKey:
			fix = "the runtime config reads it too: where it sets the same key, its value wins at boot and this read can go; where not, move the read there"
		}
		switch {
		case !sameKey && v.Required && !inConfig:
			fix += "; until then the build needs it (phxdeploy passes it as a build argument)"
			if v.Secret {
				fix = "read it when the code runs instead (in a function, or in config/runtime.exs and then Application.get_env/2): a secret read at build time is frozen into the image (phxdeploy does not pass secrets as build arguments)"
			}
		case !sameKey && !inConfig:
		case sameKey && !v.Required:
			fix = "the runtime config reads it too and its value wins: delete the read here"
		case sameKey && v.Secret:
			fix = "the runtime config reads it too and its value wins, but the build fails without it: delete the read here (phxdeploy does not pass secrets as build arguments)"
		case sameKey:
			fix = "the runtime config reads it too and its value wins, but the build fails without it: delete the read here (until then phxdeploy passes it as a build argument)"
		case v.Required && v.Secret && inRuntimeConfig:
			fix += "; until then the build fails without it (phxdeploy does not pass secrets as build arguments)"
		case v.Required:
			fix += "; until then the build needs it (phxdeploy passes it as a build argument)"
			if v.Secret {
				fix = "move the read to config/runtime.exs: a secret read at build time is frozen into the image (phxdeploy does not pass secrets as build arguments)"
			}
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s reads %s at compile time: its value is frozen into the image when it is built; %s", where, v.Name, fix))
	}
	mixInRelease := mix != nil && mix.extraApplication("mix")
	for _, m := range c.MixAtRuntime {
		if mixInRelease {
			// supabase/realtime lists :mix in extra_applications: Mix is there, and Mix.env()
			// is what MIX_ENV says as the release runs
			p.Warnings = append(p.Warnings, m+": mix.exs puts :mix in the release (extra_applications), where Mix.env() is MIX_ENV as the release runs (:dev where it is unset); read the value at compile time (a module attribute or Application.compile_env) or from config, or set MIX_ENV on every target")
			continue
		}
		p.Warnings = append(p.Warnings, m+": Mix is not part of a release, so this raises UndefinedFunctionError when it runs; read the value at compile time (a module attribute or Application.compile_env) or from config")
	}
	for _, l := range c.Computed {
		p.Warnings = append(p.Warnings, l+": reads an environment variable whose name is computed; phxdeploy cannot list it, so set it yourself in every target")
	}
	for _, pr := range c.Providers {
		p.Warnings = append(p.Warnings, "the release runs the config provider "+pr+": the variables it reads are not in phxdeploy's list")
	}
	p.resolveSettings(p.delegates(f, runtime, h), build)
	return nil
}

// delegates returns the runtime config files as the settings are looked for in them, with the
// config calls of the project's functions they call (Livebook's runtime.exs is `import Config`
// then `Livebook.config_runtime()`, whose body in lib/livebook.ex sets secret_key_base from
// LIVEBOOK_SECRET_KEY_BASE) in the place of the call: the file before the call, the function's
// body, the file after it, so that the last setting of a key is still the one that wins.
func (p *Project) delegates(f *files, runtime []fileReads, h *helpers) []fileReads {
	if p.ix == nil {
		return runtime
	}
	var out []fileReads
	for _, fr := range runtime {
		code, aliases, from := fr.tree.Code, fr.tree.Aliases(), 0
		for i := 0; i+3 < len(code); i++ {
			if code[i].Kind != elixir.Alias || !code[i+1].Is(".") || code[i+2].Kind != elixir.Ident || !elixir.StatementStart(code, i) {
				continue
			}
			// only a call every production boot makes: not one for another environment, nor
			// one that depends on a variable or on anything phxdeploy cannot tell
			if fr.scan != nil {
				r := envRead{tok: i}
				fr.scan.condition(&r)
				if r.skip || r.when != "" || r.optional {
					continue
				}
			}
			body, ok := p.delegate(f, elixir.Expand(aliases, code[i].Text()), code[i+2].Text(), h)
			if !ok {
				continue
			}
			part := fr
			part.from, part.to = from, i
			out = append(out, part, body)
			from = i
		}
		fr.from = from
		out = append(out, fr)
	}
	return out
}

// delegate reads the body of a function of the project (by module and name) that sets config
// (its file's config calls there), as a runtime config read with the project's helpers h. A
// module defined twice, a function defined in several clauses, a body with no config call: not
// one.
func (p *Project) delegate(f *files, module, name string, h *helpers) (fileReads, bool) {
	m := p.ix.modules[module]
	if m == nil {
		return fileReads{}, false
	}
	b, ok, err := f.read(m.File)
	if err != nil || !ok || !bytes.Contains(b, []byte("config")) {
		return fileReads{}, false
	}
	t, err := elixir.Parse(string(b))
	if err != nil {
		return fileReads{}, false
	}
	var found []funcDef
	for _, d := range functionDefs(t) {
		if d.module == module && d.name == name {
			found = append(found, d)
		}
	}
	if len(found) != 1 {
		return fileReads{}, false
	}
	d := found[0]
	fr := fileReads{file: m.File, tree: t, from: d.bodyFrom, to: d.bodyTo, body: true}
	calls := false
	for _, c := range t.ConfigCalls() {
		calls = calls || fr.holds(c.First)
	}
	if !calls {
		return fileReads{}, false
	}
	fr.scan = scanReads(t, h)
	fr.reads = fr.scan.reads
	return fr, true
}

// reachable returns the functions the given ones call within their modules, and they.
func (ix *index) reachable(roots ...string) map[string]bool {
	out := map[string]bool{}
	queue := append([]string{}, roots...)
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		if out[f] {
			continue
		}
		out[f] = true
		queue = append(queue, ix.calls[f]...)
	}
	return out
}

type located struct {
	envRead
	file string
}

// readConfigTree reads a config file and the files it imports with import_config (literal names,
// inside config/; a runtime config's imports are evaluated at boot too). Imports of dev or test
// files are left out.
func (p *Project) readConfigTree(f *files, file string, h *helpers, runtime bool) ([]fileReads, error) {
	var out []fileReads
	seen := map[string]bool{}
	var visit func(file string, depth int) error
	visit = func(file string, depth int) error {
		if seen[file] || depth > 8 {
			return nil
		}
		seen[file] = true
		b, ok, err := f.read(file)
		if err != nil || !ok {
			return err
		}
		t, err := elixir.Parse(string(b))
		if err != nil {
			return &Error{Path: f.name(file), Msg: "cannot be read as Elixir (" + err.Error() + ")", Fix: "check that it compiles; if it does, please report this"}
		}
		s := scanReads(t, h)
		out = append(out, fileReads{file: file, tree: t, reads: s.reads, computed: s.computed, scan: s})
		code := t.Code
		for i := 0; i+1 < len(code); i++ {
			switch {
			case code[i].Is("import_config") && elixir.StatementStart(code, i):
				arg := i + 1
				if code[arg].Is("(") {
					arg++
				}
				if arg >= len(code) || code[arg].Kind != elixir.String {
					continue
				}
				name := elixir.Unquote(code[arg])
				env := cmp.Or(h.env, "prod")
				name = strings.NewReplacer("#{config_env()}", env, "#{Mix.env()}", env, "#{Mix.env}", env).Replace(name)
				target := path.Clean(path.Join(path.Dir(file), name))
				switch {
				case strings.Contains(name, "#{") || strings.HasPrefix(target, "../") || !strings.HasPrefix(target, "config/"):
					if runtime {
						p.Contract.Unreadable = fmt.Sprintf("%s:%d imports %s, which phxdeploy cannot read", file, code[i].Line(), name)
					}
				case path.Base(target) == "dev.exs" || path.Base(target) == "test.exs":
				case !f.isFile(target):
					if runtime {
						p.Contract.Unreadable = fmt.Sprintf("%s:%d imports %s, which is not in the project", file, code[i].Line(), target)
					}
				default:
					if err := visit(target, depth+1); err != nil {
						return err
					}
				}
			case runtime && code[i].Kind == elixir.Alias && (code[i].Text() == "Code" && code[i+1].Is(".") && i+2 < len(code) && strings.HasPrefix(code[i+2].Text(), "eval") ||
				code[i].Text() == "Config.Reader"):
				p.Contract.Unreadable = fmt.Sprintf("%s:%d evaluates another file (%s), which phxdeploy cannot follow", file, code[i].Line(), code[i].Text())
			}
		}
		return nil
	}
	err := visit(file, 0)
	return out, err
}

// calledModules lists the modules a file calls functions of (Mod.fun(...)), aliases expanded.
func calledModules(t *elixir.Tree) []string {
	aliases := t.Aliases()
	var out []string
	code := t.Code
	for i := 0; i+2 < len(code); i++ {
		if code[i].Kind == elixir.Alias && code[i+1].Is(".") && code[i+2].Kind == elixir.Ident {
			out = append(out, elixir.Expand(aliases, code[i].Text()))
		}
		if code[i].Is("import") && code[i+1].Kind == elixir.Alias {
			out = append(out, elixir.Expand(aliases, code[i+1].Text()))
		}
	}
	return out
}

// mergeReads folds the reads of each variable into one entry.
func mergeReads(reads []located) []Var {
	byName := map[string]*Var{}
	var order []string
	conditional := map[string]bool{}
	onlyAlt := map[string]string{}
	for _, r := range reads {
		if r.skip {
			continue
		}
		v := byName[r.name]
		if v == nil {
			v = &Var{Name: r.name, Via: r.via}
			byName[r.name] = v
			order = append(order, r.name)
		}
		source := fmt.Sprintf("%s:%d", r.file, r.line)
		if !slices.Contains(v.Sources, source) {
			v.Sources = append(v.Sources, source)
		}
		if r.required && !r.alt && !r.optional {
			if !v.Required || v.When != "" && r.when == "" {
				v.When = r.when
			}
			v.Required = true
		} else if !v.Required && r.when != "" && v.When == "" {
			v.When = r.when
		}
		if prev, seen := onlyAlt[r.name]; r.alt && (!seen || prev != "") {
			onlyAlt[r.name] = r.altOf
		} else {
			onlyAlt[r.name] = ""
		}
		if r.when == "" && !r.alt {
			conditional[r.name] = false
		} else if _, seen := conditional[r.name]; !seen {
			conditional[r.name] = true
		}
		if v.Default == "" {
			v.Default = r.def
		}
		v.Type = firstNonEmpty(v.Type, r.typ)
		v.Use = firstNonEmpty(v.Use, r.use)
		for _, a := range r.alts {
			if !slices.Contains(v.Alternatives, a) {
				v.Alternatives = append(v.Alternatives, a)
			}
		}
	}
	out := make([]Var, 0, len(order))
	for _, name := range order {
		v := byName[name]
		if !v.Required && !conditional[name] {
			v.When = "" // also read unconditionally
		}
		v.Secret = secretName(v.Name, v.Use, v.Type)
		v.AlternativeOf = onlyAlt[name]
		out = append(out, *v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Required && !out[j].Required })
	return out
}

// secretWords are the parts of a variable name (or of the config key it sets) that mark a
// secret: keys, tokens, passwords, salts, cookies, credentials.
var secretWords = map[string]bool{
	"KEY": true, "SECRET": true, "TOKEN": true, "PASSWORD": true, "PASS": true, "PASSWD": true, "PWD": true,
	"SALT": true, "COOKIE": true, "CREDENTIALS": true, "PRIVATE": true, "DSN": true, "PASSPHRASE": true,
	"PEM":    true, // a key in PEM (bors-ng's GITHUB_INTEGRATION_PEM); a certificate kept out of plain files costs nothing
	"APIKEY": true, "AUTH": false,
}

// credentialURLs are services whose URLs carry credentials (user:password@host).
var credentialURLs = []string{"DATABASE", "DB", "POSTGRES", "PG", "MYSQL", "REDIS", "AMQP", "RABBITMQ", "MONGO", "MONGODB", "ELASTIC", "ELASTICSEARCH", "SMTP", "MAIL", "CACHE", "BROKER", "QUEUE", "NATS", "KAFKA", "CLICKHOUSE", "REPLICA", "READ"}

// secretName reports whether a variable holds a secret, from its name, the key it sets and its
// type (a number or a flag is no secret, whatever its name: TOKEN_LIMIT).
func secretName(name, use, typ string) bool {
	parts := strings.Split(strings.ToUpper(name), "_")
	switch {
	case typ == "integer" || typ == "float" || typ == "boolean":
		return false
	case slices.Contains(parts, "PUBLIC") || slices.Contains(parts, "PUBLISHABLE") || strings.Contains(strings.ToUpper(name), "SITE_KEY"):
		return false // keys meant for browsers
	}
	for _, part := range parts {
		if secretWords[part] {
			return true
		}
	}
	if parts[len(parts)-1] == "URL" || parts[len(parts)-1] == "URI" {
		for _, part := range parts[:len(parts)-1] {
			if slices.Contains(credentialURLs, part) {
				return true
			}
		}
	}
	switch strings.ToLower(use) {
	case "password", "secret_key_base", "signing_salt", "encryption_salt", "secret", "token", "api_key", "private_key",
		"secret_access_key", "access_key_id", "key", "cookie", "client_secret", "live_view_signing_salt":
		return true
	}
	return false
}

// envMapReaders adds to h the project's functions the runtime config gives the whole environment
// (env = System.get_env(); Sequin.ConfigParser.secret_key_base(env)) and that read fixed names
// from it: their reads count at the call. The functions' files are read again (rare).
func (p *Project) envMapReaders(f *files, runtimeFile string, h *helpers) *helpers {
	b, ok, err := f.read(runtimeFile)
	if err != nil || !ok || p.ix == nil || !strings.Contains(string(b), "System.get_env()") {
		return h
	}
	t, err := elixir.Parse(string(b))
	if err != nil {
		return h
	}
	maps := envMaps(t.Code)
	if maps == nil {
		return h
	}
	code, aliases := t.Code, t.Aliases()
	wanted := map[string]map[string]bool{} // by module: Module.name
	for i := 0; i+3 < len(code); i++ {
		if code[i].Kind != elixir.Alias || !code[i+1].Is(".") || code[i+2].Kind != elixir.Ident || !code[i+3].Is("(") {
			continue
		}
		args := t.NodeAt(i + 3)
		if args == nil {
			continue
		}
		for _, e := range t.ListElements(args) {
			if e[0] == e[1] && code[e[0]].Kind == elixir.Ident && maps[code[e[0]].Text()] {
				mod := elixir.Expand(aliases, code[i].Text())
				if wanted[mod] == nil {
					wanted[mod] = map[string]bool{}
				}
				wanted[mod][mod+"."+code[i+2].Text()] = true
			}
		}
	}
	out := h.copy()
	out.maps = map[string]mapReader{}
	for mod, names := range wanted {
		m := p.ix.modules[mod]
		if m == nil {
			continue
		}
		src, ok, err := f.read(m.File)
		if err != nil || !ok {
			continue
		}
		mt, err := elixir.Parse(string(src))
		if err != nil {
			continue
		}
		for k, v := range mapReadersOf(mt, functionDefs(mt), names) {
			out.maps[k] = v
		}
	}
	return out
}
