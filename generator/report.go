package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/target"
)

// JSONSchemaVersion is the version of the JSON objects phxdeploy prints.
const JSONSchemaVersion = 1

// Report is what `init` prints, as text or JSON.
type Report struct {
	// SchemaVersion versions this object (docs/report.schema.json): it changes when a field
	// changes meaning or goes away, not when one is added.
	SchemaVersion int              `json:"schema_version"`
	Project       *project.Project `json:"project"`
	Answers       []answers.Answer `json:"answers"`
	Changes       []Change         `json:"changes"`
	// Environment is every variable the release reads, as the targets set it.
	Environment []target.EnvVar `json:"environment"`
	// Deployment is the contract every target renders from: release location, start and migrate
	// commands, user, ports, node naming, build arguments, and where each comes from.
	Deployment target.Deployment `json:"deployment"`
	NextSteps  []target.Step     `json:"next_steps"`
	Warnings   []string          `json:"warnings,omitempty"`
	// Bases counts the merge bases written under .phxdeploy/base (not listed in Changes).
	Bases    int  `json:"bases_written"`
	DryRun   bool `json:"dry_run"`
	ExitCode int  `json:"exit_code"`
}

// newReport assembles the report for a plan.
func newReport(reg *target.Registry, p *project.Project, v *answers.Values, d *target.Data, changes []Change, dryRun bool) *Report {
	var shown []Change
	bases := 0
	for _, c := range changes {
		if c.Bookkeeping {
			bases++
			continue
		}
		shown = append(shown, c)
	}
	r := &Report{SchemaVersion: JSONSchemaVersion, Project: p, Answers: reg.Questions().Report(v), Changes: shown, Bases: bases, NextSteps: reg.NextSteps(p, d), DryRun: dryRun,
		Warnings: append(append([]string{}, p.Warnings...), d.Warnings()...), Environment: d.EnvVars,
		Deployment: d.Deployment(p)}
	// A changed mix.exs needs its dependencies fetched before anything runs Mix (and mix.lock
	// committed with it).
	for _, c := range changes {
		if c.Writes() && path.Base(c.Path) == "mix.exs" {
			r.NextSteps = append([]target.Step{{Target: "all", Text: c.Path + " changed: fetch the new dependencies, and commit mix.lock with it"},
				{Target: "all", Command: "mix deps.get"}}, r.NextSteps...)
			break
		}
	}
	counts := Counts(changes)
	if counts[Conflict] > 0 || counts[Manual] > 0 {
		r.ExitCode = ExitConflict
	}
	return r
}

// WriteJSON prints the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteFacts prints what phxdeploy read from the project and where (file:line): --verbose.
func (r *Report) WriteFacts(w io.Writer) {
	if r.Project == nil || len(r.Project.Sources) == 0 {
		return
	}
	fmt.Fprintln(w, "\nFacts, and where they were read:")
	keys := make([]string, 0, len(r.Project.Sources))
	for k := range r.Project.Sources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-16s %s\n", k, Printable(r.Project.Sources[k]))
	}
}

// WriteText prints aligned status lines, the snippets for manual edits, and the next steps, in
// one write (line by line, the report took seventy system calls).
func (r *Report) WriteText(w io.Writer) {
	var b bytes.Buffer
	r.writeText(&b)
	_, _ = w.Write(b.Bytes())
}

