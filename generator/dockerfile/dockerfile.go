// Package dockerfile reads a Dockerfile's instructions the way BuildKit's parser does, for the
// facts phxdeploy needs (stages, COPY sources and destinations, ENV and ARG, WORKDIR, USER,
// EXPOSE, RUN, CMD and ENTRYPOINT), and expands variables in a word as the build does.
//
// It is phxdeploy's own small reader: BuildKit's packages cost the binary about half a millisecond
// of start-up (their package initialisation and protobuf) on every run, Dockerfile or not.
// BuildKit stays the oracle: dockerfile_test.go compares both on every Dockerfile the tests know
// and fuzzes the comparison, and phxdeploy-lint validates rendered Dockerfiles with BuildKit
// itself. What it does not check: the values of RUN --mount and --device (the build refuses a
// bad one).
package dockerfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// File is a parsed Dockerfile.
type File struct {
	Escape   rune   // the escape character: \ or ` (the escape directive)
	MetaArgs []Pair // ARGs before the first FROM
	Stages   []Stage
}

// Stage is one FROM and the instructions after it.
type Stage struct {
	Name     string // the AS name, lower-cased; "" when none
	BaseName string // the image or stage it is built FROM, as written
	Platform string
	Line     int
	Commands []Command
}

// Pair is one name of ENV or ARG. Values are as written (quotes kept): Expand reads them.
type Pair struct {
	Key   string
	Value string
	Set   bool // an ARG without =value has none
}

// Command is one instruction of a stage.
type Command struct {
	Name string // lower-case: copy, add, run, env, arg, workdir, entrypoint, cmd, user, expose, ...
	Line int    // the line it starts on
	// Args: COPY and ADD sources (here-documents left out); the command line of RUN, CMD and
	// ENTRYPOINT (one string in shell form); EXPOSE's ports, sorted; the value of USER and WORKDIR.
	Args  []string
	Dest  string // COPY and ADD
	From  string // COPY --from
	Shell bool   // RUN, CMD, ENTRYPOINT in shell form
	Pairs []Pair // ENV, ARG
	// Heredocs are the contents of the here-documents of RUN, COPY and ADD.
	Heredocs []string
}

// Error is a Dockerfile that does not parse: the line and what is wrong.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// instruction is one logical line: what the line parser makes of it.
type instruction struct {
	cmd      string   // as written
	flags    []string // --name[=value] before the arguments
	args     []string
	json     bool
	line     int
	heredocs []heredoc
}

type heredoc struct {
	name    string
	chomp   bool
	content string
}

