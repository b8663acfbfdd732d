package generator

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// difflibDiff is go-difflib's unified diff, which UnifiedDiff reproduces.
func difflibDiff(a, b []string) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: a, B: b, FromFile: "a/f", ToFile: "b/f", Context: 3})
	return d
}

// TestUnifiedDiffIsDifflibs compares the diff with go-difflib's on files of few distinct lines
// (where the choice between equal matches shows) and on large ones (where popular lines are
// purged), edited at random.
func TestUnifiedDiffIsDifflibs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 400 {
		size := r.IntN(30)
		if n%10 == 0 {
			size = 200 + r.IntN(400)
		}
		alphabet := 2 + r.IntN(12)
		line := func() string {
			if r.IntN(8) == 0 {
				return "\n"
			}
			return fmt.Sprintf("line %d\n", r.IntN(alphabet))
		}
		a := make([]string, size)
		for i := range a {
			a[i] = line()
		}
		b := append([]string(nil), a...)
		for range 1 + r.IntN(6) {
			at := r.IntN(len(b) + 1)
			switch r.IntN(3) {
			case 0:
				b = append(b[:at], append([]string{line(), line()}, b[at:]...)...)
			case 1:
				if at < len(b) {
					b = append(b[:at], b[at+1:]...)
				}
			default:
				if at < len(b) {
					b[at] = line()
				}
			}
		}
		if got, want := unifiedDiff("a/f", "b/f", a, b, 3), difflibDiff(a, b); got != want {
			t.Fatalf("case %d:\na: %q\nb: %q\n got:\n%s\nwant:\n%s", n, a, b, got, want)
		}
	}
	// new files (written without matching), empty ones, a last line without a line break
	for _, c := range [][2]string{{"", ""}, {"x\n", ""}, {"", "x"}, {"", "x\n"}, {"", "a\nb"}, {"", "\n\n"}, {"", strings.Repeat("line\n", 500) + "last"},
		{"a\nb\n", "a\nb\n"}, {"a", "a\n"}} {
		a, b := diffLines([]byte(c[0])), diffLines([]byte(c[1]))
		if got, want := UnifiedDiff("a/f", "b/f", []byte(c[0]), []byte(c[1])), difflibDiff(a, b); got != want {
			t.Errorf("%q -> %q:\n got %q\nwant %q", c[0], c[1], got, want)
		}
	}
}

// coreDifflibDiff is go-difflib's diff, without context, of the lines of a and b less those they
// begin and end with, its hunks' line numbers counted from the files' first.
func coreDifflibDiff(a, b []string) string {
	h := 0
	for h < len(a) && h < len(b) && a[h] == b[h] {
		h++
	}
	t := 0
	for t < len(a)-h && t < len(b)-h && a[len(a)-1-t] == b[len(b)-1-t] {
		t++
	}
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: a[h : len(a)-t], B: b[h : len(b)-t], FromFile: "a/f", ToFile: "b/f", Context: 0})
	return hunkHeader.ReplaceAllStringFunc(d, func(hunk string) string {
		m := hunkHeader.FindStringSubmatch(hunk)
		i, _ := strconv.Atoi(m[1])
		j, _ := strconv.Atoi(m[3])
		return fmt.Sprintf("@@ -%d%s +%d%s @@", i+h, m[2], j+h, m[4])
	})
}

var hunkHeader = regexp.MustCompile(`(?m)^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@$`)

// applyDiff applies a unified diff of one file to a, checking each context and removed line.
func applyDiff(t *testing.T, a, diff string) string {
	t.Helper()
	old := strings.SplitAfter(a, "\n")
	var out []string
	at := 0 // the next line of old
	lines := strings.SplitAfter(diff, "\n")
	for k := 0; k < len(lines); k++ {
		l := lines[k]
		if l == "" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") {
			continue
		}
		if m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(l, "\n")); m != nil {
			start, _ := strconv.Atoi(m[1])
			if m[2] != ",0" {
				start-- // the first line's number, or the line before an insertion
			}
			if start < at {
				t.Fatalf("hunk %q goes back", l)
			}
			out = append(out, old[at:start]...)
			at = start
			continue
		}
		body := l[1:]
		if k+1 < len(lines) && strings.HasPrefix(lines[k+1], "\\ No newline at end of file") {
			body = strings.TrimSuffix(body, "\n")
			k++
		}
		switch l[0] {
		case ' ', '-':
			if at >= len(old) || old[at] != body {
				t.Fatalf("line %d is %q in the file, %q in the diff", at+1, old[min(at, len(old)-1)], body)
			}
			if l[0] == ' ' {
				out = append(out, body)
			}
			at++
		case '+':
			out = append(out, body)
		default:
			t.Fatalf("diff line %q", l)
		}
	}
	return strings.Join(append(out, old[at:]...), "")
}

