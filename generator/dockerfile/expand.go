package dockerfile

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expand evaluates a word as the build does: quotes removed, the escape character applied,
// $name and ${name} replaced by vars (unset is empty), with the forms ${name:-word},
// ${name-word}, ${name:+word}, ${name+word}, ${name:?message}, ${name?message}, and the shell
// patterns of ${name#pattern}, ${name##pattern}, ${name%pattern}, ${name%%pattern},
// ${name/pattern/replacement} and ${name//pattern/replacement} (* and ? as wildcards).
func Expand(word string, escape rune, vars map[string]string) (string, error) {
	x := &expander{src: word, pos: bom(word), escape: escape, vars: vars, buf: &strings.Builder{}}
	out, _, err := x.until(0, false, false)
	return out, err
}

// heredocWords splits a line into words as BuildKit does when it looks for here-documents:
// quotes and escapes kept, variables left as written, "<<" joined to the blanks after it. A line
// it cannot read has no words.
func heredocWords(line string) []string {
	x := &expander{src: line, pos: bom(line), escape: '\\', rawQuotes: true, rawEscapes: true, keepUnset: true, buf: &strings.Builder{}}
	_, words, err := x.until(0, true, false)
	if err != nil {
		return nil
	}
	return words
}

// heredocName reads the name after << (quotes removed, variables left as written), the number
// of words it has, and the number it has with its quotes kept (BuildKit refuses a name where the
// two differ).
func heredocName(rest string) (name string, words, rawWords int, err error) {
	x := &expander{src: rest, pos: bom(rest), escape: '\\', keepUnset: true, buf: &strings.Builder{}}
	_, ws, err := x.until(0, false, false)
	if err != nil || len(ws) != 1 {
		return "", len(ws), 0, err
	}
	x = &expander{src: rest, pos: bom(rest), escape: '\\', keepUnset: true, rawQuotes: true, buf: &strings.Builder{}}
	_, raw, _ := x.until(0, false, false)
	return ws[0], 1, len(raw), nil
}

// bom is where a word starts: after a byte order mark, which BuildKit's lexer skips.
func bom(s string) int {
	if strings.HasPrefix(s, "\ufeff") {
		return len("\ufeff")
	}
	return 0
}

type expander struct {
	src        string
	pos        int
	escape     rune
	vars       map[string]string
	rawQuotes  bool // quotes stay in the result
	rawEscapes bool // escape characters stay in the result
	keepUnset  bool // an unset variable stays as written
	// buf holds the word being split, shared by the nested reads of ${...} as BuildKit shares
	// it (a nested read starts it afresh).
	buf *strings.Builder
}

type wordSplit struct {
	buf    *strings.Builder
	words  []string
	inWord bool
}

func (w *wordSplit) char(ch rune) {
	switch {
	case unicode.IsSpace(ch) && w.inWord:
		if w.buf.Len() != 0 {
			w.words = append(w.words, w.buf.String())
			w.buf.Reset()
			w.inWord = false
		}
	case !unicode.IsSpace(ch):
		w.raw(string(ch))
	}
}

func (w *wordSplit) raw(s string) {
	w.buf.WriteString(s)
	w.inWord = true
}

const eof = -1

func (x *expander) peek() rune {
	if x.pos >= len(x.src) {
		return eof
	}
	r, _ := utf8.DecodeRuneInString(x.src[x.pos:])
	return r
}

func (x *expander) next() rune {
	if x.pos >= len(x.src) {
		return eof
	}
	r, n := utf8.DecodeRuneInString(x.src[x.pos:])
	x.pos += n
	return r
}

// until reads up to stop (0: the end of the word) and consumes it; with rawEscapes the escape
// characters stay in the result. It returns the result and the words it splits into.
// With preserve (a pattern's text), escape characters in quotes are kept for the pattern.
func (x *expander) until(stop rune, rawEscapes, preserve bool) (string, []string, error) {
	var out strings.Builder
	x.buf.Reset()
	words := &wordSplit{buf: x.buf}
	saved := x.rawEscapes
	x.rawEscapes = rawEscapes
	defer func() { x.rawEscapes = saved }()
	finish := func() []string {
		if words.buf.Len() > 0 {
			words.words = append(words.words, words.buf.String())
			words.buf.Reset()
		}
		return words.words
	}
	for {
		ch := x.peek()
		switch {
		case ch == eof:
			if stop != 0 {
				return "", nil, fmt.Errorf("unexpected end of statement while looking for matching %c", stop)
			}
			return out.String(), finish(), nil
		case stop != 0 && ch == stop:
			x.next()
			return out.String(), finish(), nil
		case ch == '$', ch == '<', ch == '\'', ch == '"':
			var v string
			var err error
			switch ch {
			case '$':
				v, err = x.dollar()
			case '<':
				v = x.possibleHeredoc()
			case '\'':
				v, err = x.singleQuoted(preserve)
			default:
				v, err = x.doubleQuoted(preserve)
			}
			if err != nil {
				return "", nil, err
			}
			out.WriteString(v)
			if ch == '$' {
				for _, r := range v {
					words.char(r)
				}
			} else {
				words.raw(v)
			}
		default:
			x.next()
			if ch == x.escape {
				if x.rawEscapes {
					words.raw(string(ch))
					out.WriteRune(ch)
				}
				ch = x.next()
				if ch == eof {
					continue // the end of the word: as above
				}
				words.raw(string(ch))
			} else {
				words.char(ch)
			}
			out.WriteRune(ch)
		}
	}
}

