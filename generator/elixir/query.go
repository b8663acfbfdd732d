package elixir

// Queries over a scanned Tree: where statements start and end, function bodies, list elements.
// Detection and the patchers share them, so that both read a file the same way.

// StatementStart reports whether code token i begins a statement (a new line that does not
// continue an expression, or the first token of a block).
func StatementStart(code []Token, i int) bool {
	if i == 0 {
		return true
	}
	prev := &code[i-1]
	if prev.end-prev.start == 2 && (prev.Is("do") || prev.Is("->")) {
		return true
	}
	// a keyword key at the end of a line (`key:` then its value below) continues the statement,
	// and so does a line that begins with a binary operator (`|> Keyword.merge(...)`)
	return prev.line < code[i].line && !prev.Is(",") && !isOperator(*prev) && prev.Kind != KeywordKey && !continuesLine(code[i]) && !wordOperator(*prev)
}

// wordOperator reports whether a token is an operator written as a word, which continues the
// expression on the next line when a line ends with it (`a or\n  (b and c)`: mix format writes
// that).
func wordOperator(t Token) bool {
	return t.Kind == Ident && (t.Is("and") || t.Is("or") || t.Is("in") || t.Is("when") || t.Is("not"))
}

// continuesLine reports whether a token at the start of a line continues the expression above:
// an operator that only joins two operands (a pipe, a dot, a comparison), never one that may
// begin an expression (-x, !x, &fun/1, @attr, ^pin, <<binary>>, %{map}).
func continuesLine(t Token) bool {
	switch t.Kind {
	case Punct:
		switch t.Text() {
		case "|>", ".", "++", "--", "<>", "||", "|||", "&&", "&&&", "==", "!=", "===", "!==", "=~", "|", "*", "/", "**", "::",
			"=>", "<-", "\\\\", "=", "<", ">", "<=", ">=", "<<<", ">>>", "<~>", "<|>", "~>>", "<<~",
			"..", "~>", "<~", "+++", "---", "^^^":
			return true
		}
	case Ident:
		switch t.Text() {
		case "and", "or", "when", "in":
			return true
		}
	}
	return false
}

func isOperator(t Token) bool {
	if t.Kind != Punct {
		return false
	}
	switch t.Text() {
	case ")", "]", "}", ">>":
		return false
	}
	return true
}

// StatementEnd is the index just past the statement that starts at first in node n.
func StatementEnd(code []Token, n *Node, first int) int {
	kids := n.Cursor(first + 1)
	for i := first + 1; i < n.Close; i++ {
		// a line may begin with a bracket (`{a, b} = ...`): a statement before it is passed by
		if StatementStart(code, i) {
			return i
		}
		if child := kids.At(i); child != nil {
			i = child.Close
		}
	}
	return n.Close
}

// ValueEnd is the index just past a value that starts at from inside node n: the next comma
// that belongs to n, or limit.
func (t *Tree) ValueEnd(n *Node, from, limit int) int {
	for i := from; i < limit; i++ {
		if t.Code[i].Is(",") && n.Direct(i) {
			return i
		}
	}
	return limit
}

// NodeAt returns the node opened by code token i, or nil.
func (t *Tree) NodeAt(i int) *Node {
	n := t.Root
	for {
		var next *Node
		k := searchChildren(n, i)
		if k < len(n.Children) && n.Children[k].Open == i {
			return n.Children[k]
		}
		if k > 0 && n.Children[k-1].Open < i && i < n.Children[k-1].Close {
			next = n.Children[k-1]
		}
		if next == nil {
			return nil
		}
		n = next
	}
}

// Enclosing returns the innermost node that holds code token i.
func (t *Tree) Enclosing(i int) *Node {
	n := t.Root
	for {
		k := searchChildren(n, i)
		if k > 0 && n.Children[k-1].Open < i && i < n.Children[k-1].Close {
			n = n.Children[k-1]
			continue
		}
		return n
	}
}

// searchChildren returns the index of the first child of n that opens at or after i.
func searchChildren(n *Node, i int) int {
	lo, hi := 0, len(n.Children)
	for lo < hi {
		m := (lo + hi) / 2
		if n.Children[m].Open < i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// DefBody finds `def name` or `defp name` (with or without parentheses, with or without
// arguments) and returns the index of the first token of its body and the node of a do/end
// body (nil for the `, do:` form).
func (t *Tree) DefBody(name string) (first int, block *Node, ok bool) {
	code := t.Code
	for i := 0; i+1 < len(code); i++ {
		if !(code[i].Is("def") || code[i].Is("defp")) || !code[i+1].Is(name) {
			continue
		}
		j := i + 2
		if j < len(code) && code[j].Is("(") {
			args := t.NodeAt(j)
			if args == nil {
				return 0, nil, false
			}
			j = args.Close + 1
		}
		if j < len(code) && code[j].Is(",") && j+1 < len(code) && code[j+1].Kind == KeywordKey && code[j+1].Text() == "do" {
			return j + 2, nil, true
		}
		if j < len(code) && code[j].Is("do") {
			blk := t.NodeAt(j)
			return j + 1, blk, blk != nil
		}
	}
	return 0, nil, false
}

// ListElements splits the direct contents of a bracket node into elements: for each, the index
// of its first and last code token.
func (t *Tree) ListElements(n *Node) [][2]int {
	code := t.Code
	var out [][2]int
	start := -1
	kids := n.Cursor(n.Open + 1)
	for i := n.Open + 1; i < n.Close; i++ {
		if child := kids.At(i); child != nil {
			if start < 0 {
				start = i
			}
			i = child.Close
			continue
		}
		if code[i].Is(",") {
			if start >= 0 {
				out = append(out, [2]int{start, i - 1})
			}
			start = -1
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, n.Close - 1})
	}
	return out
}
