package project

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// KeptEnvSh is what the project's own rel/env.sh.eex does (one without phxdeploy's block that
// names its nodes itself): the variables it sets, under which conditions, and the distribution
// port it fixes. The targets check that they can run with it.
type KeptEnvSh struct {
	File    string        `json:"file"`
	Assigns []ShellAssign `json:"assigns,omitempty"`
	// DistPort is the distribution port the file fixes (inet_dist_listen_min); 0 when it fixes
	// none (the VM picks a random port) or it depends on a variable.
	DistPort int `json:"dist_port,omitempty"`
	// DistPortFixed: the file sets inet_dist_listen_min at all (a literal or a variable).
	DistPortFixed bool `json:"dist_port_fixed,omitempty"`
}

// ShellAssign is one assignment in a shell script, with the conditions it runs under.
type ShellAssign struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Line  int    `json:"line"`
	// Conds are the branches it is in, outermost first; none when it runs on every platform.
	Conds []ShellBranch `json:"conds,omitempty"`
}

// ShellBranch is one branch of an if (or case, or `[ ... ] &&`): it runs when If holds (an else
// branch has none) and every condition in Not (the branches before it) does not.
type ShellBranch struct {
	If  string   `json:"if,omitempty"`
	Not []string `json:"not,omitempty"`
}

// Where reports the file and line of the assignment.
func (a ShellAssign) Where(file string) string { return fmt.Sprintf("%s:%d", file, a.Line) }

// Keeps reports whether the assignment keeps a value the environment already has
// (X="${X:-...}"): the platform's own value wins.
func (a ShellAssign) Keeps() bool {
	v := strings.Trim(a.Value, `"'`)
	return strings.HasPrefix(v, "${"+a.Name+":-") || strings.HasPrefix(v, "${"+a.Name+"-") ||
		strings.HasPrefix(v, "${"+a.Name+":=")
}

var (
	shAssignRe  = lazyre.New(`^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	shDistMinRe = lazyre.New(`inet_dist_listen_min\s+(\S+)`)
	shAndRe     = lazyre.New(`^(\[\[?[^]]*\]\]?|test\s[^&|;]*)\s*&&\s*(.*)$`)
)

// readKeptScripts reads the project's own rel/env.sh.eex (when it names the nodes without
// phxdeploy's block) and the overlay scripts the platforms run.
func (p *Project) readKeptScripts(f *files) error {
	// A file phxdeploy may not read (a link out of the project, a FIFO) is reported when the
	// plan reaches it: it is never read, never followed, never replaced.
	b, ok, err := f.read("rel/env.sh.eex")
	if src := string(b); err == nil && ok && !strings.Contains(src, "# >>> phxdeploy") && keptNodeRe.MatchString(src) {
		p.KeptEnvSh = parseKeptEnvSh("rel/env.sh.eex", src)
	}
	for _, file := range []string{"rel/overlays/bin/server", "rel/overlays/bin/migrate"} {
		if b, ok, err := f.read(file); err == nil && ok {
			p.Privileged = append(p.Privileged, privilegedLines(file, string(b))...)
		}
	}
	return nil
}

// keptNodeRe finds a line that sets RELEASE_NODE (the same test as the env.sh patcher's, which
// leaves such a file as it is).
var keptNodeRe = lazyre.New(`(?m)^\s*(export\s+)?RELEASE_NODE=`)

// parseKeptEnvSh reads a shell script line by line: assignments and the if/case blocks around
// them. It does not run the shell; a line it cannot place keeps the conditions it is under.
func parseKeptEnvSh(file, src string) *KeptEnvSh {
	k := &KeptEnvSh{File: file}
	var stack []ShellBranch
	conds := func(extra string) []ShellBranch {
		out := append([]ShellBranch{}, stack...)
		if extra != "" {
			out = append(out, ShellBranch{If: extra})
		}
		return out
	}
	next := func(cond string) { // elif and else: the branch before is now false
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.If != "" {
			top.Not = append(top.Not, top.If)
		}
		top.If = cond
	}
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		if m := shDistMinRe.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, "#") {
			k.DistPortFixed = true
			v := strings.Trim(m[1], `"'`)
			if n, err := strconv.Atoi(v); err == nil {
				k.DistPort = n
			}
		}
		for _, stmt := range splitStatements(line) {
			for _, kw := range []string{"then ", "do "} { // `if ...; then X=1`
				stmt = strings.TrimSpace(strings.TrimPrefix(stmt, kw))
			}
			word, rest, _ := strings.Cut(stmt, " ")
			switch {
			case stmt == "" || strings.HasPrefix(stmt, "#"):
			case word == "if":
				stack = append(stack, ShellBranch{If: strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "then"))})
			case word == "elif":
				next(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "then")))
			case word == "else":
				next("")
				if rest != "" {
					k.assign(strings.TrimSpace(rest), i+1, conds)
				}
			case word == "fi" || word == "esac":
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			case word == "case":
				stack = append(stack, ShellBranch{If: stmt})
			case word == "then" || word == "do" || word == "done" || word == "while" || word == "for":
			default:
				k.assign(stmt, i+1, conds)
			}
		}
	}
	return k
}

