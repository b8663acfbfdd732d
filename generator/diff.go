package generator

import (
	"hash/maphash"
	"strconv"
	"strings"
)

// The unified diff phxdeploy shows matches lines as Python difflib does (as
// github.com/pmezard/go-difflib ports it): the longest matching block of lines first, then the
// same on each side of it, with "popular" lines (more than 1% of the lines compared, when they
// are 200 or more) never starting a match. This is the same algorithm, step for step, over line
// numbers and slices instead of maps of strings; UnifiedDiff (report.go) first sets aside the
// lines both files begin and end with, as git's diff does, and matches the rest. diff_test.go
// checks both against go-difflib.

// opCode says how to turn a[i1:i2] into b[j1:j2]: 'e' equal, 'r' replace, 'd' delete, 'i' insert.
type opCode struct {
	tag            byte
	i1, i2, j1, j2 int
}

type match struct{ a, b, size int }

// matcher finds the matching blocks of two sequences of lines.
type matcher struct {
	a, b []string
	// b2j lists, for each distinct line of b, where it is in b (ascending; nothing for a
	// popular line).
	b2j  [][]int32
	aID  []int32 // each line of a's index into b2j, or -1
	lens []int32 // findLongestMatch's j2len, indexed by j+1, and the next row
	next []int32
	// head and tail are the numbers of lines a and b are known to begin and end with, set
	// aside from the matching
	head, tail int
}

// newMatcher matches a and b but for the head lines they begin with and the tail lines they end
// with (the same in both), which it takes as they are.
func newMatcher(a, b []string, head, tail int) *matcher {
	m := &matcher{a: a, b: b, aID: make([]int32, len(a)), head: head, tail: tail}
	core := b[head : len(b)-tail]
	ids := newLineTable(b)
	bID := make([]int32, len(b))
	var count []int32
	for j, s := range core {
		j += head
		id := ids.find(s, bID)
		if id < 0 {
			id = int32(len(count))
			ids.put(s, j)
			count = append(count, 0)
		}
		bID[j] = id
		count[id]++
	}
	// every line's places in one array, in order
	places := make([]int32, len(core))
	m.b2j = make([][]int32, len(count))
	at := int32(0)
	for id, n := range count {
		m.b2j[id] = places[at : at : at+n]
		at += n
	}
	for j := range core {
		id := bID[head+j]
		m.b2j[id] = append(m.b2j[id], int32(head+j))
	}
	for i, s := range a {
		m.aID[i] = -1
		if i >= head && i < len(a)-tail {
			m.aID[i] = ids.find(s, bID)
		}
	}
	if n := len(core); n >= 200 { // autojunk: popular lines are purged
		ntest := n/100 + 1
		for id, js := range m.b2j {
			if len(js) > ntest {
				m.b2j[id] = nil
			}
		}
	}
	m.lens = make([]int32, len(b)+1)
	m.next = make([]int32, len(b)+1)
	return m
}

// lineTable finds the first line of b equal to a line: an open-addressing table of b's
// indices, hashed by content. A map from strings did the same with more memory and time: a
// large file's diff is tens of thousands of lines.
type lineTable struct {
	b     []string
	slots []int32 // the index in b of the first line of its content, plus one; 0 is empty
	mask  uint64
	seed  maphash.Seed
}

func newLineTable(b []string) *lineTable {
	n := 16
	for n < 2*len(b) {
		n *= 2
	}
	return &lineTable{b: b, slots: make([]int32, n), mask: uint64(n - 1), seed: maphash.MakeSeed()}
}

// find returns the id (in ids, by b's index) of the first line of b equal to s, or -1.
func (t *lineTable) find(s string, ids []int32) int32 {
	for i := maphash.String(t.seed, s) & t.mask; ; i = (i + 1) & t.mask {
		switch j := t.slots[i]; {
		case j == 0:
			return -1
		case t.b[j-1] == s:
			return ids[j-1]
		}
	}
}

// put records b[j] as the first line of its content (find has just not found it).
func (t *lineTable) put(s string, j int) {
	i := maphash.String(t.seed, s) & t.mask
	for t.slots[i] != 0 {
		i = (i + 1) & t.mask
	}
	t.slots[i] = int32(j + 1)
}

// findLongestMatch is the longest block a[i:i+k] == b[j:j+k] within the ranges, earliest in a,
// then in b, that starts on a line that is not popular, extended over equal lines on both sides.
func (m *matcher) findLongestMatch(alo, ahi, blo, bhi int) match {
	besti, bestj, bestsize := alo, blo, 0
	// lens[j+1] is the length of the match ending with a[i-1] and b[j] (difflib's j2len), next
	// the same for a[i]; touched lists the entries to clear.
	var touched, touchedNext []int32
	for i := alo; i != ahi; i++ {
		touchedNext = touchedNext[:0]
		if id := m.aID[i]; id >= 0 {
			for _, j32 := range m.b2j[id] {
				j := int(j32)
				if j < blo {
					continue
				}
				if j >= bhi {
					break
				}
				k := int(m.lens[j]) + 1
				m.next[j+1] = int32(k)
				touchedNext = append(touchedNext, j32+1)
				if k > bestsize {
					besti, bestj, bestsize = i-k+1, j-k+1, k
				}
			}
		}
		for _, t := range touched {
			m.lens[t] = 0
		}
		for _, t := range touchedNext {
			m.lens[t], m.next[t] = m.next[t], 0
		}
		touched, touchedNext = touchedNext, touched
	}
	for _, t := range touched {
		m.lens[t] = 0
	}
	for besti > alo && bestj > blo && m.a[besti-1] == m.b[bestj-1] {
		besti, bestj, bestsize = besti-1, bestj-1, bestsize+1
	}
	for besti+bestsize < ahi && bestj+bestsize < bhi && m.a[besti+bestsize] == m.b[bestj+bestsize] {
		bestsize++
	}
	return match{besti, bestj, bestsize}
}

