package patch

import (
	"fmt"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
	"github.com/phxdeploy/phxdeploy/generator/setting"
)

// Runtime adds to the runtime config (file: config/runtime.exs, or config/releases.exs in
// projects from Elixir 1.9-1.10) the settings of the table that the file does not provide in any
// form. New production settings go inside the existing prod block (a new one is created at the
// end of the file when there is none); each is its own config call, which Config merges.
func Runtime(src, file string, c setting.Context) (string, error) {
	all := setting.For(c)
	s, err := newBuffer(src)
	if err != nil {
		return "", StepBack(file+" cannot be read as Elixir ("+err.Error()+")", RuntimeSnippet(all, c))
	}
	code := s.code()
	facts := elixir.NewFacts(s.tree)
	var missing []setting.Setting
	for _, st := range all {
		if !st.Present(facts, c) {
			missing = append(missing, st)
		}
	}
	for i, tok := range code {
		if loadsFile(code, i) || tok.Is("import_config") && !c.ImportsRead {
			// Settings may live in another file: phxdeploy cannot tell what is there.
			return "", StepBack(file+" loads other files, so phxdeploy cannot tell which settings they provide; make sure these are read at boot",
				RuntimeSnippet(all, c))
		}
		// A statement that calls the project's own code (Shop.Config.load!()) may set anything:
		// settings added after it would override what it sets. The settings phxdeploy found
		// it sets (c.Provided: the config calls of the function's body) are not asked for.
		if tok.Kind == elixir.Alias && s.tree.Root.Direct(i) && elixir.StatementStart(code, i) && i+1 < len(code) && code[i+1].Is(".") &&
			!stdlibModule(tok.Text()) && !hasDoBlock(s.tree, i) {
			if len(missing) == 0 {
				return src, nil
			}
			return "", StepBack(file+" calls "+tok.Text()+", which may set any setting (settings added after the call would override it); make sure these are read at boot",
				RuntimeSnippet(missing, c))
		}
	}
	if len(missing) == 0 {
		return src, nil
	}
	if c.NoProdBlock {
		return topLevel(s, file, missing, c)
	}
	block := s.tree.EnvBlock(c.Env())
	if block == nil && c.Env() != "prod" && s.tree.ProdBlock() != nil {
		// The settings the file holds for prod never run in a release built for another
		// environment: the file needs the user, not one more block.
		return "", StepBack(fmt.Sprintf("%s configures the release under `if config_env() == :prod`, but the project's Dockerfile builds it with MIX_ENV=%s, so that block never runs: make the settings run in %s too (`if config_env() in [:prod, :%s]`)", file, c.Env(), c.Env(), c.Env()),
			RuntimeSnippet(all, c))
	}
	prodIndent := "  "
	if block != nil {
		prodIndent = s.indentOf(code[block.Open].Start()) + "  "
	}
	top := setting.Render(at(missing, setting.Top), c, 0)
	start := setting.Render(at(missing, setting.ProdStart), c, len(prodIndent))
	end := setting.Render(at(missing, setting.ProdEnd), c, len(prodIndent))
	snippet := RuntimeSnippet(missing, c)
	if len(top) > 0 {
		// Top-level settings go just before the prod block (with the comments above it), as
		// Phoenix writes them; without a prod block, after `import Config`.
		var at int
		if block != nil {
			ifTok := block.Open - 1
			for ifTok > 0 && !code[ifTok].Is("if") {
				ifTok--
			}
			at = s.startOfComments(code[ifTok].Start())
			s.insert(at, strings.Join(top, "\n\n")+"\n\n")
		} else {
			for i, tok := range code {
				if tok.Is("import") && i+1 < len(code) && code[i+1].Text() == "Config" {
					at = s.nextLine(tok.Start())
					break
				}
			}
			if at == 0 {
				return "", StepBack(file+" has no `import Config` line to add settings after", snippet)
			}
			s.insert(at, "\n"+strings.Join(top, "\n\n")+"\n")
		}
	}
	prodSnippets := append(append([]string{}, start...), end...)
	if len(prodSnippets) == 0 {
		return s.done(file, snippet)
	}
	if block == nil {
		text := "if config_env() == :" + c.Env() + " do\n" + elixir.IndentBlock(strings.Join(prodSnippets, "\n\n"), prodIndent) + "\nend\n"
		if !strings.HasSuffix(src, "\n") {
			text = "\n" + text
		}
		s.insert(len(src), "\n"+text)
		return s.done(file, snippet)
	}
	doTok, endTok := code[block.Open], code[block.Close]
	if doTok.Line() == endTok.Line() {
		return "", StepBack(file+": the prod block is written on one line", snippet)
	}
	bodyStart := s.nextLine(doTok.Start())
	endLine := s.lineStart(endTok.Start())
	empty := bodyStart >= endLine || strings.TrimSpace(s.src[bodyStart:endLine]) == ""
	switch {
	case empty:
		s.replace(bodyStart, endLine, elixir.IndentBlock(strings.Join(prodSnippets, "\n\n"), prodIndent)+"\n")
	default:
		if len(start) > 0 {
			sep := "\n\n"
			if s.src[bodyStart] == '\n' || s.src[bodyStart] == '\r' {
				sep = "\n"
			}
			s.insert(bodyStart, elixir.IndentBlock(strings.Join(start, "\n\n"), prodIndent)+sep)
		}
		if len(end) > 0 {
			s.insert(endLine, "\n"+elixir.IndentBlock(strings.Join(end, "\n\n"), prodIndent)+"\n")
		}
	}
	return s.done(file, snippet)
}

