package elixir

import (
	"runtime"
	"strings"

	"github.com/phxdeploy/phxdeploy/internal/parallel"
)

// partMin is the size of source from which Parse scans it in parts, one per core: below it, the
// goroutines cost more than they save.
const partMin = 128 << 10

// partCount is how many parts a source of n bytes is scanned in.
func partCount(n int) int { return min(runtime.GOMAXPROCS(0), n/(partMin/2)) }

// scanInParts scans src's code in parts, each from a line start on its own core, as the whole
// scan would: the scanner reads code at the top level with no state but its place, so a part
// that starts where the scan of the part before it stops is the whole scan's. Where a token runs
// across the start of a part (a heredoc, a string spanning lines), that part's own scan is
// dropped and the scan before it goes on over its text. ok is false when the scan fails (Parse
// then scans the whole and reports the error as it always has).
func scanInParts(src string, parts int) (code, comments []Token, ok bool) {
	srcp := new(string)
	*srcp = src
	starts := make([]int, 0, parts+1)
	for k := range parts {
		at := k * len(src) / parts
		if k > 0 {
			i := strings.IndexByte(src[at:], '\n')
			if i < 0 {
				break
			}
			at += i + 1
		}
		if len(starts) == 0 || at > starts[len(starts)-1] {
			starts = append(starts, at)
		}
	}
	parts = len(starts)
	starts = append(starts, len(src))

	// Every part writes its tokens into its own stretch of one array (one per six bytes, the
	// scanner's estimate); the stretches are then moved together. A part with more tokens than
	// its stretch holds gets an array of its own from append.
	all := make([]Token, len(src)/6+16)
	region := make([]int, parts+1)
	for k := range parts {
		region[k] = k * len(all) / parts
	}
	region[parts] = len(all)
	scans := make([]*scanner, parts)
	errs := make([]error, parts)
	parallel.Each(parts, func(k int) {
		s := &scanner{src: src, srcp: srcp, pos: starts[k], stop: starts[k+1], line: 1 + strings.Count(src[:starts[k]], "\n"),
			toks: all[region[k]:region[k]:region[k+1]], codeOnly: true}
		errs[k] = s.code(false)
		scans[k] = s
	})

	out, inAll := all[:0], true
	// take appends toks to out; next is the first part whose stretch is still to be read, which
	// out must not overwrite (out moves to an array of its own first).
	take := func(toks []Token, next int) {
		if inAll && len(out)+len(toks) > region[next] {
			out, inAll = append(make([]Token, 0, len(all)+len(toks)), out...), false
		}
		out = append(out, toks...)
	}
	s, err := scans[0], errs[0]
	for k := 1; k <= parts; k++ {
		if err != nil {
			return nil, nil, false
		}
		if k == parts {
			break
		}
		if s.pos == starts[k] {
			take(s.toks, k)
			comments = append(comments, s.comments...)
			s, err = scans[k], errs[k]
			continue
		}
		// a token of s ran over the start of part k: s goes on over part k's text
		s.stop = starts[k+1]
		err = s.code(false)
	}
	take(s.toks, parts)
	comments = append(comments, s.comments...)
	return out, comments, true
}
