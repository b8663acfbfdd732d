package dockerfile

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrPattern is a ${name#pattern}, ${name%pattern} or ${name/pattern/replacement}: phxdeploy does
// not evaluate shell patterns, and the caller keeps the word as written.
var ErrPattern = errors.New("pattern substitution is not evaluated")

// Expand evaluates a word as the build does: quotes removed, the escape character applied,
// $name and ${name} replaced by vars (unset is empty), with the forms ${name:-word},
// ${name-word}, ${name:+word}, ${name+word}, ${name:?message} and ${name?message}.
func Expand(word string, escape rune, vars map[string]string) (string, error) {
	x := &expander{src: word, escape: escape, vars: vars, buf: &strings.Builder{}}
	out, _, err := x.until(0, false)
	return out, err
}

// heredocWords splits a line into words as BuildKit does when it looks for here-documents:
// quotes and escapes kept, variables left as written, "<<" joined to the blanks after it. A line
// it cannot read has no words.
func heredocWords(line string) []string {
	x := &expander{src: line, escape: '\\', rawQuotes: true, rawEscapes: true, keepUnset: true, buf: &strings.Builder{}}
	_, words, err := x.until(0, true)
	if err != nil {
		return nil
	}
	return words
}

// heredocName reads the name after << (quotes removed, variables left as written), the number
// of words it has, and the number it has with its quotes kept (BuildKit refuses a name where the
// two differ).
func heredocName(rest string) (name string, words, rawWords int, err error) {
	x := &expander{src: rest, escape: '\\', keepUnset: true, buf: &strings.Builder{}}
	_, ws, err := x.until(0, false)
	if err != nil || len(ws) != 1 {
		return "", len(ws), 0, err
	}
	x = &expander{src: rest, escape: '\\', keepUnset: true, rawQuotes: true, buf: &strings.Builder{}}
	_, raw, _ := x.until(0, false)
	return ws[0], 1, len(raw), nil
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
func (x *expander) until(stop rune, rawEscapes bool) (string, []string, error) {
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
				v, err = x.singleQuoted()
			default:
				v, err = x.doubleQuoted()
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

func (x *expander) singleQuoted() (string, error) {
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
		out.WriteRune(c)
	}
}

func (x *expander) doubleQuoted() (string, error) {
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
					if x.rawEscapes && !x.rawQuotes {
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
		if !x.keepUnset || set {
			return "", ErrPattern
		}
		if x.peek() == '/' {
			x.next()
			op += "/"
		}
		pattern, _, err := x.until('/', true)
		if err != nil {
			return "", missing(x, "'/' in ${}", err)
		}
		repl, _, err := x.until('}', true)
		if err != nil {
			return "", missing(x, "'}'", err)
		}
		return "${" + name + "/" + pattern + "/" + repl + "}", nil
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
	word, _, err := x.until('}', pattern)
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
	default:
		return "", ErrPattern
	}
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
