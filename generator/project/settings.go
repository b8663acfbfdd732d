package project

import (
	"fmt"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/setting"
)

// SettingSource says how the project provides one setting phxdeploy needs (the database URL,
// the host, the port, ...), by the setting's Phoenix name.
type SettingSource struct {
	// Name is the variable the project reads the setting from.
	Name string `json:"name,omitempty"`
	// Source is where, as file:line.
	Source string `json:"source,omitempty"`
	// Fixed: the setting is given a value that reads no variable.
	Fixed bool `json:"fixed,omitempty"`
	// Parts: the database is configured from its parts (hostname, database, ...), not a URL.
	Parts bool `json:"parts,omitempty"`
	// Candidates name the variables it may come from, when phxdeploy cannot tell which.
	Candidates []string `json:"candidates,omitempty"`
	// Type is what the app turns the value into on its way to the setting ("url" when it
	// parses a URL and takes the setting from it), when the code shows it.
	Type string `json:"type,omitempty"`
	// At is when it is read: "runtime" (the runtime config), "boot" (the code, such as the
	// repo's init/2) or "build" (a compile-time config: frozen into the image).
	At string `json:"at"`
	// reshapedBy is the function the variable is read through when that may return something
	// other than its value (see helper.reshapes).
	reshapedBy string
	// when is the condition the config call that sets it runs under ("" at every boot).
	when string
}

// Unresolved reports whether the project sets the setting from something phxdeploy cannot name
// a variable in.
func (s SettingSource) Unresolved() bool { return s.Name == "" && !s.Fixed && !s.Parts }

// resolveSettings finds, for every setting of the table (and the parts of a database
// connection), how the project provides it: in the runtime config, in the code at boot, or in a
// compile-time config. A setting found nowhere is absent from the map: phxdeploy adds it.
func (p *Project) resolveSettings(runtime, build []fileReads) {
	p.Settings = map[string]SettingSource{}
	c := setting.Context{Repos: p.Repos, Endpoint: p.Endpoint, Database: p.Database, DNSCluster: true}
	for _, s := range append(append([]setting.Setting{}, setting.All...), setting.Parts...) {
		if s.Internal || !s.Applies(c) {
			continue
		}
		targets := s.Targets(c)
		found, ok := lastIn(runtime, s, targets, "runtime")
		if s.Scope == setting.Repo && len(targets) > 1 {
			// The main repo is the first of ecto_repos (the one Phoenix generates, and the one
			// a setting phxdeploy adds configures): its own call, where it names a value, is the
			// setting, whatever another repo configured after it reads (Plausible's ClickHouse
			// repo, from CLICKHOUSE_DATABASE_URL).
			if first, ok1 := lastIn(runtime, s, targets[:1], "runtime"); ok1 && !first.Unresolved() {
				found, ok = first, true
			}
		}
		if ok && found.Unresolved() && s.Scope == setting.Repo && len(targets) > 1 {
			// The last repo configured sets it from what phxdeploy cannot name (nerves_hub's
			// analytics repo, `url: clickhouse_url` under `if clickhouse_url = ...`): another
			// repo that reads it from a variable it names is the one the deployment provides.
			for _, r := range targets {
				if one, found1 := lastIn(runtime, s, []string{r}, "runtime"); found1 && one.Name != "" {
					found = one
					break
				}
			}
		}
		if !ok {
			found, ok = p.atBoot(s, targets)
		}
		if !ok {
			// At build time only a variable counts: phxdeploy reads it at runtime under the same
			// name. A fixed value there is overridden by the setting phxdeploy adds.
			found, ok = lastIn(build, s, targets, "build")
			ok = ok && found.Name != ""
		}
		if !ok && p.Contract.Var(s.Env) != nil {
			// read somewhere phxdeploy cannot see the setting made from it: it is the one
			found, ok = SettingSource{Name: s.Env, Source: p.Contract.Var(s.Env).Sources[0], At: "runtime"}, true
		}
		if !ok {
			// The runtime config may set it in a way phxdeploy cannot read (the same test the
			// runtime patch makes, so that phxdeploy never adds what it then does not write).
			for _, fr := range runtime {
				if !fr.body && s.Present(elixir.NewFacts(fr.tree), c) {
					found, ok = SettingSource{Source: fr.file, At: "runtime"}, true
				}
			}
		}
		if ok && s.Shaped && found.reshapedBy != "" {
			// Livebook's LIVEBOOK_CLUSTER must be "dns:" then the query, or it stops at boot:
			// the variable is named to the user, not set
			found = SettingSource{Source: found.Source, Candidates: []string{found.Name + " (through " + found.reshapedBy + ")"}, At: found.At}
		}
		if ok {
			p.Settings[s.Env] = found
		}
	}
	// The other repos' URLs, where a variable other than the main repo's names one.
	if main, ok := p.Settings["DATABASE_URL"]; ok && (main.Name != "" || main.Parts) {
		for _, s := range setting.All {
			if s.Env != "DATABASE_URL" {
				continue
			}
			for _, r := range p.Repos {
				one, found := lastIn(runtime, s, []string{r}, "runtime")
				if !found || one.Name == "" || one.Name == main.Name || slices.ContainsFunc(p.OtherRepoURLs, func(u RepoURL) bool { return u.Var == one.Name }) {
					continue
				}
				if one.when != "" {
					continue // configured under a condition: a database the app may go without
				}
				u := RepoURL{Repo: r, Var: one.Name, Source: one.Source}
				if v := p.Contract.Var(one.Name); v != nil {
					if v.Default != "" && !strings.HasPrefix(v.Default, `"`) {
						continue // it falls back to something the code computes (the main URL)
					}
					u.Default = v.Default
				}
				p.OtherRepoURLs = append(p.OtherRepoURLs, u)
			}
		}
	}
	// A repo given both a URL and its parts, with the URL optional in the code: the parts are
	// what the app documents, so they are what the targets require.
	if u, ok := p.Settings["DATABASE_URL"]; ok && u.Name != "" {
		if h, parts := p.Settings["DATABASE_HOST"]; parts && h.Name != "" {
			if v := p.Contract.Var(u.Name); v != nil && !v.Required {
				u.Parts = true
				p.Settings["DATABASE_URL"] = u
			}
		}
	}
	// A database configured from its parts has no URL to set.
	if u, ok := p.Settings["DATABASE_URL"]; ok && u.Unresolved() && u.Candidates == nil {
		if _, parts := p.Settings["DATABASE_HOST"]; parts {
			u.Parts = true
			p.Settings["DATABASE_URL"] = u
		}
	}
}

