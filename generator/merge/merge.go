// Package merge is a line-based three-way merge, as diff3 and `git merge-file` do it, without
// git: phxdeploy update merges the user's version of a file with its new rendering, from the
// rendering it kept of the last run (the base).
//
// Lines changed on one side only are taken; the same change on both sides is taken once; changes
// of the two sides that overlap or touch (one ends on the line where the other starts, as git
// merge-file treats them) and differ are a conflict. Lines keep their own endings (a CRLF file
// stays CRLF) and a missing final newline stays missing.
package merge

import (
	"fmt"
	"strings"
)

// Mode is how conflicts are left.
type Mode int

const (
	// Markers writes both versions between conflict markers, in the file.
	Markers Mode = iota
	// Rej leaves the user's version in the file and puts the other side's conflicting hunks in
	// Result.Rejects.
	Rej
)

// Options name the sides in markers and rejects.
type Options struct {
	Mode        Mode
	Name        string // the file, for the rejects' header
	OursLabel   string // "yours"
	TheirsLabel string // "phxdeploy"
	BaseLabel   string // the base's name in the rejects' header
}

// Result is a merge.
type Result struct {
	Text      string // the merged text (with markers in Markers mode)
	Conflicts int    // conflicting hunks
	Rejects   string // Rej mode: theirs' conflicting hunks as a unified diff against the base
}

// hunk is a change of one side: base lines [b1, b2) became side lines [s1, s2).
type hunk struct{ b1, b2, s1, s2 int }

// Merge merges ours and theirs, two versions of base.
func Merge(base, ours, theirs string, opt Options) Result {
	b, o, t := lines(base), lines(ours), lines(theirs)
	oh, th := changes(b, o), changes(b, t)
	eol := lineEnding(ours + base)
	var out strings.Builder
	var rej strings.Builder
	res := Result{}
	pos := 0 // next base line to copy
	oDelta, tDelta := 0, 0
	i, j := 0, 0
	for i < len(oh) || j < len(th) {
		// The group starts at the first hunk of either side, and takes in every hunk of either
		// side that overlaps or touches it.
		g1, g2 := 0, 0
		switch {
		case j >= len(th) || i < len(oh) && oh[i].b1 <= th[j].b1:
			g1, g2 = oh[i].b1, oh[i].b2
		default:
			g1, g2 = th[j].b1, th[j].b2
		}
		oi, tj := i, j
		for {
			grew := false
			for i < len(oh) && oh[i].b1 <= g2 && oh[i].b2 >= g1 {
				g2 = max(g2, oh[i].b2)
				i++
				grew = true
			}
			for j < len(th) && th[j].b1 <= g2 && th[j].b2 >= g1 {
				g2 = max(g2, th[j].b2)
				j++
				grew = true
			}
			if !grew {
				break
			}
		}
		for _, l := range b[pos:g1] {
			out.WriteString(l)
		}
		pos = g2
		// Each side's text for base lines [g1, g2): its hunks there, and base lines between.
		oText, oEnd := region(b, o, oh[oi:i], g1, g2, oDelta)
		tText, tEnd := region(b, t, th[tj:j], g1, g2, tDelta)
		oDelta, tDelta = oEnd-g2, tEnd-g2
		switch {
		case i == oi: // theirs alone
			out.WriteString(tText)
		case j == tj: // ours alone
			out.WriteString(oText)
		case oText == tText:
			out.WriteString(oText)
		default:
			res.Conflicts++
			if opt.Mode == Rej {
				// the hunk applies where the region starts in the merged file
				writeReject(&rej, b[g1:g2], lines(tText), strings.Count(out.String(), "\n"), eol)
				out.WriteString(oText)
				continue
			}
			out.WriteString("<<<<<<< " + opt.OursLabel + eol)
			out.WriteString(terminated(oText, eol))
			out.WriteString("=======" + eol)
			out.WriteString(terminated(tText, eol))
			out.WriteString(">>>>>>> " + opt.TheirsLabel + eol)
		}
	}
	for _, l := range b[pos:] {
		out.WriteString(l)
	}
	res.Text = out.String()
	if rej.Len() > 0 {
		res.Rejects = fmt.Sprintf("--- %s (%s)%s+++ %s (%s)%s", opt.Name, opt.BaseLabel, eol, opt.Name, opt.TheirsLabel, eol) + rej.String()
	}
	return res
}