// at returns the settings that go at place.
func at(settings []setting.Setting, place setting.Place) []setting.Setting {
	var out []setting.Setting
	for _, s := range settings {
		if s.Place == place {
			out = append(out, s)
		}
	}
	return out
}

// RuntimeSnippet is the paste-ready text for settings phxdeploy could not add itself.
func RuntimeSnippet(settings []setting.Setting, c setting.Context) string {
	if c.NoProdBlock {
		var blocks []string
		for _, place := range []setting.Place{setting.Top, setting.ProdStart, setting.ProdEnd} {
			blocks = append(blocks, setting.Render(at(settings, place), c, 0)...)
		}
		return strings.Join(blocks, "\n\n") + "\n"
	}
	top := setting.Render(at(settings, setting.Top), c, 0)
	prod := setting.Render(append(at(settings, setting.ProdStart), at(settings, setting.ProdEnd)...), c, 2)
	out := strings.Join(top, "\n\n")
	if len(prod) > 0 {
		if out != "" {
			out += "\n\n"
		}
		out += "if config_env() == :" + c.Env() + " do\n" + elixir.IndentBlock(strings.Join(prod, "\n\n"), "  ") + "\nend"
	}
	return out + "\n"
}

// topLevel adds the settings at the end of a releases.exs (Elixir 1.9-1.10): it is evaluated
// only in a release, and has no config_env/0 to test.
func topLevel(s *buffer, file string, missing []setting.Setting, c setting.Context) (string, error) {
	var blocks []string
	for _, place := range []setting.Place{setting.Top, setting.ProdStart, setting.ProdEnd} {
		blocks = append(blocks, setting.Render(at(missing, place), c, 0)...)
	}
	text := "\n" + strings.Join(blocks, "\n\n") + "\n"
	if !strings.HasSuffix(s.src, "\n") {
		text = "\n" + text
	}
	s.insert(len(s.src), text)
	return s.done(file, RuntimeSnippet(missing, c))
}

// stdlibModule reports whether a module is Elixir's own (System, String, ...): a call to it at
// the top of runtime.exs computes a value, it does not configure.
func stdlibModule(m string) bool {
	switch strings.SplitN(m, ".", 2)[0] {
	case "System", "String", "Integer", "Float", "Enum", "Keyword", "Map", "List", "Path", "File", "IO",
		"Application", "Logger", "Base", "URI", "Regex", "Kernel", "Version", "Code", "Config", "Jason", "JSON":
		return true
	}
	return false
}

// hasDoBlock reports whether the statement at i has a do/end block (a macro such as
// Keila.if_cloud do ... end, whose contents are in the file for all to see).
func hasDoBlock(t *elixir.Tree, i int) bool {
	end := elixir.StatementEnd(t.Code, t.Root, i)
	for k := i; k < end; k++ {
		if t.Code[k].Is("do") {
			return true
		}
	}
	return false
}

// loadsFile reports whether code[i] begins a call that reads another file or a string of code,
// which may set anything: Code.eval_file and its kin, Config.Reader.read! and its kin. The
// modules' other functions do not (Config.Reader.merge merges two keyword lists: Plausible's
// runtime config merges its HTTPS options with it).
func loadsFile(code []elixir.Token, i int) bool {
	if code[i].Kind != elixir.Alias || i+2 >= len(code) || !code[i+1].Is(".") {
		return false
	}
	fn := code[i+2].Text()
	switch code[i].Text() {
	case "Code":
		switch fn {
		case "eval_file", "require_file", "compile_file", "load_file", "eval_string", "eval_quoted", "compile_string", "compile_quoted", "eval_quoted_with_env":
			return true
		}
	case "Config.Reader":
		return fn == "read!" || fn == "read_imports!" || fn == "eval!"
	}
	return false
}