func (r *Report) writeText(w io.Writer) {
	for _, c := range r.Changes {
		verb := string(c.Action)
		if r.DryRun && c.Writes() {
			verb = "would " + verb
		}
		fmt.Fprintf(w, "%16s  %s\n", verb, Printable(c.Path))
	}
	for _, c := range r.Changes {
		switch {
		case c.Action == Manual:
			fmt.Fprintf(w, "\nmanual: %s: %s\n", Printable(c.Path), Printable(c.Reason))
			for _, line := range strings.Split(strings.TrimRight(c.Snippet, "\n"), "\n") {
				fmt.Fprintf(w, "    %s\n", Printable(line))
			}
		case c.Action == Kept, c.Action == Yours, c.Action == Deleted, c.Action == Conflict && (c.Merged || c.Unresolved):
			fmt.Fprintf(w, "\n%s: %s: %s\n", c.Action, Printable(c.Path), Printable(c.Reason))
		case c.Action == Conflict && c.Old == nil:
			fmt.Fprintf(w, "\nconflict: %s: %s\n", Printable(c.Path), Printable(c.Reason))
		}
	}
	if len(r.Answers) > 0 {
		fmt.Fprintln(w, "\nAnswers:")
		WriteAnswers(w, r.Answers)
	}
	r.writeEnvironment(w)
	if len(r.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, warning := range r.Warnings {
			fmt.Fprintf(w, "  %s\n", Printable(warning))
		}
	}
	conflicts := 0
	for _, c := range r.Changes {
		if c.Action == Conflict && !c.Merged && !c.Unresolved {
			conflicts++
		}
	}
	switch {
	case conflicts > 0 && r.DryRun:
		fmt.Fprintf(w, "\n%d file(s) differ from what phxdeploy would write and would be left untouched (the patch shows how they differ); replace them with --force.\n", conflicts)
	case conflicts > 0:
		fmt.Fprintf(w, "\n%d file(s) differ from what phxdeploy would write and were left untouched. Review them with --dry-run; replace them with --force.\n", conflicts)
	}
	if r.DryRun {
		fmt.Fprintln(w, "\nDry run: nothing was written.")
	}
	if len(r.NextSteps) > 0 {
		// Notes are shell comments: the steps of a target paste as one script.
		fmt.Fprintln(w, "\nNext steps:")
		last := ""
		for _, s := range r.NextSteps {
			if s.Target != last {
				fmt.Fprintf(w, "  # %s\n", s.Target)
				last = s.Target
			}
			if s.Text != "" {
				fmt.Fprintf(w, "    # %s\n", Printable(s.Text))
			}
			if s.Command != "" {
				fmt.Fprintf(w, "    %s\n", Printable(s.Command))
			}
		}
	}
}

// writeEnvironment prints the environment contract briefly: the required variables, and how
// many optional ones --json lists.
func (r *Report) writeEnvironment(w io.Writer) {
	if len(r.Environment) == 0 {
		return
	}
	var required, optional []string
	for _, v := range r.Environment {
		if !v.Required {
			optional = append(optional, v.Name)
			continue
		}
		if v.Secret {
			required = append(required, v.Name+" (secret)")
		} else {
			required = append(required, v.Name)
		}
	}
	fmt.Fprintln(w, "\nEnvironment the release reads (--json lists each variable with its source):")
	if len(required) > 0 {
		fmt.Fprintf(w, "  required: %s\n", Printable(strings.Join(required, ", ")))
	}
	if len(optional) > 0 {
		fmt.Fprintf(w, "  optional: %d (%s)\n", len(optional), Printable(abbreviate(optional, 6)))
	}
	if build := r.Project.Contract.Build; len(build) > 0 {
		var names []string
		for _, v := range build {
			names = append(names, v.Name)
		}
		fmt.Fprintf(w, "  at build: %s (frozen into the image: see the warnings)\n", Printable(abbreviate(names, 6)))
	}
}

// abbreviate joins the first n names and says how many more there are.
func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
}

// WriteDiff prints what the changes write as a patch `git apply` accepts (git headers, new
// files from /dev/null with their mode), and each conflict as comment lines git ignores: the
// diff --force would apply, each line after "# ".
func WriteDiff(w io.Writer, changes []Change) error {
	size := 4096 // a new file's diff is about its size; an edit's, a few hunks
	for _, c := range changes {
		if c.Old == nil {
			size += len(c.Content) + len(c.Content)/32 + 128
		}
	}
	b := bytes.NewBuffer(make([]byte, 0, size))
	writeDiff(b, changes)
	_, err := w.Write(b.Bytes())
	return err
}