// lastIn finds the last config call of the files that sets the setting (Config merges calls:
// the last one wins), leaving out calls in blocks for other environments.
func lastIn(files []fileReads, s setting.Setting, targets []string, at string) (SettingSource, bool) {
	var out SettingSource
	found := false
	for _, fr := range files {
		t := fr.tree
		for _, call := range t.ConfigCalls() {
			if !fr.holds(call.First) || !slices.Contains(targets, call.Target) || outsideProduction(fr, call.First) {
				continue
			}
			var from, to int
			if s.Scope == setting.AppKey {
				from, to = call.First+5, elixir.StatementEnd(t.Code, call.Node, call.First)
			} else {
				var ok bool
				if from, to, ok = t.KeywordValue(call, s.Keys[0]); !ok {
					source := fmt.Sprintf("%s:%d", fr.file, t.Code[call.First].Line())
					parent, child, nested := strings.Cut(s.Keys[0], ".")
					pf, pt, hasParent := t.KeywordValue(call, parent)
					switch {
					case nested && hasParent && t.Code[pf].Is("["):
						// a literal list without the key: Config merges it with the others, so
						// this call leaves the setting as it was
					case nested && hasParent:
						// `url: config`, where config is a keyword list built elsewhere
						v, ok := nestedSource(fr, pf, pt, child)
						if !ok {
							v = SettingSource{} // set, but not in a form phxdeploy can read
						}
						if v.Source == "" {
							v.Source = source
						}
						v.At = at
						out, found = v, true
					case s.Env == "DATABASE_URL" && slices.ContainsFunc([]string{"hostname", "database", "socket_dir"}, func(k string) bool {
						_, _, ok := t.KeywordValue(call, k)
						return ok
					}):
						out, found = SettingSource{Parts: true, Source: source, At: at}, true
					case call.Opaque && !found:
						// options phxdeploy cannot see into (a variable, a call) may set it
						out, found = SettingSource{Source: source, At: at}, true
					}
					continue
				}
			}
			v := valueSource(fr, from, to, 0)
			if v.Type == "file" {
				// the variable names a file that holds the value: no variable holds the value itself
				v = SettingSource{Candidates: []string{v.Name}}
			}
			if slices.Contains(v.Candidates, s.Env) {
				// one of the variables is the setting's own name: the app reads it for this
				v = SettingSource{Name: s.Env}
			}
			if s.Env == "ECTO_IPV6" && (v.Name == "" || !flagLike(t, from, to)) {
				continue // a variable read as a host name is not a flag
			}
			v.At = at
			if v.Source == "" {
				v.Source = fmt.Sprintf("%s:%d", fr.file, t.Code[call.First].Line())
			}
			v.when = callCondition(fr, call.First)
			out, found = v, true
		}
	}
	return out, found
}