func (m *matcher) matchingBlocks() []match {
	var blocks func(alo, ahi, blo, bhi int, matched []match) []match
	blocks = func(alo, ahi, blo, bhi int, matched []match) []match {
		mt := m.findLongestMatch(alo, ahi, blo, bhi)
		i, j, k := mt.a, mt.b, mt.size
		if k > 0 {
			if alo < i && blo < j {
				matched = blocks(alo, i, blo, j, matched)
			}
			matched = append(matched, mt)
			if i+k < ahi && j+k < bhi {
				matched = blocks(i+k, ahi, j+k, bhi, matched)
			}
		}
		return matched
	}
	// the lines a and b are known to begin and end with match as they are
	var matched []match
	if m.head > 0 {
		matched = append(matched, match{0, 0, m.head})
	}
	matched = blocks(m.head, len(m.a)-m.tail, m.head, len(m.b)-m.tail, matched)
	if m.tail > 0 {
		matched = append(matched, match{len(m.a) - m.tail, len(m.b) - m.tail, m.tail})
	}
	// adjacent blocks become one
	var out []match
	i1, j1, k1 := 0, 0, 0
	for _, b := range matched {
		if i1+k1 == b.a && j1+k1 == b.b {
			k1 += b.size
			continue
		}
		if k1 > 0 {
			out = append(out, match{i1, j1, k1})
		}
		i1, j1, k1 = b.a, b.b, b.size
	}
	if k1 > 0 {
		out = append(out, match{i1, j1, k1})
	}
	return append(out, match{len(m.a), len(m.b), 0})
}

func (m *matcher) opCodes() []opCode {
	i, j := 0, 0
	blocks := m.matchingBlocks()
	codes := make([]opCode, 0, len(blocks))
	for _, b := range blocks {
		tag := byte(0)
		switch {
		case i < b.a && j < b.b:
			tag = 'r'
		case i < b.a:
			tag = 'd'
		case j < b.b:
			tag = 'i'
		}
		if tag > 0 {
			codes = append(codes, opCode{tag, i, b.a, j, b.b})
		}
		i, j = b.a+b.size, b.b+b.size
		if b.size > 0 {
			codes = append(codes, opCode{'e', b.a, i, b.b, j})
		}
	}
	return codes
}

// groupedOpCodes isolates the changes, each with n lines of context.
func (m *matcher) groupedOpCodes(n int) [][]opCode {
	codes := m.opCodes()
	if len(codes) == 0 {
		codes = []opCode{{'e', 0, 1, 0, 1}}
	}
	if c := codes[0]; c.tag == 'e' {
		codes[0] = opCode{c.tag, max(c.i1, c.i2-n), c.i2, max(c.j1, c.j2-n), c.j2}
	}
	if c := codes[len(codes)-1]; c.tag == 'e' {
		codes[len(codes)-1] = opCode{c.tag, c.i1, min(c.i2, c.i1+n), c.j1, min(c.j2, c.j1+n)}
	}
	var groups [][]opCode
	var group []opCode
	for _, c := range codes {
		i1, i2, j1, j2 := c.i1, c.i2, c.j1, c.j2
		if c.tag == 'e' && i2-i1 > 2*n {
			group = append(group, opCode{c.tag, i1, min(i2, i1+n), j1, min(j2, j1+n)})
			groups = append(groups, group)
			group = nil
			i1, j1 = max(i1, i2-n), max(j1, j2-n)
		}
		group = append(group, opCode{c.tag, i1, i2, j1, j2})
	}
	if len(group) > 0 && !(len(group) == 1 && group[0].tag == 'e') {
		groups = append(groups, group)
	}
	return groups
}

// unifiedDiff is difflib's unified diff of the lines a and b with n lines of context.
func unifiedDiff(from, to string, a, b []string, n int) string {
	return writeHunks(from, to, a, b, newMatcher(a, b, 0, 0).groupedOpCodes(n), 0)
}

// writeHunks writes the groups of changes of lines that begin after the files' first skip
// lines.
func writeHunks(from, to string, a, b []string, groups [][]opCode, skip int) string {
	var out strings.Builder
	for k, g := range groups {
		if k == 0 && (from != "" || to != "") {
			out.WriteString("--- " + from + "\n+++ " + to + "\n")
		}
		first, last := g[0], g[len(g)-1]
		out.WriteString("@@ -" + unifiedRange(skip+first.i1, skip+last.i2) + " +" + unifiedRange(skip+first.j1, skip+last.j2) + " @@\n")
		for _, c := range g {
			if c.tag == 'e' {
				for _, line := range a[c.i1:c.i2] {
					out.WriteString(" " + line)
				}
				continue
			}
			if c.tag == 'r' || c.tag == 'd' {
				for _, line := range a[c.i1:c.i2] {
					out.WriteString("-" + line)
				}
			}
			if c.tag == 'r' || c.tag == 'i' {
				for _, line := range b[c.j1:c.j2] {
					out.WriteString("+" + line)
				}
			}
		}
	}
	return out.String()
}

// unifiedRange is a hunk's range of lines as a unified diff writes it.
func unifiedRange(start, stop int) string {
	beginning, length := start+1, stop-start
	if length == 1 {
		return strconv.Itoa(beginning)
	}
	if length == 0 {
		beginning--
	}
	return strconv.Itoa(beginning) + "," + strconv.Itoa(length)
}