// Parse reads a Dockerfile.
func Parse(src []byte) (*File, error) {
	lines := splitLines(src)
	for i, l := range lines {
		// a last line without a newline must leave room in the buffer for one
		if len(l) > maxLine || len(l) == maxLine && l[len(l)-1] != '\n' {
			return nil, &Error{Line: i, Msg: fmt.Sprintf("dockerfile line greater than max allowed size of %d", maxLine-1)}
		}
	}
	if len(lines) > 0 {
		lines[0] = bytes.TrimPrefix(lines[0], []byte("\xef\xbb\xbf"))
	}
	f := &File{Escape: '\\'}
	dirs := directives{}
	var ins []instruction
	for i := 0; i < len(lines); {
		first, err := dirs.line(f, trimNewline(lines[i]), true)
		if err != nil {
			return nil, &Error{Line: i + 1, Msg: err.Error()}
		}
		i++
		start := i
		text, end := trimContinuation(first, f.Escape)
		if end && len(text) == 0 {
			continue
		}
		var buf bytes.Buffer
		buf.Write(text)
		for !end && i < len(lines) {
			raw := lines[i]
			next, err := dirs.line(f, trimNewline(raw), false)
			if err != nil {
				return nil, &Error{Line: i + 1, Msg: err.Error()}
			}
			i++
			if isComment(raw) || len(bytes.TrimLeftFunc(trimNewline(raw), unicode.IsSpace)) == 0 {
				continue
			}
			next, end = trimContinuation(next, f.Escape)
			buf.Write(next)
		}
		in, err := splitInstruction(buf.String(), f.Escape)
		if err != nil {
			return nil, &Error{Line: start, Msg: err.Error()}
		}
		in.line = start
		if canHoldHeredocs(in) && strings.Contains(buf.String(), "<<") {
			hs, err := heredocsIn(buf.String())
			if err != nil {
				return nil, &Error{Line: start, Msg: err.Error()}
			}
			for _, h := range hs {
				done := false
				var content strings.Builder
				for i < len(lines) {
					l := lines[i]
					i++
					end := trimNewline(l)
					if h.chomp {
						end = bytes.TrimLeft(end, "\t")
					}
					if string(end) == h.name {
						done = true
						break
					}
					content.Write(l)
				}
				if !done {
					return nil, &Error{Line: start, Msg: "unterminated heredoc"}
				}
				h.content = content.String()
				in.heredocs = append(in.heredocs, h)
			}
		}
		ins = append(ins, in)
	}
	if len(ins) == 0 {
		return nil, &Error{Line: len(lines), Msg: "file with no instructions"}
	}
	for _, in := range ins {
		c, err := command(in)
		if err != nil {
			return nil, &Error{Line: in.line, Msg: err.Error()}
		}
		switch {
		case c.Name == "from":
			f.Stages = append(f.Stages, Stage{Name: c.From, BaseName: c.Dest, Platform: c.Args[0], Line: c.Line})
		case len(f.Stages) == 0 && c.Name == "arg":
			f.MetaArgs = append(f.MetaArgs, c.Pairs...)
		case len(f.Stages) == 0:
			return nil, &Error{Line: in.line, Msg: "no build stage in current context"}
		default:
			st := &f.Stages[len(f.Stages)-1]
			st.Commands = append(st.Commands, c)
		}
	}
	return f, nil
}

// maxLine is the longest line BuildKit reads (its line scanner's buffer), the newline included.
const maxLine = 64 * 1024