// region is a side's text for base lines [g1, g2), given its hunks inside that range and the
// offset of its lines against the base's before g1; end is the side's line after the region.
func region(b, s []string, hs []hunk, g1, g2, delta int) (text string, end int) {
	var sb strings.Builder
	pos, spos := g1, g1+delta
	for _, h := range hs {
		for ; pos < h.b1; pos, spos = pos+1, spos+1 {
			sb.WriteString(s[spos])
		}
		for _, l := range s[h.s1:h.s2] {
			sb.WriteString(l)
		}
		pos, spos = h.b2, h.s2
	}
	for ; pos < g2; pos, spos = pos+1, spos+1 {
		sb.WriteString(s[spos])
	}
	return sb.String(), spos
}

// writeReject writes one hunk of a unified diff: base lines replaced by theirs, at line start
// (0-based) of the merged file.
func writeReject(w *strings.Builder, base, theirs []string, start int, eol string) {
	fmt.Fprintf(w, "@@ -%d,%d +%d,%d @@%s", start+1, len(base), start+1, len(theirs), eol)
	for _, l := range base {
		w.WriteString("-" + terminated(l, eol))
	}
	for _, l := range theirs {
		w.WriteString("+" + terminated(l, eol))
	}
}

// changes are the hunks that turn base into side: a shortest edit script (Myers), on lines.
func changes(base, side []string) []hunk {
	ids := map[string]int{}
	id := func(ls []string) []int {
		out := make([]int, len(ls))
		for i, l := range ls {
			n, ok := ids[l]
			if !ok {
				n = len(ids)
				ids[l] = n
			}
			out[i] = n
		}
		return out
	}
	return diff(id(base), id(side))
}

// maxEdits bounds the search for a shortest edit script: past it, what is left between the
// common start and end is one change (a correct, if coarse, answer), so that time and memory
// stay bounded (O(maxEdits²)) on files that have little in common.
const maxEdits = 1500

// diff is Myers' O(ND) algorithm between a and b, after their common start and end are set
// aside; the hunks are the runs of lines between equal ones.
func diff(a, b []int) []hunk {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	A, B := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(A), len(B)
	whole := []hunk{{pre, pre + n, pre, pre + m}}
	switch {
	case n == 0 && m == 0:
		return nil
	case n == 0 || m == 0:
		return whole
	}
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int, 2*off+1)
	var trace [][]int
	found := false
	for d := 0; d <= limit && !found; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && A[x] == B[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		return whole
	}
	// Walk back from the end: equal lines are diagonals; each step of d is one line deleted or
	// inserted.
	ops := make([]byte, 0, n+m)
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		at := func(k int) int { return trace[d][k+d+1] }
		k := x - y
		prevK := k - 1
		if k == -d || k != d && at(k-1) < at(k+1) {
			prevK = k + 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			ops = append(ops, 'e')
			x, y = x-1, y-1
		}
		if d > 0 {
			if x == prevX {
				ops = append(ops, 'i')
			} else {
				ops = append(ops, 'd')
			}
		}
		x, y = prevX, prevY
	}
	var out []hunk
	i, j := pre, pre
	open := false
	for k := len(ops) - 1; k >= 0; k-- {
		switch ops[k] {
		case 'e':
			open = false
			i, j = i+1, j+1
			continue
		case 'd':
			if !open {
				out, open = append(out, hunk{i, i, j, j}), true
			}
			i++
		case 'i':
			if !open {
				out, open = append(out, hunk{i, i, j, j}), true
			}
			j++
		}
		out[len(out)-1].b2, out[len(out)-1].s2 = i, j
	}
	return out
}

// lines splits text into lines that keep their endings; the last may have none.
func lines(text string) []string {
	var out []string
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

// lineEnding is the text's line ending: CRLF when its first line ends so.
func lineEnding(text string) string {
	if i := strings.IndexByte(text, '\n'); i > 0 && text[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// terminated ends text with a line break when it has none (a block before a marker line).
func terminated(text, eol string) string {
	if text == "" || strings.HasSuffix(text, "\n") {
		return text
	}
	return text + eol
}
