package elixir

import (
	"fmt"
	"hash/maphash"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"
	"weak"
)

// Node is a nested region of code: a do/end or fn/end block, or a bracketed group. Open and
// Close index the code tokens (comments and newlines removed) that open and close it.
type Node struct {
	Kind     string // "do", "fn", "(", "[", "{", "<<", or "" for the root
	Open     int
	Close    int
	Parent   *Node
	Children []*Node
}

// Tree is a scanned source with its nesting.
type Tree struct {
	Src  string
	Code []Token // code tokens
	Root *Node
	// comments are the comment tokens (with Code, every token but the line breaks).
	comments []Token
}

// closer is the bracket that closes open ("" when open is not an opening bracket).
func closer(open string) string {
	switch open {
	case "(":
		return ")"
	case "[":
		return "]"
	case "{":
		return "}"
	case "<<":
		return ">>"
	}
	return ""
}

// Parse scans src and builds its nesting. It fails when a block or bracket does not close, or
// closes with the wrong token: such a file is not edited.
//
// A large source is parsed once while its tree is in use: the router read by the project
// reader and then edited, or an edit checked and then run again on its own output, share one
// tree (trees are never modified).
func Parse(src string) (*Tree, error) {
	if len(src) < reuseMin {
		return parse(src)
	}
	if t := parsed.find(src); t != nil {
		return t, nil
	}
	t, err := parse(src)
	if err == nil {
		parsed.add(t)
	}
	return t, err
}

// reuseMin is the size from which Parse looks for a tree in use: below it, parsing costs less
// than a lookup.
const reuseMin = 32 << 10

// parsed holds weak pointers to the trees of large sources: it keeps no tree alive, so it
// changes neither what Parse returns nor how much memory a run needs.
var parsed = &reuse{trees: map[uint64][]weak.Pointer[Tree]{}, seed: maphash.MakeSeed()}

type reuse struct {
	mu    sync.Mutex
	trees map[uint64][]weak.Pointer[Tree] // by the hash of the source
	seed  maphash.Seed
}

// key is the table's key of a source: a hash of its length and of samples of its text, its
// first and last KiB and 64 bytes at every sixteenth of it, instead of all of it (hashing a
// large source was most of a lookup). Sources that share the samples share a key; find tells
// them apart by their text.
func (r *reuse) key(src string) uint64 {
	const part = 1 << 10
	var h maphash.Hash
	h.SetSeed(r.seed)
	maphash.WriteComparable(&h, len(src))
	if len(src) <= 4*part {
		h.WriteString(src)
		return h.Sum64()
	}
	h.WriteString(src[:part])
	h.WriteString(src[len(src)-part:])
	for i := 1; i < 16; i++ {
		at := len(src) / 16 * i
		h.WriteString(src[at : at+64])
	}
	return h.Sum64()
}

func (r *reuse) find(src string) *Tree {
	h := r.key(src)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.trees[h] {
		if t := w.Value(); t != nil && t.Src == src {
			return t
		}
	}
	return nil
}

func (r *reuse) add(t *Tree) {
	h := r.key(t.Src)
	r.mu.Lock()
	defer r.mu.Unlock()
	live := []weak.Pointer[Tree]{weak.Make(t)}
	for _, w := range r.trees[h] {
		if w.Value() != nil {
			live = append(live, w)
		}
	}
	r.trees[h] = live
	if len(r.trees) > 64 { // let go of the entries of trees no longer in use
		for k, ws := range r.trees {
			if !slices.ContainsFunc(ws, func(w weak.Pointer[Tree]) bool { return w.Value() != nil }) {
				delete(r.trees, k)
			}
		}
	}
}

func parse(src string) (*Tree, error) {
	s, err := newScanner(src, 6, true)
	if err != nil {
		return nil, err
	}
	if len(src) >= halvesMin && runtime.GOMAXPROCS(0) > 1 {
		err = s.codeInHalves()
	} else {
		err = s.code(false)
	}
	if err != nil {
		return nil, err
	}
	return build(src, s.toks, s.comments)
}

// halvesMin is the size from which a source's second half is scanned on another core.
const halvesMin = 128 << 10