// splitLines splits after each newline, keeping it (the last line may have none).
func splitLines(src []byte) [][]byte {
	out := bytes.SplitAfter(src, []byte("\n"))
	if len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

func trimNewline(b []byte) []byte { return bytes.TrimRight(b, "\r\n") }

func isComment(b []byte) bool {
	b = bytes.TrimLeftFunc(b, unicode.IsSpace)
	return len(b) > 0 && b[0] == '#'
}

// directives reads the parser directives (# escape=`, # syntax=…, # check=…) that may open the
// file, before any instruction, blank line or other comment.
type directives struct {
	done bool
	seen map[string]bool
}

// line reads one physical line (newline trimmed): the directive it may be, and the line as an
// instruction's text (nothing for a comment).
func (d *directives) line(f *File, b []byte, first bool) ([]byte, error) {
	if first {
		b = bytes.TrimLeftFunc(b, unicode.IsSpace)
	}
	if !d.done {
		if err := d.directive(f, b); err != nil {
			return nil, err
		}
	}
	if isComment(b) {
		return nil, nil
	}
	return b, nil
}

func (d *directives) directive(f *File, b []byte) error {
	rest, ok := bytes.CutPrefix(b, []byte("#"))
	if !ok {
		d.done = true
		return nil
	}
	rest = bytes.TrimLeftFunc(rest, unicode.IsSpace)
	// name = value: a letter, then letters and digits.
	n := 0
	for n < len(rest) && (isASCIILetter(rest[n]) || n > 0 && rest[n] >= '0' && rest[n] <= '9') {
		n++
	}
	// Around "=" and after the value, BuildKit's expression allows \t \n \f \r and space only.
	const blanks = " \t\n\f\r"
	name := strings.ToLower(string(rest[:n]))
	after := bytes.TrimLeft(rest[n:], blanks)
	raw, hasEq := bytes.CutPrefix(after, []byte("="))
	value := bytes.Trim(raw, blanks)
	if len(value) == 0 && len(raw) > 0 {
		value = raw[len(raw)-1:] // only blanks: the expression's (.+?) still takes the last one
	}
	if n == 0 || !hasEq || len(value) == 0 || bytes.ContainsRune(value, '\n') || (name != "escape" && name != "syntax" && name != "check") {
		d.done = true
		return nil
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	if d.seen[name] {
		return fmt.Errorf("only one %s parser directive can be used", name)
	}
	d.seen[name] = true
	if name == "escape" {
		if v := string(value); v != "`" && v != `\` {
			return fmt.Errorf("invalid escape token '%s' does not match ` or \\", v)
		}
		f.Escape = rune(value[0])
	}
	return nil
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// trimContinuation removes a trailing escape character (and the blanks after it) that continues
// the instruction on the next line; end is false when it did. An escape character escaped by
// another does not continue the line.
func trimContinuation(b []byte, escape rune) (out []byte, end bool) {
	t := bytes.TrimRight(b, " \t")
	if len(t) == 0 || t[len(t)-1] != byte(escape) {
		return b, true
	}
	if len(t) >= 2 && t[len(t)-2] == byte(escape) {
		return b, true
	}
	return t[:len(t)-1], false
}

// isBlank is the whitespace that separates an instruction's words: \t \v \f \r and space.
func isBlank(r rune) bool { return r == ' ' || r == '\t' || r == '\v' || r == '\f' || r == '\r' }

// splitInstruction splits a logical line into the instruction, its --flags and its arguments,
// as the line parser of its instruction reads them.
func splitInstruction(line string, escape rune) (instruction, error) {
	line = strings.TrimSpace(line)
	in := instruction{}
	i := strings.IndexFunc(line, isBlank)
	if i < 0 {
		in.cmd = line
		return in, nil
	}
	in.cmd = line[:i]
	rest, flags := builderFlags(strings.TrimLeftFunc(line[i:], isBlank), escape)
	in.flags = flags
	rest = strings.TrimSpace(rest)
	var err error
	switch strings.ToLower(in.cmd) {
	case "add", "copy", "volume":
		if in.args, err = jsonArray(rest); err == errNotJSON {
			in.args, err = fieldsBlank(rest), nil
		} else {
			in.json = err == nil
		}
	case "cmd", "entrypoint", "run", "shell":
		if rest == "" {
			break
		}
		if in.args, err = jsonArray(rest); err == errNotJSON {
			in.args, err = []string{rest}, nil
		} else {
			in.json = err == nil
		}
	case "arg":
		in.args = words(rest, escape)
	case "env", "label":
		in.args, err = nameValues(rest, strings.ToUpper(in.cmd), escape)
	case "expose", "from":
		in.args = fieldsBlank(rest)
	case "maintainer", "stopsignal", "user", "workdir":
		if rest != "" {
			in.args = []string{rest}
		}
	case "healthcheck":
		// The type (CMD or NONE), then a command in JSON or shell form.
		// (Read byte by byte, as BuildKit does.)
		typ := 0
		for typ < len(rest) && !unicode.IsSpace(rune(rest[typ])) {
			typ++
		}
		if typ == 0 {
			break
		}
		next := typ
		for next < len(rest) && unicode.IsSpace(rune(rest[next])) {
			next++
		}
		cmd := rest[next:]
		in.args = []string{rest[:typ]}
		if cmd != "" {
			args, err := jsonArray(cmd)
			switch {
			case err == errNotStringArray:
				return in, err
			case err == nil:
				in.json = true
				in.args = append(in.args, args...)
			default:
				in.args = append(in.args, cmd)
			}
		}
	case "onbuild":
		if rest != "" {
			sub, err := splitInstruction(rest, escape)
			if err != nil {
				return in, err
			}
			in.args = append([]string{sub.cmd}, sub.args...)
		}
	default:
		if rest != "" {
			in.args = []string{rest}
		}
	}
	return in, err
}

// builderFlags takes the --flags that open an instruction's arguments (quotes and the escape
// character read as a shell would; "--" ends them) and returns the rest. Like BuildKit, it reads
// a flag byte by byte, each byte as the character of that number.
func builderFlags(line string, escape rune) (string, []string) {
	var flags []string
	pos := 0
	for {
		for pos < len(line) && unicode.IsSpace(rune(line[pos])) {
			pos++
		}
		if pos+1 >= len(line) || line[pos] != '-' || line[pos+1] != '-' {
			if pos >= len(line) {
				return "", flags
			}
			return line[pos:], flags
		}
		var word strings.Builder
		blankOK := false
		var quote byte
		for ; pos < len(line); pos++ {
			ch := line[pos]
			if quote == 0 && unicode.IsSpace(rune(ch)) {
				break
			}
			switch {
			case quote != 0 && ch == quote:
				quote = 0
			case quote == 0 && (ch == '\'' || ch == '"'):
				quote, blankOK = ch, true
			case rune(ch) == escape && pos+1 == len(line):
				quote = 0
			case rune(ch) == escape:
				pos++
				word.WriteRune(rune(line[pos]))
			default:
				word.WriteRune(rune(ch))
			}
		}
		w := word.String()
		if w == "--" {
			return line[pos:], flags
		}
		if blankOK || w != "" {
			flags = append(flags, w)
		}
		if pos >= len(line) {
			return "", flags
		}
	}
}

var (
	errNotJSON        = fmt.Errorf("not a JSON array")
	errNotStringArray = fmt.Errorf("JSON arrays in a Dockerfile hold strings only")
)

func jsonArray(rest string) ([]string, error) {
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	if !strings.HasPrefix(rest, "[") {
		return nil, errNotJSON
	}
	var v []any
	if err := json.Unmarshal([]byte(rest), &v); err != nil {
		return nil, errNotJSON
	}
	out := make([]string, 0, len(v))
	for _, x := range v {
		s, ok := x.(string)
		if !ok {
			return nil, errNotStringArray
		}
		out = append(out, s)
	}
	return out, nil
}

func fieldsBlank(s string) []string {
	if s == "" {
		return nil
	}
	// Split at every run of blanks; blanks at either end give an empty field, as a regexp split.
	var out []string
	start := 0
	for i := 0; i < len(s); {
		if !isBlank(rune(s[i])) {
			i++
			continue
		}
		out = append(out, s[start:i])
		for i < len(s) && isBlank(rune(s[i])) {
			i++
		}
		start = i
	}
	return append(out, s[start:])
}

// words splits at unquoted white space, keeping quotes and escapes as written.
func words(rest string, escape rune) []string {
	var out []string
	var w strings.Builder
	inWord, blankOK := false, false
	var quote rune
	for pos := 0; pos < len(rest); {
		ch, n := utf8.DecodeRuneInString(rest[pos:])
		pos += n
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == escape && quote != '\'' {
				if pos == len(rest) {
					quote = 0
					continue
				}
				w.WriteRune(ch)
				ch, n = utf8.DecodeRuneInString(rest[pos:])
				pos += n
			}
			w.WriteRune(ch)
		case unicode.IsSpace(ch):
			if inWord && (blankOK || w.Len() > 0) {
				out = append(out, w.String())
			}
			w.Reset()
			inWord, blankOK = false, false
		default:
			inWord = true
			if ch == '\'' || ch == '"' {
				quote, blankOK = ch, true
			}
			if ch == escape {
				if pos == len(rest) {
					continue
				}
				w.WriteRune(ch)
				ch, n = utf8.DecodeRuneInString(rest[pos:])
				pos += n
			}
			w.WriteRune(ch)
		}
	}
	if inWord && (blankOK || w.Len() > 0) {
		out = append(out, w.String())
	}
	return out
}

// nameValues reads ENV and LABEL: name=value words, or the older "ENV name value" (the rest of
// the line). The result is name, value, separator triples.
func nameValues(rest, key string, escape rune) ([]string, error) {
	ws := words(rest, escape)
	if len(ws) == 0 {
		return nil, nil
	}
	if !strings.Contains(ws[0], "=") {
		i := strings.IndexFunc(rest, isBlank)
		if i < 0 {
			return nil, fmt.Errorf("%s must have two arguments", key)
		}
		return []string{rest[:i], strings.TrimLeftFunc(rest[i:], isBlank), ""}, nil
	}
	var out []string
	for _, w := range ws {
		name, value, ok := strings.Cut(w, "=")
		if !ok {
			return nil, fmt.Errorf("Syntax error - can't find = in %q. Must be of the form: name=value", w)
		}
		out = append(out, name, value, "=")
	}
	return out, nil
}

func canHoldHeredocs(in instruction) bool {
	switch strings.ToLower(in.cmd) {
	case "run", "copy", "add":
		return true
	case "onbuild":
		if len(in.args) > 0 {
			switch strings.ToLower(in.args[0]) {
			case "run", "copy", "add":
				return true
			}
		}
	}
	return false
}

// heredocsIn finds the here-documents a line opens: words <<NAME, <<-NAME (tabs before the
// terminator allowed), with an optional file descriptor, the name perhaps quoted.
func heredocsIn(line string) ([]heredoc, error) {
	var out []heredoc
	for _, w := range heredocWords(line) {
		h, ok, err := heredocWord(w)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// heredocWord reads one word as a here-document's opening: [digits]<<[-][blanks]name.
func heredocWord(w string) (heredoc, bool, error) {
	w = strings.TrimLeft(w, "0123456789")
	rest, ok := strings.CutPrefix(w, "<<")
	if !ok {
		return heredoc{}, false, nil
	}
	h := heredoc{}
	rest, h.chomp = strings.CutPrefix(rest, "-")
	rest = strings.TrimLeft(rest, " \t\n\f\r")
	if rest == "" || strings.Contains(rest, "<") {
		return heredoc{}, false, nil
	}
	name, words, raw, err := heredocName(rest)
	if err != nil {
		return heredoc{}, false, err
	}
	if words != 1 {
		return heredoc{}, false, nil
	}
	if raw != words {
		return heredoc{}, false, fmt.Errorf("internal lexing of heredoc produced inconsistent results: %s", rest)
	}
	h.name = name
	return h, true, nil
}

// command checks an instruction's flags and arguments as BuildKit does, and makes a Command.
// A FROM comes back as a Command named from: its stage name in From, its base in Dest and its
// platform in Args[0].
func command(in instruction) (Command, error) {
	name := strings.ToLower(in.cmd)
	c := Command{Name: name, Line: in.line}
	flags := flagSet{}
	switch name {
	case "from":
		flags.add("platform", flagString)
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		switch {
		case len(in.args) == 3 && strings.EqualFold(in.args[1], "as"):
			c.From = strings.ToLower(in.args[2])
			if !validStageName(c.From) {
				return c, fmt.Errorf("invalid name for build stage: %q, name can't start with a number or contain symbols", in.args[2])
			}
		case len(in.args) != 1:
			return c, fmt.Errorf("FROM requires either one or three arguments")
		}
		c.Dest, c.Args = in.args[0], []string{flags.value("platform")}
	case "copy", "add":
		up := strings.ToUpper(name)
		if len(in.args) < 2 {
			return c, fmt.Errorf("%s requires at least two arguments, but only %d provided", up, len(in.args))
		}
		flags.add("chown", flagString)
		flags.add("chmod", flagString)
		flags.add("link", flagBool)
		flags.add("exclude", flagStrings)
		if name == "copy" {
			flags.add("from", flagString)
			flags.add("parents", flagBool)
		} else {
			flags.add("keep-git-dir", flagBool)
			flags.add("checksum", flagString)
			flags.add("unpack", flagBool)
		}
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		c.From = flags.value("from")
		c.Dest = in.args[len(in.args)-1]
		if _, ok, _ := heredocWord(c.Dest); ok {
			return c, fmt.Errorf("%s cannot accept a heredoc as a destination", up)
		}
		// A source that is a here-document is its content (none when the line's here-documents
		// could not be read), not a path.
		content := map[string]string{}
		for _, h := range in.heredocs {
			content[h.name] = h.content
		}
		for _, src := range in.args[:len(in.args)-1] {
			h, ok, _ := heredocWord(src)
			switch {
			case !ok:
				c.Args = append(c.Args, src)
			case h.chomp:
				c.Heredocs = append(c.Heredocs, chompTabs(content[h.name]))
			default:
				c.Heredocs = append(c.Heredocs, content[h.name])
			}
		}
		return c, nil
	case "run", "cmd", "entrypoint":
		if name == "run" {
			flags.add("mount", flagStrings)
			flags.add("network", flagString)
			flags.add("security", flagString)
			flags.add("device", flagStrings)
		}
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		// --mount and --device values are not checked (BuildKit's own check refuses a bad one
		// when the image is built; the facts phxdeploy reads do not depend on them).
		if v, given := flags.values["network"]; given && v != "default" && v != "none" && v != "host" {
			return c, fmt.Errorf("invalid network mode %q", v)
		}
		if v, given := flags.values["security"]; given && v != "sandbox" && v != "insecure" {
			return c, fmt.Errorf("security %q is not valid", v)
		}
		c.Shell = !in.json
		switch {
		case len(in.args) == 0 && name == "entrypoint":
		case in.json || len(in.args) == 0:
			c.Args = append([]string{}, in.args...)
		default:
			c.Args = []string{strings.Join(in.args, " ")}
		}
	case "env", "label":
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		if len(in.args) == 0 {
			return c, fmt.Errorf("%s requires at least one argument", strings.ToUpper(name))
		}
		for j := 0; j+2 < len(in.args); j += 3 {
			if in.args[j] == "" {
				return c, fmt.Errorf("%s names can not be blank", strings.ToUpper(name))
			}
			c.Pairs = append(c.Pairs, Pair{Key: in.args[j], Value: in.args[j+1], Set: true})
		}
	case "arg": // BuildKit reads no flags for ARG
		if len(in.args) == 0 {
			return c, fmt.Errorf("ARG requires at least one argument")
		}
		for _, a := range in.args {
			k, v, ok := strings.Cut(a, "=")
			if ok && k == "" {
				return c, fmt.Errorf("ARG names can not be blank")
			}
			c.Pairs = append(c.Pairs, Pair{Key: k, Value: v, Set: ok})
		}
	case "workdir", "user", "maintainer":
		if len(in.args) != 1 {
			return c, fmt.Errorf("%s requires exactly one argument", strings.ToUpper(name))
		}
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		c.Args = in.args
	case "stopsignal": // no flags read
		if len(in.args) != 1 {
			return c, fmt.Errorf("STOPSIGNAL requires exactly one argument")
		}
	case "expose", "volume":
		if len(in.args) == 0 {
			return c, fmt.Errorf("%s requires at least one argument", strings.ToUpper(name))
		}
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		for _, v := range in.args {
			if name == "volume" {
				if v = strings.TrimSpace(v); v == "" {
					return c, fmt.Errorf("VOLUME specified can not be an empty string")
				}
			}
			c.Args = append(c.Args, v)
		}
		if name == "expose" {
			slices.Sort(c.Args)
		}
	case "shell":
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		if len(in.args) == 0 {
			return c, fmt.Errorf("SHELL requires at least one argument")
		}
		if !in.json {
			return c, fmt.Errorf("SHELL requires the arguments to be in JSON form")
		}
	case "healthcheck":
		if err := healthcheck(in); err != nil {
			return c, err
		}
	case "onbuild":
		if len(in.args) == 0 {
			return c, fmt.Errorf("ONBUILD requires at least one argument")
		}
		if err := flags.parse(in.flags); err != nil {
			return c, err
		}
		switch strings.ToUpper(strings.TrimSpace(in.args[0])) {
		case "ONBUILD":
			return c, fmt.Errorf("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
		case "MAINTAINER", "FROM":
			return c, fmt.Errorf("%s isn't allowed as an ONBUILD trigger", in.args[0])
		}
	default:
		return c, fmt.Errorf("unknown instruction: %s", in.cmd)
	}
	for _, h := range in.heredocs {
		if h.chomp {
			h.content = chompTabs(h.content)
		}
		c.Heredocs = append(c.Heredocs, h.content)
	}
	return c, nil
}

// healthcheck checks HEALTHCHECK NONE, or HEALTHCHECK [--interval=… --timeout=…
// --start-period=… --start-interval=… --retries=…] CMD command.
func healthcheck(in instruction) error {
	if len(in.args) == 0 {
		return fmt.Errorf("HEALTHCHECK requires at least one argument")
	}
	typ := strings.ToUpper(in.args[0])
	if typ == "NONE" {
		if len(in.args) != 1 {
			return fmt.Errorf("HEALTHCHECK NONE takes no arguments")
		}
		return nil
	}
	flags := flagSet{}
	for _, f := range []string{"interval", "timeout", "start-period", "start-interval", "retries"} {
		flags.add(f, flagString)
	}
	if err := flags.parse(in.flags); err != nil {
		return err
	}
	if typ != "CMD" {
		return fmt.Errorf("Unknown type %q in HEALTHCHECK (try CMD)", in.args[0])
	}
	if len(in.args) == 1 {
		return fmt.Errorf("Missing command after HEALTHCHECK CMD")
	}
	for _, f := range []string{"interval", "timeout", "start-period", "start-interval"} {
		if v := flags.value(f); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return err
			}
			if d != 0 && d < time.Millisecond {
				return fmt.Errorf("Interval %q cannot be less than 1ms", f)
			}
		}
	}
	if v := flags.value("retries"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return err
		}
		if n < 0 {
			return fmt.Errorf("--retries cannot be negative (%d)", n)
		}
	}
	return nil
}

// chompTabs removes the tabs that open each line (a <<- here-document).
func chompTabs(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t")
	}
	return strings.Join(lines, "")
}