// outsideProduction reports whether token i of a file only runs outside production.
func outsideProduction(fr fileReads, i int) bool { return conditionAt(fr, i).skip }

// callCondition is the condition token i of a file runs under in production ("" always).
func callCondition(fr fileReads, i int) string { return conditionAt(fr, i).when }

// conditionAt is what the blocks around token i of a file say of it (see readScanner.condition).
func conditionAt(fr fileReads, i int) envRead {
	s := fr.scan
	if s == nil {
		s = scanReads(fr.tree, nil)
	}
	r := envRead{tok: i}
	s.condition(&r)
	return r
}

// valueSource names the variable behind the value in tokens [from, to): the one read there (a
// chain `A || B` counts as A), the read a bare local was assigned from, or the one variable-like
// string a call the scanner does not know takes.
func valueSource(fr fileReads, from, to, depth int) SettingSource {
	return valueBefore(fr, from, to, from, depth)
}

// valueBefore is valueSource, following locals to assignments before token before.
func valueBefore(fr fileReads, from, to, before, depth int) SettingSource {
	t := fr.tree
	code := t.Code
	var names []string
	var first envRead
	for _, r := range fr.reads {
		if r.start >= from && r.end <= to && !r.alt && !slices.Contains(names, r.name) {
			if len(names) == 0 {
				first = r
			}
			names = append(names, r.name)
		}
	}
	switch {
	case len(names) == 1:
		return SettingSource{Name: first.name, Source: fmt.Sprintf("%s:%d", fr.file, first.line), Type: first.typ, reshapedBy: map[bool]string{true: first.via}[first.reshaped]}
	case len(names) > 1:
		return SettingSource{Candidates: names}
	}
	// `url: database_url`, `host: base_url.host`, `URI.parse(base_url)`: the assignment of the
	// one local the value uses
	if local, conv := onlyLocal(code, from, to); local != "" && depth < 4 {
		// in a function's body, a local is one of its own (a parameter, or a name another
		// function gives a value, is not followed)
		lo := 0
		if fr.body {
			lo = fr.from
		}
		for i := before - 1; i > lo; i-- {
			if code[i-1].Kind == elixir.Ident && code[i-1].Text() == local && code[i].Is("=") && elixir.StatementStart(code, i-1) {
				v := valueBefore(fr, i+1, elixir.StatementEnd(code, t.Enclosing(i-1), i-1), i-1, depth+1)
				v.Type = firstNonEmpty(v.Type, converters[conv])
				return v
			}
		}
	}
	// a call phxdeploy does not know, given the variable's name
	var literal []string
	plain := true
	for i := from; i < to && i < len(code); i++ {
		switch tok := code[i]; {
		case isName(tok):
			if !yamlWord(elixir.Unquote(tok)) && !slices.Contains(literal, elixir.Unquote(tok)) {
				literal = append(literal, elixir.Unquote(tok))
			}
		case tok.Kind == elixir.Ident && !tok.Is("true") && !tok.Is("false") && !tok.Is("nil"), tok.Kind == elixir.Alias:
			plain = false
		}
	}
	switch {
	case len(literal) == 1:
		return SettingSource{Name: literal[0], Source: fmt.Sprintf("%s:%d", fr.file, code[from].Line())}
	case len(literal) > 1:
		return SettingSource{Candidates: literal}
	case plain:
		return SettingSource{Fixed: true}
	}
	return SettingSource{}
}