// codeInHalves scans s's code: the second half, from a line start, on another core
// while this one scans the first up to it. The scanner at the top level has no state but its
// place (ParseInserted relies on the same), so where the first half's last token ends at the
// line start, the second half's tokens are those a scan of the whole finds there; where a token
// goes on past it (a string, a heredoc), the scan goes on from that token's end and the second
// half's tokens are dropped.
func (s *scanner) codeInHalves() error {
	split := len(s.src) / 2
	if i := strings.IndexByte(s.src[split:], '\n'); i >= 0 {
		split += i + 1
	} else {
		return s.code(false)
	}
	// the halves' tokens share s's array, the second's from the place of its share (where a
	// half outgrows its share, append moves it elsewhere)
	all, mid := s.toks[:0:cap(s.toks)], min(cap(s.toks), split*cap(s.toks)/len(s.src))
	s.toks = all[:0:mid]
	rest := &scanner{src: s.src, srcp: s.srcp, pos: split, stop: len(s.src), line: 1 + strings.Count(s.src[:split], "\n"),
		toks: all[mid:mid], codeOnly: s.codeOnly}
	done := make(chan error, 1)
	go func() { done <- rest.code(false) }()
	s.stop = split
	err := s.code(false)
	restErr := <-done
	s.stop = len(s.src)
	switch {
	case err != nil:
		return err
	case s.pos != split:
		return s.code(false)
	case restErr != nil:
		return restErr
	}
	if n := len(s.toks); n+len(rest.toks) <= cap(all) && unsafe.SliceData(s.toks) == unsafe.SliceData(all) {
		s.toks = all[:n+len(rest.toks)] // the second half's tokens move down in the same array
		copy(s.toks[n:], rest.toks)
	} else {
		s.toks = append(s.toks, rest.toks...)
	}
	s.comments = append(s.comments, rest.comments...)
	s.pos, s.line = rest.pos, rest.line
	return nil
}

// build finds the nesting of a source's code tokens.
func build(src string, code, comments []Token) (*Tree, error) {
	root := &Node{Open: -1, Close: len(code)}
	cur := root
	depth := 0
	for i := range code {
		t := &code[i]
		// only do, fn, end and brackets open or close: other tokens are passed by their kind
		// and length before their text is read
		switch n := t.end - t.start; {
		case t.Kind == Ident && (n == 2 || n == 3):
			if i > 0 && code[i-1].Is(".") {
				continue // a field or function after a dot (line.period.end) is not a keyword
			}
		case t.Kind == Punct && (n == 1 || n == 2):
		default:
			continue
		}
		text := t.Text()
		opens := t.Kind == Ident && (text == "do" || text == "fn") || t.Kind == Punct && closer(text) != ""
		closes := t.Kind == Ident && text == "end" || t.Kind == Punct && (text == ")" || text == "]" || text == "}" || text == ">>")
		if opens {
			if depth++; depth > MaxDepth {
				return nil, &Error{Line: t.Line(), Msg: fmt.Sprintf("blocks and brackets nested more than %d deep", MaxDepth)}
			}
		} else if closes {
			depth--
		}
		switch {
		case t.Kind == Ident && (text == "do" || text == "fn"):
			n := &Node{Kind: text, Open: i, Parent: cur}
			cur.Children = append(cur.Children, n)
			cur = n
		case t.Kind == Ident && text == "end":
			if cur.Kind != "do" && cur.Kind != "fn" {
				return nil, &Error{Line: t.Line(), Msg: fmt.Sprintf("unexpected end (open: %s)", describe(cur, code))}
			}
			cur.Close = i
			cur = cur.Parent
		case t.Kind == Punct && closer(text) != "":
			n := &Node{Kind: text, Open: i, Parent: cur}
			cur.Children = append(cur.Children, n)
			cur = n
		case t.Kind == Punct && (text == ")" || text == "]" || text == "}" || text == ">>"):
			if closer(cur.Kind) != text {
				return nil, &Error{Line: t.Line(), Msg: fmt.Sprintf("unexpected %s (open: %s)", text, describe(cur, code))}
			}
			cur.Close = i
			cur = cur.Parent
		}
	}
	if cur != root {
		return nil, &Error{Line: code[cur.Open].Line(), Msg: fmt.Sprintf("%s is never closed", describe(cur, code))}
	}
	return &Tree{Src: src, Code: code, Root: root, comments: comments}, nil
}