// possibleHeredoc keeps "<<" and the blanks after it together.
func (x *expander) possibleHeredoc() string {
	x.next()
	if x.peek() != '<' {
		return "<"
	}
	x.next()
	out := "<<"
	for c := x.peek(); c == ' ' || c == '\t' || c == '\r'; c = x.peek() {
		out += string(x.next())
	}
	return out
}

func (x *expander) singleQuoted(preserve bool) (string, error) {
	var out strings.Builder
	if q := x.next(); x.rawQuotes {
		out.WriteRune(q)
	}
	for {
		c := x.next()
		switch c {
		case eof:
			return "", errors.New("unexpected end of statement while looking for matching single-quote")
		case '\'':
			if x.rawQuotes {
				out.WriteRune(c)
			}
			return out.String(), nil
		}
		if preserve && c == x.escape {
			out.WriteRune(c)
		}
		out.WriteRune(c)
	}
}

func (x *expander) doubleQuoted(preserve bool) (string, error) {
	var out strings.Builder
	if q := x.next(); x.rawQuotes {
		out.WriteRune(q)
	}
	for {
		switch x.peek() {
		case eof:
			return "", errors.New("unexpected end of statement while looking for matching double-quote")
		case '"':
			if q := x.next(); x.rawQuotes {
				out.WriteRune(q)
			}
			return out.String(), nil
		case '$':
			v, err := x.dollar()
			if err != nil {
				return "", err
			}
			out.WriteString(v)
		default:
			ch := x.next()
			if ch == x.escape {
				switch x.peek() {
				case eof:
					continue
				case '"', '$', x.escape:
					if x.rawEscapes {
						out.WriteRune(ch)
					}
					ch = x.next()
				default:
					if x.rawEscapes && (!x.rawQuotes || preserve) {
						out.WriteRune(ch)
					}
				}
			}
			out.WriteRune(ch)
		}
	}
}

func (x *expander) dollar() (string, error) {
	x.next()
	if x.peek() != '{' {
		name := x.name()
		if name == "" {
			return "$", nil
		}
		v, set := x.vars[name]
		if !set && x.keepUnset {
			return "$" + name, nil
		}
		return v, nil
	}
	x.next()
	switch x.peek() {
	case eof:
		return "", errors.New("syntax error: missing '}'")
	case '{', '}', ':':
		return "", errors.New("syntax error: bad substitution")
	}
	name := x.name()
	ch := x.next()
	op := string(ch)
	value, set := x.vars[name]
	switch ch {
	case '}':
		if !set && x.keepUnset {
			return "${" + name + "}", nil
		}
		return value, nil
	case '/':
		all := x.peek() == '/'
		if all {
			x.next()
		}
		pattern, _, err := x.until('/', true, true)
		if err != nil {
			return "", missing(x, "'/' in ${}", err)
		}
		repl, _, err := x.until('}', true, false)
		if err != nil {
			return "", missing(x, "'}'", err)
		}
		if !set && x.keepUnset {
			return "${" + name + "/" + pattern + "/" + repl + "}", nil
		}
		re, err := shellPattern(pattern, true, false)
		if err != nil {
			return "", fmt.Errorf("invalid pattern (%s) in substitution: %v", pattern, err)
		}
		if all {
			return re.ReplaceAllString(value, repl), nil
		}
		if m := re.FindStringIndex(value); m != nil {
			value = value[:m[0]] + repl + value[m[1]:]
		}
		return value, nil
	case ':':
		ch = x.next()
		op += string(ch)
		if ch == '#' || ch == '%' {
			return "", fmt.Errorf("unsupported modifier (%s) in substitution", op)
		}
	}
	switch ch {
	case '+', '-', '?', '#', '%':
	default:
		return "", fmt.Errorf("unsupported modifier (%s) in substitution", op)
	}
	pattern := ch == '#' || ch == '%'
	word, _, err := x.until('}', pattern, pattern)
	if err != nil {
		return "", missing(x, "'}'", err)
	}
	if !set && x.keepUnset {
		return "${" + name + op + word + "}", nil
	}
	empty := !set || strings.HasPrefix(op, ":") && value == ""
	switch ch {
	case '-':
		if empty {
			return word, nil
		}
		return value, nil
	case '+':
		if empty {
			return "", nil
		}
		return word, nil
	case '?':
		if empty {
			if word == "" {
				word = "is not allowed to be unset"
				if set {
					word = "is not allowed to be empty"
				}
			}
			return "", fmt.Errorf("%s: %s", name, word)
		}
		return value, nil
	}
	// # and ## take the shortest and the longest prefix the pattern matches, % and %% the
	// shortest and the longest suffix.
	greedy := len(word) > 0 && rune(word[0]) == ch
	if greedy {
		word = word[1:]
	}
	if ch == '#' {
		return trimPattern(word, value, greedy)
	}
	out, err := trimPattern(reversePattern(word), reverse(value), greedy)
	return reverse(out), err
}