// nestedSource follows a value that is one local (`url: config`) to its assignment and reads
// the setting from the key child there (`config = [host: url_host, ...] |> ...`).
func nestedSource(fr fileReads, from, to int, child string) (SettingSource, bool) {
	t := fr.tree
	code := t.Code
	local, _ := onlyLocal(code, from, to)
	if local == "" {
		return SettingSource{}, false
	}
	for i := from - 1; i > 0; i-- {
		if !(code[i-1].Kind == elixir.Ident && code[i-1].Text() == local && code[i].Is("=") && elixir.StatementStart(code, i-1)) {
			continue
		}
		end := elixir.StatementEnd(code, t.Enclosing(i-1), i-1)
		for k := i + 1; k < end; k++ {
			if code[k].Kind == elixir.KeywordKey && code[k].Text() == child {
				holder := t.Enclosing(k)
				return valueBefore(fr, k+1, t.ValueEnd(holder, k+1, min(end, holder.Close)), i-1, 1), true
			}
		}
		return SettingSource{}, false
	}
	return SettingSource{}, false
}

// onlyLocal returns the one variable a value is made of: alone, with a field of it
// (`base_url.host`), or converted (`URI.parse(base_url)`, with the conversion); "" when the value
// is anything else.
func onlyLocal(code []elixir.Token, from, to int) (local, conversion string) {
	switch {
	case to-from == 1 && code[from].Kind == elixir.Ident:
		return code[from].Text(), ""
	case to-from == 3 && code[from].Kind == elixir.Ident && code[from+1].Is(".") && code[from+2].Kind == elixir.Ident:
		return code[from].Text(), ""
	case to-from == 6 && code[from].Kind == elixir.Alias && code[from+1].Is(".") && code[from+3].Is("(") && code[from+4].Kind == elixir.Ident && code[from+5].Is(")"):
		return code[from+4].Text(), code[from].Text() + "." + code[from+2].Text()
	}
	return "", ""
}

// atBoot finds a setting the code reads when it boots: a repo's or the endpoint's init/2 given
// the variable for the setting's key.
func (p *Project) atBoot(s setting.Setting, targets []string) (SettingSource, bool) {
	if p.ix == nil || s.Scope == setting.AppKey {
		return SettingSource{}, false
	}
	key := s.Keys[0][strings.LastIndexByte(s.Keys[0], '.')+1:]
	for _, r := range p.ix.reads {
		if r.function == "init" && slices.Contains(targets, r.module) && r.use == key && !r.alt {
			return SettingSource{Name: r.name, Source: fmt.Sprintf("%s:%d", r.file, r.line), At: "boot"}, true
		}
	}
	// init/2 gives the key the result of a function of its module (`:url, db_url()`): the
	// variable that function (or what it calls) reads
	for _, m := range targets {
		f := p.ix.keyCalls[m+".init"][key]
		if f == "" {
			continue
		}
		via := p.ix.reachable(f)
		for _, r := range p.ix.reads {
			if via[r.module+"."+r.function] && !r.alt && r.use == "" {
				return SettingSource{Name: r.name, Source: fmt.Sprintf("%s:%d", r.file, r.line), At: "boot"}, true
			}
		}
	}
	return SettingSource{}, false
}

// yamlWord reports whether a name is a plain scalar YAML reads as a boolean or null (ON, NULL):
// it cannot name a variable in a manifest.
func yamlWord(s string) bool {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "true", "false", "on", "off", "null":
		return true
	}
	return false
}

// flagLike reports whether an expression tests a variable against "true" (ECTO_IPV6 is a flag:
// a variable the app parses as a host name is not it, and must never be set to "true").
func flagLike(t *elixir.Tree, from, to int) bool {
	for i := from; i < to && i < len(t.Code); i++ {
		switch tok := t.Code[i]; tok.Kind {
		case elixir.String:
			if v := elixir.Unquote(tok); v == "true" || v == "1" {
				return true
			}
		case elixir.Sigil:
			if strings.Contains(tok.Text(), "true") {
				return true
			}
		}
	}
	return false
}

// Names returns, for every setting the project reads from a variable it names, that name, by
// the setting's Phoenix name.
func (p *Project) Names() map[string]string {
	out := map[string]string{}
	for k, v := range p.Settings {
		if v.Name != "" {
			out[k] = v.Name
		}
	}
	return out
}