// ParseInserted is Parse(src) for a src made by inserting n bytes at offset at of t's source
// (src[:at] is t.Src[:at] and src[at+n:] is t.Src[at:]): a patcher's edit, checked before it is
// shown. Where the inserted text starts a line outside every token and ends with a line break,
// only it is scanned: the tokens before it are t's, and those after it t's moved by n bytes
// and by the line breaks inserted. (The scanner reads code at the top level with no state but
// its place: from a line start outside every token it goes on as from the start of a file.)
// Anything else is parsed whole.
func ParseInserted(t *Tree, src string, at, n int) (*Tree, error) {
	if len(src) < reuseMin {
		return parse(src)
	}
	tree, ok := inserted(t, src, at, n)
	if !ok {
		return Parse(src)
	}
	parsed.add(tree)
	return tree, nil
}

// inserted builds the tree of src from t's tokens and a scan of the inserted text; ok is false
// when the tokens could differ from a scan of the whole (or the scan fails: the error is left to
// Parse to report).
func inserted(t *Tree, src string, at, n int) (tree *Tree, ok bool) {
	old := t.Src
	if at < 0 || n <= 0 || at > len(old) || len(src) != len(old)+n || src[:at] != old[:at] || src[at+n:] != old[at:] ||
		at > 0 && old[at-1] != '\n' || src[at+n-1] != '\n' {
		return nil, false
	}
	// the first token at or after at, in code and comments; the one before must end before
	// the line break that at follows (a character literal ?\ can end with it)
	k := sort.Search(len(t.Code), func(i int) bool { return t.Code[i].Start() >= at })
	c := sort.Search(len(t.comments), func(i int) bool { return t.comments[i].Start() >= at })
	if k > 0 && t.Code[k-1].End() >= at || c > 0 && t.comments[c-1].End() >= at {
		return nil, false
	}
	srcp := new(string)
	*srcp = src
	s := &scanner{src: src, srcp: srcp, pos: at, stop: at + n, line: 1 + strings.Count(src[:at], "\n"),
		toks: make([]Token, 0, n/6+16), codeOnly: true}
	if err := s.code(false); err != nil || s.pos != at+n {
		return nil, false
	}
	root, ok := spliceNodes(t, k, s.toks)
	if !ok {
		return nil, false
	}
	lines := int32(strings.Count(src[at:at+n], "\n"))
	code := splice(t.Code, k, s.toks, srcp, int32(n), lines)
	comments := splice(t.comments, c, s.comments, srcp, int32(n), lines)
	return &Tree{Src: src, Code: code, Root: root, comments: comments}, true
}

// spliceNodes is the nesting of t's code with added inserted before its token k: t's nodes, the
// tokens from k on moved by the number added, and the nodes of added (balanced on their own)
// inside the node that holds the place. ok is false where that could differ from building the
// nesting of the whole: a token of added or t's token k that is a keyword or not depending on a
// dot before it, or nesting too deep.
func spliceNodes(t *Tree, k int, added []Token) (root *Node, ok bool) {
	m := len(added)
	if m > 0 && (k > 0 && t.Code[k-1].Is(".") || added[m-1].Is(".")) {
		return nil, false
	}
	sub, err := build("", added, nil)
	if err != nil {
		return nil, false
	}
	moved := func(i int) int {
		if i >= k {
			return i + m
		}
		return i
	}
	var copyNode func(n, parent *Node, shift int, moves bool, depth int) *Node
	copyNode = func(n, parent *Node, shift int, moves bool, depth int) *Node {
		c := &Node{Kind: n.Kind, Open: n.Open + shift, Close: n.Close + shift, Parent: parent}
		if moves {
			c.Open, c.Close = moved(n.Open), moved(n.Close)
		}
		if depth > MaxDepth {
			ok = false
		}
		c.Children = make([]*Node, 0, len(n.Children))
		placed := !moves || !(n.Open < k && k <= n.Close)
		for _, ch := range n.Children {
			if !placed && ch.Open >= k {
				// the added nodes go here, unless a child holds the place
				for _, a := range sub.Root.Children {
					c.Children = append(c.Children, copyNode(a, c, k, false, depth+1))
				}
				placed = true
			}
			c.Children = append(c.Children, copyNode(ch, c, shift, moves, depth+1))
			if !placed && ch.Open < k && k <= ch.Close {
				placed = true // inside that child
			}
		}
		if !placed {
			for _, a := range sub.Root.Children {
				c.Children = append(c.Children, copyNode(a, c, k, false, depth+1))
			}
		}
		return c
	}
	ok = true
	root = copyNode(t.Root, nil, 0, true, 0)
	return root, ok
}