// writeDiff writes WriteDiff's patch into b (in one piece, not a system call per file).
func writeDiff(w *bytes.Buffer, changes []Change) {
	for _, c := range changes {
		if !c.Writes() && c.Action != Conflict || c.Bookkeeping {
			continue
		}
		name := Printable(c.Path)
		if c.Action == Conflict && c.Old == nil {
			fmt.Fprintf(w, "# conflict: %s: %s\n", name, Printable(c.Reason))
			continue
		}
		from, to := "a/"+name, "b/"+name
		var header strings.Builder
		fmt.Fprintf(&header, "diff --git a/%s b/%s\n", name, name)
		if c.Old == nil {
			from = "/dev/null"
			mode := "100644" // git knows two modes of a file
			if c.Mode.Perm()&0o111 != 0 {
				mode = "100755"
			}
			fmt.Fprintf(&header, "new file mode %s\n", mode)
		}
		diff := UnifiedDiff(from, to, c.Old, c.Content)
		if c.Action == Conflict && !c.Merged {
			fmt.Fprintf(w, "# conflict: %s (what --force would write)\n", name)
			for _, line := range strings.SplitAfter(header.String()+diff, "\n") {
				if line != "" {
					fmt.Fprint(w, "# "+printableLines(line))
				}
			}
			continue
		}
		if diff == "" {
			continue
		}
		if shown := printableLines(diff); shown != diff {
			// Control characters or invalid UTF-8 are shown escaped, never written to a
			// terminal; escaped, the patch would write the escapes: it becomes comments.
			fmt.Fprintf(w, "# %s: its diff has characters shown escaped; not part of the patch\n", name)
			for _, line := range strings.SplitAfter(header.String()+shown, "\n") {
				if line != "" {
					fmt.Fprint(w, "# "+line)
				}
			}
			continue
		}
		w.WriteString(header.String() + diff)
	}
}

// UnifiedDiff is a unified diff of a and b with three lines of context; a last line without a
// line break is marked as git marks it.
//
// The lines a and b begin and end with are set aside first, as git's diff does, and difflib's
// matching (unifiedDiff) compares what lies between: an edit of a large file (a route added to
// a router of 20,000 lines) is compared over the lines it changes, not split and matched line by
// line, and the lines around it are always its context.
func UnifiedDiff(from, to string, a, b []byte) string { return unifiedDiffOf(from, to, a, b, 3) }

// unifiedDiffOf is UnifiedDiff with context lines of context.
func unifiedDiffOf(from, to string, a, b []byte, context int) string {
	if len(a) == 0 && len(b) > 0 {
		return creation(from, to, diffLines(b))
	}
	if bytes.Equal(a, b) {
		return ""
	}
	e := sameEnds(a, b, context)
	la, lb := diffLines(a[e.head:len(a)-e.tail]), diffLines(b[e.head:len(b)-e.tail])
	m := newMatcher(la, lb, e.before, e.after)
	return writeHunks(from, to, la, lb, m.groupedOpCodes(context), bytes.Count(a[:e.head], []byte{'\n'}))
}

// ends are the whole lines two files begin and end with (the same in both, never overlapping),
// less up to keep lines of each next to the rest: head and tail are their lengths in bytes,
// before and after the number of lines kept.
type ends struct{ head, tail, before, after int }

func sameEnds(a, b []byte, keep int) ends {
	var e ends
	// back to the start of the line the first difference is in
	e.head = bytes.LastIndexByte(a[:samePrefix(a, b)], '\n') + 1
	ra, rb := a[e.head:], b[e.head:]
	e.tail = sameSuffix(ra, rb)
	// the shared end's whole lines: it starts one where both have a line break or nothing
	// before it
	end := ra[len(ra)-e.tail:]
	if a, b := len(ra)-e.tail, len(rb)-e.tail; (a > 0 && ra[a-1] != '\n') || (b > 0 && rb[b-1] != '\n') {
		end, _ = afterLines(end, 1)
	}
	end, e.after = afterLines(end, keep)
	e.tail = len(end)
	for ; e.before < keep && e.head > 0; e.before++ {
		e.head = bytes.LastIndexByte(a[:e.head-1], '\n') + 1
	}
	return e
}