// shellPattern makes a regular expression of a shell pattern: * any text (shortest, or longest
// when greedy), ? one character, \*, \? and \\ the characters themselves, \} and \/ the
// characters without the backslash; anything else is itself.
func shellPattern(pattern string, greedy, anchored bool) (*regexp.Regexp, error) {
	var out strings.Builder
	if anchored {
		out.WriteByte('^')
	}
	star := ".*?"
	if greedy {
		star = ".*"
	}
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '*':
			out.WriteString(star)
		case '?':
			out.WriteByte('.')
		case '\\':
			if i+1 < len(rs) && (rs[i+1] == '}' || rs[i+1] == '/') {
				continue
			}
			i++
			if i >= len(rs) {
				return nil, fmt.Errorf("invalid escape '\\%c'", utf8.RuneError)
			}
			if rs[i] != '*' && rs[i] != '?' && rs[i] != '\\' {
				return nil, fmt.Errorf("invalid escape '\\%c'", rs[i])
			}
			out.WriteByte('\\')
			out.WriteRune(rs[i])
		default:
			if strings.ContainsRune("[]{}.+()|^$", r) {
				out.WriteByte('\\')
			}
			out.WriteRune(r)
		}
	}
	return regexp.Compile(out.String())
}

// trimPattern removes from value the prefix the pattern matches (the shortest, or the longest
// when greedy).
func trimPattern(pattern, value string, greedy bool) (string, error) {
	re, err := shellPattern(pattern, greedy, true)
	if err != nil {
		return "", fmt.Errorf("invalid pattern (%s) in substitution: %v", pattern, err)
	}
	if m := re.FindStringIndex(value); m != nil {
		value = value[m[1]:]
	}
	return value, nil
}

// reversePattern reverses a pattern, keeping each escape before the character it escapes.
func reversePattern(pattern string) string {
	rs := []rune(pattern)
	out := make([]rune, len(rs))
	last := len(rs) - 1
	for i := 0; i <= last; {
		if rs[i] == '\\' && i != last {
			out[last-i-1], out[last-i] = rs[i], rs[i+1]
			i += 2
			continue
		}
		out[last-i] = rs[i]
		i++
	}
	return string(out)
}

func reverse(s string) string {
	rs := []rune(s)
	slices.Reverse(rs)
	return string(rs)
}

// missing is BuildKit's error for a ${...} that ends before its closing character.
func missing(x *expander, what string, err error) error {
	if x.peek() == eof {
		return errors.New("syntax error: missing " + what)
	}
	return err
}

// name reads a variable's name: letters, digits and _; or digits; or one special parameter.
func (x *expander) name() string {
	start := x.pos
	for {
		ch := x.peek()
		if ch == eof {
			break
		}
		if x.pos == start && unicode.IsDigit(ch) {
			for ch := x.peek(); ch != eof && unicode.IsDigit(ch); ch = x.peek() {
				x.next()
			}
			return x.src[start:x.pos]
		}
		if x.pos == start && strings.ContainsRune("@*#?-$!0", ch) {
			x.next()
			return string(ch)
		}
		if !unicode.IsLetter(ch) && !unicode.IsDigit(ch) && ch != '_' {
			break
		}
		x.next()
	}
	return x.src[start:x.pos]
}
