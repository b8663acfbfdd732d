// Package elixir scans Elixir source well enough to tell code from comments, strings, heredocs,
// sigils and charlists, and to follow do/end, fn/end and bracket nesting. It does not evaluate
// anything; it exists so that detection and patching never mistake text inside a comment or a
// string for code.
package elixir

import (
	"fmt"
	"math"
	"strings"
)

// Kind classifies a token.
type Kind uint8

const (
	Comment    Kind = iota
	String          // "..." and """...""" (Text is the raw source, quotes included)
	Charlist        // '...' and '''...'''
	Sigil           // ~x...  (any delimiter, modifiers included)
	Atom            // :name, :"quoted", :Alias
	KeywordKey      // name: (the key of a keyword pair; Text excludes the colon)
	Ident           // identifiers, including do, end, fn, true, nil
	Alias           // Capitalized names such as Phoenix.PubSub (dots included)
	Number          // 1, 1_000, 0x1F, 1.5
	Char            // ?a, ?\n
	Punct           // operators and brackets
	Newline         // a line break outside of strings and comments
)

func (k Kind) String() string {
	return [...]string{"comment", "string", "charlist", "sigil", "atom", "keyword", "ident", "alias",
		"number", "char", "punct", "newline"}[k]
}

// Token is one lexical element of a scanned source. A token is 24 bytes (it was 48 with its
// text as a string of its own and int offsets): a large router has over 100,000 of them, and
// tokens were most of the memory of a run.
type Token struct {
	src        *string // the scanned source, shared by its tokens
	start, end int32
	line       int32
	Kind       Kind
}

// Start and End are the token's byte offsets in the scanned source (a keyword key's End is past
// its colon).
func (t Token) Start() int { return int(t.start) }
func (t Token) End() int   { return int(t.end) }

// Line is the token's line, from 1.
func (t Token) Line() int { return int(t.line) }

// Text is the token's source text; a keyword key's excludes its colon.
func (t Token) Text() string {
	if t.src == nil {
		return ""
	}
	if t.Kind == KeywordKey {
		return (*t.src)[t.start : t.end-1]
	}
	return (*t.src)[t.start:t.end]
}

// Is reports whether the token is code (not a comment or newline) with the given text.
func (t Token) Is(text string) bool {
	// the length first: most tokens compared are not the one looked for
	return int(t.end-t.start) == len(text) && (t.Kind == Ident || t.Kind == Punct || t.Kind == Alias) && (*t.src)[t.start:t.end] == text
}

// Error describes source the scanner cannot follow (an unterminated string, for instance).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

type scanner struct {
	src   string
	srcp  *string // src, for the tokens
	pos   int
	line  int
	toks  []Token
	depth int // interpolations open
	stop  int // where the scan of code at the top level ends (len(src) but for ParseInserted)
	// codeOnly (Parse): comments go to comments and newlines nowhere, so that the code tokens
	// are collected without a second, filtered copy of every token.
	codeOnly bool
	comments []Token
}

// MaxDepth bounds how deeply interpolations and blocks may nest: real code stays far below it,
// and input built to nest deeper gets a clear error instead of exhausting the stack.
const MaxDepth = 500

// Scan tokenizes src. It returns an error for input it cannot follow to the end.
func Scan(src string) ([]Token, error) {
	// about one token per five bytes in typical Elixir: sized once, the slice rarely grows
	s, err := newScanner(src, 5, false)
	if err != nil {
		return nil, err
	}
	if err := s.code(false); err != nil {
		return s.toks, err
	}
	return s.toks, nil
}

// MaxSource is the largest source the scanner reads: a token's offsets are 32-bit. (Files are
// capped far below it before they are read.)
const MaxSource = math.MaxInt32

// newScanner is a scanner of src with room for a token per perToken bytes.
func newScanner(src string, perToken int, codeOnly bool) (*scanner, error) {
	if len(src) > MaxSource {
		return nil, &Error{Line: 1, Msg: fmt.Sprintf("%d bytes: larger than the %d the scanner reads", len(src), MaxSource)}
	}
	srcp := new(string)
	*srcp = src
	return &scanner{src: src, srcp: srcp, line: 1, stop: len(src), toks: make([]Token, 0, len(src)/perToken+16), codeOnly: codeOnly}, nil
}

func (s *scanner) fail(format string, args ...any) error {
	return &Error{Line: s.line, Msg: fmt.Sprintf(format, args...)}
}