// samePrefix is the length of the bytes a and b begin with, compared a block at a time.
func samePrefix(a, b []byte) int {
	const block = 256
	n, k := min(len(a), len(b)), 0
	for k+block <= n && bytes.Equal(a[k:k+block], b[k:k+block]) {
		k += block
	}
	for k < n && a[k] == b[k] {
		k++
	}
	return k
}

// sameSuffix is the length of the bytes a and b end with.
func sameSuffix(a, b []byte) int {
	const block = 256
	n, k := min(len(a), len(b)), 0
	for k+block <= n && bytes.Equal(a[len(a)-k-block:len(a)-k], b[len(b)-k-block:len(b)-k]) {
		k += block
	}
	for k < n && a[len(a)-1-k] == b[len(b)-1-k] {
		k++
	}
	return k
}

// afterLines is what follows the first n line breaks of text (nothing if it has fewer), and
// the number of lines passed.
func afterLines(text []byte, n int) ([]byte, int) {
	k := 0
	for ; k < n && len(text) > 0; k++ {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			return nil, k + 1
		}
		text = text[i+1:]
	}
	return text, k
}

// creation is the unified diff that creates a file of lines, as difflib writes it (a single
// insertion) without matching the lines against nothing: most of what init shows is new files.
func creation(from, to string, lines []string) string {
	n := 0
	for _, l := range lines {
		n += 1 + len(l)
	}
	var b strings.Builder
	b.Grow(len(from) + len(to) + n + 32)
	b.WriteString("--- " + from + "\n+++ " + to + "\n@@ -0,0 +1")
	if len(lines) != 1 {
		b.WriteString("," + strconv.Itoa(len(lines)))
	}
	b.WriteString(" @@\n")
	for _, l := range lines {
		b.WriteString("+")
		b.WriteString(l)
	}
	return b.String()
}

// diffLines splits text into lines with their line breaks; a last line without one carries
// git's "no newline" marker, so that it differs from the same line with a break.
func diffLines(text []byte) []string {
	out := make([]string, 0, bytes.Count(text, []byte{'\n'})+1)
	// The lines share text's memory instead of a copy of it: they are compared and copied into
	// the diff, never kept, and nothing changes text meanwhile.
	for s := unsafe.String(unsafe.SliceData(text), len(text)); len(s) > 0; {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s+"\n\\ No newline at end of file\n")
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// Printable shows control characters (bidirectional overrides included) and invalid UTF-8 as
// escapes, so that no name from a project can move the cursor, clear the screen, reorder what a
// line shows or forge a line of the report on a terminal.
func Printable(s string) string { return printable(s, false) }

// printableLines is Printable for text made of lines (a diff): line breaks and tabs stay.
func printableLines(s string) string { return printable(s, true) }

func printable(s string, lines bool) string {
	if plain(s, lines) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case lines && (r == '\n' || r == '\t' || r == '\r'):
			b.WriteRune(r)
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// plain reports whether printable has nothing to escape in s: printable ASCII (and line
// breaks and tabs in lines).
func plain(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f || lines && (c == '\n' || c == '\t' || c == '\r') {
			continue
		}
		return false
	}
	return true
}

// WriteAnswers prints answers as a table of key, value and source, each column as wide as its
// longest entry so that the table fits a narrow terminal.
func WriteAnswers(w io.Writer, list []answers.Answer) {
	keyW, valW := 0, 0
	for _, a := range list {
		keyW = max(keyW, len(a.Key))
		valW = max(valW, len(Printable(quoteEmpty(a.Value))))
	}
	for _, a := range list {
		fmt.Fprintf(w, "  %-*s  %-*s  (%s)\n", keyW, a.Key, valW, Printable(quoteEmpty(a.Value)), Printable(a.Source))
	}
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}