func validStageName(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

type flagKind int

const (
	flagBool flagKind = iota
	flagString
	flagStrings
)

// flagSet reads an instruction's --flags: known names only, a value where one is needed.
type flagSet struct {
	kinds  map[string]flagKind
	values map[string]string
}

func (s *flagSet) add(name string, k flagKind) {
	if s.kinds == nil {
		s.kinds = map[string]flagKind{}
	}
	s.kinds[name] = k
}

func (s *flagSet) value(name string) string { return s.values[name] }

func (s *flagSet) parse(args []string) error {
	used := map[string]bool{}
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if !strings.HasPrefix(a, "--") {
			return fmt.Errorf("arg should start with -- : %s", a)
		}
		flag, value, hasValue := strings.Cut(a, "=")
		name := flag[2:]
		kind, ok := s.kinds[name]
		if !ok {
			return fmt.Errorf("unknown flag: %s", flag)
		}
		if used[name] && kind != flagStrings {
			return fmt.Errorf("duplicate flag specified: %s", flag)
		}
		used[name] = true
		switch kind {
		case flagBool:
			if hasValue && value == "" {
				return fmt.Errorf("missing a value on flag: %s", flag)
			}
			switch strings.ToLower(value) {
			case "", "true", "false":
			default:
				return fmt.Errorf("expecting boolean value for flag %s, not: %s", flag, value)
			}
		default:
			if !hasValue {
				return fmt.Errorf("missing a value on flag: %s", flag)
			}
		}
		if s.values == nil {
			s.values = map[string]string{}
		}
		s.values[name] = value
	}
	return nil
}