func (s *scanner) emit(k Kind, start int, line int) {
	t := Token{src: s.srcp, Kind: k, start: int32(start), end: int32(s.pos), line: int32(line)}
	if s.codeOnly && (k == Comment || k == Newline) {
		if k == Comment {
			s.comments = append(s.comments, t)
		}
		return
	}
	s.toks = append(s.toks, t)
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 0x80 }
func isIdentChar(c byte) bool  { return identChar[c] }

// identChar marks the bytes of a name: letters, digits, _ and every byte of a multi-byte rune.
var identChar = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	return t
}()

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// threeCharOps and twoCharOps are matched longest first so that "|>" or "->" stay one token.
var threeCharOps = []string{"===", "!==", "...", "<<<", ">>>", "|||", "&&&", "^^^", "~~~", "<~>", "<|>", "<<~", "~>>", "+++", "---", "::"}
var twoCharOps = []string{"==", "!=", "<=", ">=", "&&", "||", "|>", "->", "<-", "++", "--", "<>", "=~", "\\\\", "..", "<<", ">>", "=>", "**", "//", "~>", "<~"}

// code scans code until the end of input, or, inside an interpolation, until the closing brace.
func (s *scanner) code(interp bool) error {
	depth := 0
	stop := s.stop
	if interp {
		stop = len(s.src)
	}
	for s.pos < stop {
		c := s.src[s.pos]
		start, line := s.pos, s.line
		switch {
		case c == '\n':
			s.pos++
			s.emit(Newline, start, line)
			s.line++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			s.pos++
		case c == '\\' && s.pos+1 < len(s.src) && (s.src[s.pos+1] == '\n' || s.src[s.pos+1] == '\r'):
			// line continuation
			s.pos++
		case c == '#':
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
			s.emit(Comment, start, line)
		case c == '"' || c == '\'':
			kind := String
			if c == '\'' {
				kind = Charlist
			}
			if err := s.quoted(c, true); err != nil {
				return err
			}
			s.emit(kind, start, line)
			s.keywordAfterQuote(start, line)
		case c == '~' && s.pos+1 < len(s.src) && (isIdentStart(s.src[s.pos+1]) && s.src[s.pos+1] < 0x80 || isUpper(s.src[s.pos+1])):
			if err := s.sigil(); err != nil {
				return err
			}
			s.emit(Sigil, start, line)
		case c == '?' && s.pos+1 < len(s.src) && s.src[s.pos+1] != ' ' && s.src[s.pos+1] != '\n':
			s.pos++
			if s.src[s.pos] == '\\' && s.pos+1 < len(s.src) {
				s.pos++
			}
			if s.src[s.pos] == '\n' { // ?\ and a line break: the line count stays that of the breaks
				s.line++
			}
			s.pos++ // the character itself (multi-byte runes: continue over continuation bytes)
			for s.pos < len(s.src) && s.src[s.pos]&0xC0 == 0x80 {
				s.pos++
			}
			s.emit(Char, start, line)
		case c == ':' && s.pos+1 < len(s.src) && s.src[s.pos+1] == ':':
			s.pos += 2
			s.emit(Punct, start, line)
		case c == ':' && s.pos+1 < len(s.src) && (s.src[s.pos+1] == '"' || s.src[s.pos+1] == '\''):
			s.pos++
			if err := s.quoted(s.src[s.pos], false); err != nil {
				return err
			}
			s.emit(Atom, start, line)
		case c == ':' && s.pos+1 < len(s.src) && (isIdentStart(s.src[s.pos+1]) || isUpper(s.src[s.pos+1])):
			s.pos++
			for s.pos < len(s.src) && (isIdentChar(s.src[s.pos]) || s.src[s.pos] == '.' && s.pos+1 < len(s.src) && isUpper(s.src[s.pos+1])) {
				s.pos++
			}
			if s.pos < len(s.src) && (s.src[s.pos] == '?' || s.src[s.pos] == '!') {
				s.pos++
			}
			s.emit(Atom, start, line)
		case c == ':' && s.pos+1 < len(s.src) && strings.ContainsRune("+-*/<>=!&|@.^~%\\", rune(s.src[s.pos+1])):
			// operator atoms such as :+ or :<<>>; take the operator run
			s.pos++
			for s.pos < len(s.src) && strings.ContainsRune("+-*/<>=!&|@.^~%\\", rune(s.src[s.pos])) {
				s.pos++
			}
			s.emit(Atom, start, line)
		case isIdentStart(c):
			for s.pos < len(s.src) && isIdentChar(s.src[s.pos]) {
				s.pos++
			}
			if s.pos < len(s.src) && (s.src[s.pos] == '?' || s.src[s.pos] == '!') {
				s.pos++
			}
			if s.isKeywordColon() {
				s.emitKeyword(start, line)
			} else {
				s.emit(Ident, start, line)
			}
		case isUpper(c):
			for s.pos < len(s.src) && (isIdentChar(s.src[s.pos]) || s.src[s.pos] == '.' && s.pos+1 < len(s.src) && isUpper(s.src[s.pos+1])) {
				s.pos++
			}
			if s.isKeywordColon() {
				s.emitKeyword(start, line)
			} else {
				s.emit(Alias, start, line)
			}
		case isDigit(c):
			for s.pos < len(s.src) && (isIdentChar(s.src[s.pos]) || s.src[s.pos] == '.' && s.pos+1 < len(s.src) && isDigit(s.src[s.pos+1])) {
				s.pos++
			}
			s.emit(Number, start, line)
		default:
			if interp && c == '}' && depth == 0 {
				return nil
			}
			switch c {
			case '{', '[', '(':
				depth++
			case '}', ']', ')':
				depth--
			}
			s.pos += opLen(s.src[s.pos:])
			s.emit(Punct, start, line)
		}
	}
	if interp {
		return s.fail("unterminated interpolation #{...}")
	}
	return nil
}

