package patch

import (
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// edit replaces src[from:to] with text (an insertion when from == to).
type edit struct {
	from, to int
	text     string
}

// buffer is a file being edited: its scanned tree, its line ending, and pending edits. Inserted
// text is written with "\n" and converted to the file's own line ending.
type buffer struct {
	tree  *elixir.Tree
	src   string
	eol   string
	edits []edit
	// unsafe is set when an edit would land inside a token (a string spanning lines, a
	// comment): such an edit is never written, the file is reported as manual instead.
	unsafe bool
}

func newBuffer(src string) (*buffer, error) {
	tree, err := elixir.Parse(src)
	if err != nil {
		return nil, err
	}
	return &buffer{tree: tree, src: src, eol: lineEnding(src)}, nil
}

// lineEnding is "\r\n" when every line of src ends that way, else "\n".
func lineEnding(src string) string {
	if n := strings.Count(src, "\n"); n > 0 && strings.Count(src, "\r\n") == n {
		return "\r\n"
	}
	return "\n"
}

func (s *buffer) code() []elixir.Token { return s.tree.Code }

func (s *buffer) insert(at int, text string) { s.replace(at, at, text) }

func (s *buffer) replace(from, to int, text string) {
	if s.tree.Inside(from) || s.tree.Inside(to) {
		s.unsafe = true
	}
	if s.eol != "\n" {
		text = strings.ReplaceAll(text, "\n", s.eol)
	}
	s.edits = append(s.edits, edit{from, to, text})
}

// done returns the edited text; when an edit was unsafe it steps back with snippet instead.
func (s *buffer) done(file, snippet string) (string, error) {
	if s.unsafe {
		return "", StepBack(file+": the place to edit is inside a string or comment that spans lines", snippet)
	}
	out := s.result()
	var err error
	if len(s.edits) == 1 && s.edits[0].from == s.edits[0].to {
		// an insertion (the router's health forward): only the text inserted is scanned
		_, err = elixir.ParseInserted(s.tree, out, s.edits[0].from, len(s.edits[0].text))
	} else {
		_, err = elixir.Parse(out)
	}
	if err != nil {
		// The input parsed (the buffer holds its tree): the place chosen is inside an
		// expression that goes on across lines (a line ending in `.` before a comment, found by
		// fuzzing), which the patcher cannot see. Verify would refuse the edit too; refused
		// here, every caller of the patcher gets the step to do by hand instead.
		return "", StepBack(file+": the place to edit is inside an expression that spans lines", snippet)
	}
	return out, nil
}

// result applies the edits (sorted by position; insertions at the same place keep their order).
func (s *buffer) result() string {
	edits := append([]edit(nil), s.edits...)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var b strings.Builder
	n := len(s.src)
	for _, e := range edits {
		n += len(e.text) - (e.to - e.from)
	}
	b.Grow(n) // one piece, not a dozen growing copies of a large file
	last := 0
	for _, e := range edits {
		b.WriteString(s.src[last:e.from])
		b.WriteString(e.text)
		last = e.to
	}
	b.WriteString(s.src[last:])
	return b.String()
}

// lineStart is the offset of the first byte of the line holding off.
func (s *buffer) lineStart(off int) int { return strings.LastIndexByte(s.src[:off], '\n') + 1 }

// lineEnd is the offset of the line break ending the line holding off (or the end of the file).
func (s *buffer) lineEnd(off int) int {
	i := strings.IndexByte(s.src[off:], '\n')
	if i < 0 {
		return len(s.src)
	}
	end := off + i
	if end > 0 && s.src[end-1] == '\r' {
		end--
	}
	return end
}

// nextLine is the offset just after the line break ending the line holding off.
func (s *buffer) nextLine(off int) int {
	i := strings.IndexByte(s.src[off:], '\n')
	if i < 0 {
		return len(s.src)
	}
	return off + i + 1
}

// indentOf returns the leading whitespace of the line holding off.
func (s *buffer) indentOf(off int) string {
	start := s.lineStart(off)
	end := start
	for end < len(s.src) && (s.src[end] == ' ' || s.src[end] == '\t') {
		end++
	}
	return s.src[start:end]
}

// lineText returns the line holding off, without its line break.
func (s *buffer) lineText(off int) string { return s.src[s.lineStart(off):s.lineEnd(off)] }

// startOfComments moves back from the line holding off over the comment-only lines directly
// above it, so that an insertion does not separate a comment from the code it describes.
func (s *buffer) startOfComments(off int) int {
	start := s.lineStart(off)
	for start > 0 {
		prev := s.lineStart(start - 1)
		if !strings.HasPrefix(strings.TrimSpace(s.src[prev:start]), "#") {
			break
		}
		start = prev
	}
	return start
}

// insertElement adds element to the list node n, before the element at index before (or at
// the end when before is len(elements)). A list written one element per line gets a new line;
// a list on one line gets the element inline, provided the line still fits in 98 columns.
func (s *buffer) insertElement(n *elixir.Node, element string, before int) error {
	code := s.code()
	elems := s.tree.ListElements(n)
	openTok, closeTok := code[n.Open], code[n.Close]
	multiline := openTok.Line() != closeTok.Line()
	if !multiline {
		var line string
		switch {
		case len(elems) == 0:
			s.insert(openTok.End(), element)
			line = s.src[s.lineStart(openTok.End()):openTok.End()] + element + s.src[openTok.End():s.lineEnd(openTok.End())]
		case before < len(elems):
			at := code[elems[before][0]].Start()
			s.insert(at, element+", ")
			line = s.src[s.lineStart(at):at] + element + ", " + s.src[at:s.lineEnd(at)]
		default:
			at := code[elems[len(elems)-1][1]].End()
			s.insert(at, ", "+element)
			line = s.src[s.lineStart(at):at] + ", " + element + s.src[at:s.lineEnd(at)]
		}
		if len(line) > elixir.LineLength {
			return errManual
		}
		return nil
	}
	if len(elems) == 0 {
		return errManual
	}
	if before < len(elems) {
		first := code[elems[before][0]]
		if first.Line() == openTok.Line() {
			return errManual // the element shares a line with the bracket: not one per line
		}
		indent := s.indentOf(first.Start())
		if len(indent)+len(element)+1 > elixir.LineLength {
			return errManual
		}
		s.insert(s.startOfComments(first.Start()), indent+element+",\n")
		return nil
	}
	last := code[elems[len(elems)-1][1]]
	if last.Line()+strings.Count(last.Text(), "\n") == closeTok.Line() {
		return errManual // the last element ends on the bracket's line (a string spanning lines, say)
	}
	indent := s.indentOf(code[elems[len(elems)-1][0]].Start())
	if len(indent)+len(element) > elixir.LineLength {
		return errManual
	}
	s.insert(last.End(), ",")
	s.insert(s.lineEnd(last.End()), "\n"+indent+element)
	return nil
}