// splice is old[:k], then added, then old[k:] moved by n bytes and lines lines, all of src. The
// tokens before k keep old's source, whose text up to them is src's.
func splice(old []Token, k int, added []Token, src *string, n, lines int32) []Token {
	out := make([]Token, len(old)+len(added))
	copy(out, old[:k])
	copy(out[k:], added)
	moved := out[k+len(added):]
	move := func(from, to int) {
		for i, t := range old[k+from : k+to] {
			t.src, t.start, t.end, t.line = src, t.start+n, t.end+n, t.line+lines
			moved[from+i] = t
		}
	}
	// A large array is written mostly on first touching its pages: half of it on another core.
	if half := len(moved) / 2; half >= spliceHalf && runtime.GOMAXPROCS(0) > 1 {
		done := make(chan struct{})
		go func() { move(half, len(moved)); close(done) }()
		move(0, half)
		<-done
	} else {
		move(0, len(moved))
	}
	return out
}

// spliceHalf is the number of moved tokens from which splice moves them on two cores.
const spliceHalf = 16 << 10

func describe(n *Node, code []Token) string {
	if n.Open < 0 {
		return "nothing"
	}
	return fmt.Sprintf("%q on line %d", n.Kind, code[n.Open].Line())
}

// Inside reports whether byte offset off falls strictly inside a token (in the middle of a
// string, a heredoc, a comment or a name): text inserted there would change that token.
func (t *Tree) Inside(off int) bool { return inside(t.Code, off) || inside(t.comments, off) }

// inside reports whether off falls strictly inside one of toks (in source order, disjoint).
func inside(toks []Token, off int) bool {
	k := sort.Search(len(toks), func(k int) bool { return toks[k].End() > off })
	return k < len(toks) && toks[k].Start() < off
}

// Balanced reports whether src scans and every block and bracket closes.
func Balanced(src string) bool {
	_, err := Parse(src)
	return err == nil
}

// Inner returns the child nodes of n whose opening token is in [from, to).
func (n *Node) Inner(from, to int) []*Node {
	var out []*Node
	for _, c := range n.Children {
		if c.Open >= from && c.Open < to {
			out = append(out, c)
		}
	}
	return out
}

// ChildAt returns the child that opens at token i, if any. Children are in source order, so
// this is a binary search: patchers call it for every token of large blocks.
func (n *Node) ChildAt(i int) *Node {
	k := sort.Search(len(n.Children), func(k int) bool { return n.Children[k].Open >= i })
	if k < len(n.Children) && n.Children[k].Open == i {
		return n.Children[k]
	}
	return nil
}

// Children is a cursor over a node's children for a walk whose token index never decreases:
// At finds the child that opens at a token by stepping forward, where ChildAt searches.
type Children struct{ list []*Node }

// Cursor returns a cursor over n's children for a walk from token from.
func (n *Node) Cursor(from int) Children { return Children{n.Children[searchChildren(n, from):]} }

// At returns the child that opens at token i, if any; i must not be smaller than at the
// previous call (nor than the cursor's start).
func (c *Children) At(i int) *Node {
	for len(c.list) > 0 && c.list[0].Open < i {
		c.list = c.list[1:]
	}
	if len(c.list) > 0 && c.list[0].Open == i {
		return c.list[0]
	}
	return nil
}

// Walk visits n and every node below it, depth first.
func (n *Node) Walk(f func(*Node)) {
	f(n)
	for _, c := range n.Children {
		c.Walk(f)
	}
}

// Direct reports, for a token index inside n, whether it belongs to n itself rather than to a
// nested child.
func (n *Node) Direct(i int) bool {
	if i <= n.Open || i >= n.Close {
		return false
	}
	// the last child opening at or before i is the only one that can hold it
	k := sort.Search(len(n.Children), func(k int) bool { return n.Children[k].Open > i })
	return k == 0 || n.Children[k-1].Close < i
}