// changedLines are the lines a diff removes and adds, in order, without its context.
func changedLines(diff string) []string {
	var out []string
	for _, l := range strings.SplitAfter(diff, "\n") {
		if (strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+")) && !strings.HasPrefix(l, "--- ") && !strings.HasPrefix(l, "+++ ") {
			out = append(out, l)
		}
	}
	return out
}

// TestUnifiedDiffSetsAsideTheSameEnds checks the diff of two files, edited at random (lines
// without a line break at the end, ends shared from the middle of a line): without context it is
// go-difflib's diff of the lines between those the files begin and end with; with three lines
// of context it changes the same lines and turns the first file into the second. Where a file
// gains one block of lines (the router's health forward) the block is what it adds.
func TestUnifiedDiffSetsAsideTheSameEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 3000 {
		size := r.IntN(40)
		if n%10 == 0 {
			size = 200 + r.IntN(400)
		}
		alphabet := 2 + r.IntN(12)
		line := func() string {
			switch r.IntN(10) {
			case 0:
				return "\n"
			case 1:
				return "ne 1\n" // the end of another line
			}
			return fmt.Sprintf("line %d\n", r.IntN(alphabet))
		}
		a := make([]string, size)
		for i := range a {
			a[i] = line()
		}
		b := append([]string(nil), a...)
		for range r.IntN(5) {
			at := r.IntN(len(b) + 1)
			switch r.IntN(4) {
			case 0:
				b = append(b[:at], append([]string{line(), line()}, b[at:]...)...)
			case 1:
				if at < len(b) {
					b = append(b[:at], b[at+1:]...)
				}
			case 2:
				if at < len(b) {
					b[at] = strings.TrimSuffix(b[at], "\n") + "x\n" // one line's end
				}
			default:
				if at < len(b) {
					b[at] = line()
				}
			}
		}
		fa, fb := strings.Join(a, ""), strings.Join(b, "")
		if r.IntN(4) == 0 {
			fa = strings.TrimSuffix(fa, "\n")
		}
		if r.IntN(4) == 0 {
			fb = strings.TrimSuffix(fb, "\n")
		}
		if fa == "" && fb != "" {
			continue // a new file: creation, checked in TestUnifiedDiffIsDifflibs
		}
		core := unifiedDiffOf("a/f", "b/f", []byte(fa), []byte(fb), 0)
		if want := coreDifflibDiff(diffLines([]byte(fa)), diffLines([]byte(fb))); core != want {
			t.Fatalf("case %d:\na: %q\nb: %q\n got:\n%s\nwant:\n%s", n, fa, fb, core, want)
		}
		diff := UnifiedDiff("a/f", "b/f", []byte(fa), []byte(fb))
		if got := applyDiff(t, fa, diff); got != fb {
			t.Fatalf("case %d: the diff of\n%q\nto\n%q\nmakes\n%q:\n%s", n, fa, fb, got, diff)
		}
		if got, want := changedLines(diff), changedLines(core); !slices.Equal(got, want) {
			t.Fatalf("case %d: with context it changes %q, without %q", n, got, want)
		}
	}
	for _, lines := range []int{150, 2_000} {
		src := testtools.BigRouter(t, lines)
		at, text := testtools.HealthForward(src)
		out := src[:at] + text + src[at:]
		diff := UnifiedDiff("a/f", "b/f", []byte(src), []byte(out))
		if got, want := changedLines(diff), changedLines(difflibDiff(nil, diffLines([]byte(text)))); !slices.Equal(got, want) || applyDiff(t, src, diff) != out {
			t.Errorf("the forward into %d lines:\n%s", lines, diff)
		}
		// the block as inserted, between the three lines before and after it (go-difflib
		// matches the blank line before it with the block's last, shorter routers or not)
		before := strings.SplitAfter(src[:at], "\n")
		before = before[len(before)-4 : len(before)-1]
		added := strings.SplitAfter(text, "\n")
		added = added[:len(added)-1] // after the last line break
		after := strings.SplitAfter(src[at:], "\n")[:3]
		line := strings.Count(src[:at], "\n") - 2
		want := fmt.Sprintf("--- a/f\n+++ b/f\n@@ -%d,6 +%d,%d @@\n", line, line, 6+len(added))
		for _, l := range before {
			want += " " + l
		}
		for _, l := range added {
			want += "+" + l
		}
		for _, l := range after {
			want += " " + l
		}
		if diff != want {
			t.Errorf("the forward into %d lines:\n%s\nwant:\n%s", lines, diff, want)
		}
	}
}

// BenchmarkUnifiedDiffBigRouter is the diff init shows for the 20,000-line router: the health
// forward inserted before its first scope.
func BenchmarkUnifiedDiffBigRouter(b *testing.B) {
	src := testtools.BigRouter(b, 20_000)
	at, text := testtools.HealthForward(src)
	out := src[:at] + text + src[at:]
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	a, c := []byte(src), []byte(out)
	for b.Loop() {
		if UnifiedDiff("a/router.ex", "b/router.ex", a, c) == "" {
			b.Fatal("no diff")
		}
	}
}
