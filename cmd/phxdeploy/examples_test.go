package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// commandTree returns every command of phxdeploy's tree, hidden ones and help topics included,
// parents first.
func commandTree() []*cobra.Command {
	var out []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		out = append(out, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(&IOStreams{}))
	return out
}

// exampleLines returns the command lines of a command's examples: not blank, not comments, a
// line that ends in \, &&, || or | joined with the next.
func exampleLines(c *cobra.Command) []string {
	var out []string
	cont := false
	for _, l := range strings.Split(c.Example, "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if cont {
			out[len(out)-1] = strings.TrimSuffix(out[len(out)-1], "\\") + " " + l
		} else {
			out = append(out, l)
		}
		cont = strings.HasSuffix(l, "&&") || strings.HasSuffix(l, "|") || strings.HasSuffix(l, "\\")
	}
	return out
}

// Every command, hidden or not, and every help topic has examples, and one of them shows the
// command itself (a help topic: phxdeploy help <topic>).
func TestEveryCommandHasExamples(t *testing.T) {
	for _, c := range commandTree() {
		path := c.CommandPath()
		if c.IsAdditionalHelpTopicCommand() {
			path = "phxdeploy help " + c.Name()
		}
		lines := exampleLines(c)
		if len(lines) == 0 {
			t.Errorf("%s has no example: give its Example at least one command line", path)
			continue
		}
		shows := false
		for _, l := range lines {
			shows = shows || regexp.MustCompile(`(^|[|&;] *|\(|\w=\S* )`+regexp.QuoteMeta(path)+`( |$|\))`).MatchString(l)
		}
		if !shows {
			t.Errorf("no example of %q runs it:\n%s", path, c.Example)
		}
		if !strings.HasPrefix(c.Example, "  ") {
			t.Errorf("%s: examples are indented by two spaces, as cobra prints them:\n%s", path, c.Example)
		}
	}
}

// exampleRun says how the test runs an example line that cannot run as printed without a
// terminal, or what else it needs.
type exampleRun struct {
	setup string // shell run before the line, in the same sandbox
	stdin string
	env   []string
}

// exampleRuns are the lines that need more than the sandbox, by the command they run.
var exampleRuns = []struct {
	re  *regexp.Regexp
	run exampleRun
}{
	// Interactive on a terminal; here the same questions through the plain prompts, answered
	// docker, done, take the proposals, write.
	{regexp.MustCompile(`^phxdeploy init$`), exampleRun{env: []string{"ACCESSIBLE=1"}, stdin: "2\n0\n1\ny\n"}},
	// update and check need a project phxdeploy init was run in.
	{regexp.MustCompile(`phxdeploy (update|check)\b`), exampleRun{setup: "phxdeploy init --target fly --yes"}},
	// diff needs an override exported from the embedded templates.
	{regexp.MustCompile(`phxdeploy templates diff\b`), exampleRun{setup: "phxdeploy templates export docker --to .phxdeploy/templates"}},
}

// Every example line runs as printed, with bash, the phxdeploy and phxdeploy-lint of this
// tree on PATH, in a sandbox: HOME is a new directory holding a copy of testdata/phx18_postgres
// as ~/src/shop (the current directory) and of testdata/org_templates as ~/acme-templates,
// and nothing of the test's environment but PATH reaches it. Each line gets a sandbox of its
// own, and must exit 0 (or the code exampleRuns documents for it).
func TestExamplesRun(t *testing.T) {
	testtools.Require(t, "bash", "bash")
	bins := []string{filepath.Dir(binary(t))}
	if !testing.Short() {
		useLint(t)
		bins = append(bins, filepath.Dir(lintPath))
	}
	path := strings.Join(append(bins, os.Getenv("PATH")), string(os.PathListSeparator))
	seen := map[string]bool{}
	for _, c := range commandTree() {
		for _, line := range exampleLines(c) {
			if seen[line] {
				continue
			}
			seen[line] = true
			if testing.Short() && strings.Contains(line, "templates lint") {
				continue // -short: lint runs the external validators
			}
			var how exampleRun
			for _, r := range exampleRuns {
				if r.re.MatchString(line) {
					how = r.run
				}
			}
			t.Run(c.CommandPath()+": "+line, func(t *testing.T) {
				t.Parallel()
				home := t.TempDir()
				project := filepath.Join(home, "src", "shop")
				if err := os.MkdirAll(filepath.Dir(project), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(fixture(t, "phx18_postgres"), project); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(testtools.CopyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", "org_templates")), filepath.Join(home, "acme-templates")); err != nil {
					t.Fatal(err)
				}
				tmp := filepath.Join(home, "tmp")
				if err := os.Mkdir(tmp, 0o755); err != nil {
					t.Fatal(err)
				}
				env := append([]string{"PATH=" + path, "HOME=" + home, "TMPDIR=" + tmp}, how.env...)
				sh := func(script, stdin string) (int, string) {
					cmd := exec.Command("bash", "-o", "pipefail", "-c", script)
					cmd.Dir, cmd.Env, cmd.Stdin = project, env, strings.NewReader(stdin)
					var out bytes.Buffer
					cmd.Stdout, cmd.Stderr = &out, &out
					err := cmd.Run()
					if ee, ok := err.(*exec.ExitError); ok {
						return ee.ExitCode(), out.String()
					} else if err != nil {
						t.Fatal(err)
					}
					return 0, out.String()
				}
				if how.setup != "" {
					if code, out := sh(how.setup, ""); code != 0 {
						t.Fatalf("setup %q: exit %d\n%s", how.setup, code, out)
					}
				}
				if code, out := sh(line, how.stdin); code != 0 {
					t.Errorf("the example of %s\n  %s\nexits %d, want 0:\n%s", c.CommandPath(), line, code, out)
				}
			})
		}
	}
}