// opStart marks the bytes an operator of two or more characters starts with: any other byte is
// a one-character token, found without trying every operator (most punctuation is , ( ) [ ]).
var opStart = func() (t [256]bool) {
	for _, op := range append(append([]string{}, threeCharOps...), twoCharOps...) {
		t[op[0]] = true
	}
	return t
}()

func opLen(rest string) int {
	if !opStart[rest[0]] {
		return 1
	}
	// as threeCharOps and then twoCharOps are tried in order ("::" is the only operator of
	// two characters among the three), by switches, not 34 prefix comparisons
	if len(rest) >= 3 {
		switch rest[:3] {
		case "===", "!==", "...", "<<<", ">>>", "|||", "&&&", "^^^", "~~~", "<~>", "<|>", "<<~", "~>>", "+++", "---":
			return 3
		}
	}
	if len(rest) >= 2 {
		switch rest[:2] {
		case "::", "==", "!=", "<=", ">=", "&&", "||", "|>", "->", "<-", "++", "--", "<>", "=~", "\\\\", "..", "<<", ">>", "=>", "**", "//", "~>", "<~":
			return 2
		}
	}
	return 1
}

// emitKeyword emits a keyword key: Text is the key, the token's span includes the colon.
func (s *scanner) emitKeyword(start, line int) {
	s.emit(KeywordKey, start, line)
	s.pos++
	s.toks[len(s.toks)-1].end = int32(s.pos)
}

// isKeywordColon reports whether the identifier just scanned is a keyword key ("name: value").
func (s *scanner) isKeywordColon() bool {
	return s.pos+1 < len(s.src) && s.src[s.pos] == ':' && (s.src[s.pos+1] == ' ' || s.src[s.pos+1] == '\n' || s.src[s.pos+1] == '\t' || s.src[s.pos+1] == '\r') ||
		s.pos+1 == len(s.src) && s.src[s.pos] == ':'
}

// keywordAfterQuote turns "key": into a keyword key.
func (s *scanner) keywordAfterQuote(start, line int) {
	if s.isKeywordColon() {
		s.toks = s.toks[:len(s.toks)-1]
		s.emitKeyword(start, line)
	}
}

// quoted scans a string, charlist or quoted atom starting at the opening quote, heredocs included.
func (s *scanner) quoted(q byte, allowHeredoc bool) error {
	if allowHeredoc && s.tripled(q) {
		return s.heredoc(strings.Repeat(string(q), 3), true)
	}
	s.pos++
	return s.body(q, true)
}

// tripled reports whether the input continues with q three times (a heredoc's delimiter).
func (s *scanner) tripled(q byte) bool {
	return s.pos+2 < len(s.src) && s.src[s.pos] == q && s.src[s.pos+1] == q && s.src[s.pos+2] == q
}

// body scans up to and including the closing delimiter close. Delimiters do not nest: Elixir
// ends ~s(a (b) at the first ")", and so does the scanner.
func (s *scanner) body(close byte, interpolate bool) error {
	startLine := s.line
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '\\':
			s.pos++
			if s.pos < len(s.src) && s.src[s.pos] == '\n' {
				s.line++
			}
			s.pos++
			continue
		case c == '\n':
			s.line++
		case interpolate && c == '#' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '{':
			s.pos += 2
			if err := s.interpolation(); err != nil {
				return err
			}
			continue
		case c == close:
			s.pos++
			return nil
		}
		s.pos++
	}
	s.line = startLine
	return s.fail("unterminated %c...%c", orDefault(opening(close), close), close)
}