// assign records stmt when it is an assignment (`[ ... ] && export X=...` keeps its test as a
// condition).
func (k *KeptEnvSh) assign(stmt string, line int, conds func(string) []ShellBranch) {
	extra := ""
	if m := shAndRe.FindStringSubmatch(stmt); m != nil {
		extra, stmt = m[1], m[2]
	}
	stmt = strings.TrimSuffix(strings.TrimSpace(stmt), ";;")
	m := shAssignRe.FindStringSubmatch(strings.TrimSpace(stmt))
	if m == nil {
		return
	}
	k.Assigns = append(k.Assigns, ShellAssign{Name: m[1], Value: strings.TrimSpace(m[2]), Line: line, Conds: conds(extra)})
}

// splitStatements splits a line at `;` outside quotes, ${...} and $(...); a case pattern's `)`
// starts a statement too.
func splitStatements(line string) []string {
	var out []string
	var cur strings.Builder
	quote, depth := byte(0), 0
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(line) && (line[i+1] == '{' || line[i+1] == '('):
			depth++
			cur.WriteByte(c)
			cur.WriteByte(line[i+1])
			i++
			continue
		case (c == '}' || c == ')') && depth > 0:
			depth--
		case c == '#' && depth == 0 && (i == 0 || line[i-1] == ' '):
			flush()
			return out
		case c == ';' && depth == 0:
			if i+1 < len(line) && line[i+1] == ';' { // ;; ends a case branch
				i++
			}
			flush()
			continue
		case c == ')' && depth == 0 && !strings.Contains(cur.String(), "("):
			// a case pattern: `*:*)` or `start* | daemon*)`
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	flush()
	return out
}

// Applying returns the assignments of name that run on a platform: unconditional ones, those in
// a branch whose condition is about that platform's variables (mine: FLY_APP_NAME for Fly), and
// those in an else branch after conditions about other platforms only. A condition about
// neither is not known to hold: its assignments are left out.
func (k *KeptEnvSh) Applying(name string, mine, others []string) []ShellAssign {
	var out []ShellAssign
	for _, a := range k.Assigns {
		if a.Name == name && a.runsOn(mine, others) {
			out = append(out, a)
		}
	}
	return out
}

func (a ShellAssign) runsOn(mine, others []string) bool {
	for _, b := range a.Conds {
		for _, not := range b.Not {
			if mentionsAny(not, mine) || !mentionsAny(not, others) {
				return false // an earlier branch about this platform (or about nothing known) took it
			}
		}
		if b.If != "" && (!mentionsAny(b.If, mine) || mentionsAny(b.If, others) || negated(b.If)) {
			return false
		}
	}
	return true
}

// negated reports whether a test is negative (`[ -z "$X" ]`, `! ...`, `!=`): it holds where the
// variable is not set.
func negated(test string) bool {
	return strings.Contains(test, "-z ") || strings.HasPrefix(strings.TrimSpace(test), "!") || strings.Contains(test, "!=")
}

// mentionsAny reports whether text refers to one of the variables (or a prefix like FLY_).
func mentionsAny(text string, vars []string) bool {
	for _, v := range vars {
		if strings.Contains(text, "$"+v) || strings.Contains(text, "${"+v) {
			return true
		}
	}
	return false
}

// MentionsAny reports whether a shell value refers to one of the variables.
func MentionsAny(text string, vars []string) bool { return mentionsAny(text, vars) }

// privilegedRe finds commands that change user, which fail as the unprivileged user platforms
// run the release as.
var privilegedRe = lazyre.New(`(?:^|[;&|(\s])(su|sudo|gosu|su-exec|runuser|setpriv|chroot|chpst|setuidgid|doas)(?:\s|$)`)

// PrivilegedScript is a line of an overlay script that changes user.
type PrivilegedScript struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Command string `json:"command"`
}

// privilegedLines finds the lines of a script that change user.
func privilegedLines(file, src string) []PrivilegedScript {
	var out []PrivilegedScript
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "#") {
			continue
		}
		if m := privilegedRe.FindStringSubmatch(line); m != nil {
			out = append(out, PrivilegedScript{File: file, Line: i + 1, Command: m[1]})
		}
	}
	return out
}