func orDefault(a, b byte) byte {
	if a == 0 {
		return b
	}
	return a
}

// interpolation scans the code inside #{...}; the tokens it finds are discarded, only the
// position matters.
func (s *scanner) interpolation() error {
	if s.depth++; s.depth > MaxDepth {
		return s.fail("interpolations nested more than %d deep", MaxDepth)
	}
	defer func() { s.depth-- }()
	saved, savedComments := len(s.toks), len(s.comments)
	if err := s.code(true); err != nil {
		return err
	}
	s.toks, s.comments = s.toks[:saved], s.comments[:savedComments]
	s.pos++ // the closing brace
	return nil
}

func (s *scanner) heredoc(delim string, interpolate bool) error {
	s.pos += 3
	startLine := s.line
	// the rest of the opening line must be blank
	for s.pos < len(s.src) && s.src[s.pos] != '\n' {
		s.pos++
	}
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		if c == '\n' {
			s.line++
			s.pos++
			// closing delimiter: optional indentation then the three quotes
			p := s.pos
			for p < len(s.src) && (s.src[p] == ' ' || s.src[p] == '\t') {
				p++
			}
			if strings.HasPrefix(s.src[p:], delim) {
				s.pos = p + 3
				return nil
			}
			continue
		}
		if c == '\\' {
			// An escaped character; a backslash at the end of a line continues it, and the
			// line break is handled above, so that a closing delimiter on the next line counts.
			s.pos++
			if s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
			continue
		}
		if interpolate && c == '#' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '{' {
			s.pos += 2
			if err := s.interpolation(); err != nil {
				return err
			}
			continue
		}
		s.pos++
	}
	s.line = startLine
	return s.fail("unterminated heredoc %s", delim)
}

func opening(close byte) byte {
	switch close {
	case ')':
		return '('
	case ']':
		return '['
	case '}':
		return '{'
	case '>':
		return '<'
	}
	return 0
}

func closing(open byte) byte {
	switch open {
	case '(':
		return ')'
	case '[':
		return ']'
	case '{':
		return '}'
	case '<':
		return '>'
	}
	return open
}

func (s *scanner) sigil() error {
	s.pos++ // ~
	lower := !isUpper(s.src[s.pos])
	for s.pos < len(s.src) && (isIdentChar(s.src[s.pos])) {
		s.pos++
	}
	if s.pos >= len(s.src) {
		return s.fail("sigil without delimiter")
	}
	d := s.src[s.pos]
	if !strings.ContainsRune("/|\"'([{<", rune(d)) {
		return s.fail("unknown sigil delimiter %q", d)
	}
	var err error
	if (d == '"' || d == '\'') && s.tripled(d) {
		err = s.heredoc(strings.Repeat(string(d), 3), lower)
	} else {
		s.pos++
		err = s.body(closing(d), lower)
	}
	if err != nil {
		return err
	}
	for s.pos < len(s.src) && (s.src[s.pos] >= 'a' && s.src[s.pos] <= 'z' || s.src[s.pos] >= 'A' && s.src[s.pos] <= 'Z') {
		s.pos++
	}
	return nil
}

// ScanCode is Code(Scan(src)) without the tokens it would drop (about one code token per six
// bytes in typical Elixir: Scan's one per five, less the comments and line breaks).
func ScanCode(src string) ([]Token, error) {
	s, err := newScanner(src, 6, true)
	if err != nil {
		return nil, err
	}
	err = s.code(false)
	return s.toks, err
}

// Code returns the tokens that are code: comments and newlines removed.
func Code(toks []Token) []Token {
	out := make([]Token, 0, len(toks))
	for _, t := range toks {
		if t.Kind != Comment && t.Kind != Newline {
			out = append(out, t)
		}
	}
	return out
}

// Unquote returns the contents of a simple string token ("abc" -> abc). Escapes are kept as they
// are; interpolated or heredoc strings are returned without their quotes.
func Unquote(t Token) string {
	s := t.Text()
	switch {
	case strings.HasPrefix(s, `"""`) && len(s) >= 6:
		return strings.TrimSpace(s[3 : len(s)-3])
	case len(s) >= 2 && (s[0] == '"' || s[0] == '\''):
		return s[1 : len(s)-1]
	}
	return s
}

// AtomName returns the name of an atom token without its colon (":my_app" -> "my_app").
func AtomName(t Token) string {
	s := strings.TrimPrefix(t.Text(), ":")
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
