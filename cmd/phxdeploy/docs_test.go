package main

import (
	"bytes"
	"flag"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/phxdeploy/phxdeploy/internal/docgen"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

var writeDocs = flag.Bool("docs", false, "write the reference pages into docs/cli and docs/man (make docs)")

func docPages(t *testing.T) map[string][]byte {
	t.Helper()
	pages, err := docgen.Pages(func() *cobra.Command { return NewRootCmd(&IOStreams{}) })
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// The reference pages committed under docs/ are what the command tree says now; with -docs
// (make docs) this test writes them instead.
func TestDocsAreUpToDate(t *testing.T) {
	pages := docPages(t)
	dir := filepath.Join(testtools.RepoRoot(), "docs")
	if *writeDocs {
		if err := docgen.Write(dir, pages); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d pages into docs/cli and docs/man", len(pages))
		return
	}
	stale, err := docgen.Stale(dir, pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("the reference pages in docs/ are not what the commands say now: run make docs, and commit docs/cli and docs/man\n  %s", strings.Join(stale, "\n  "))
	}
}

// The pages are the same bytes every time, and each page a user can reach has one.
func TestDocsCoverEveryCommandAndTopic(t *testing.T) {
	pages := docPages(t)
	again := docPages(t)
	for name, b := range pages {
		if !bytes.Equal(b, again[name]) {
			t.Errorf("%s changed between two renderings", name)
		}
		for _, word := range []string{"Auto generated", "spf13/cobra"} {
			if bytes.Contains(b, []byte(word)) {
				t.Errorf("%s contains %q", name, word)
			}
		}
	}
	for _, want := range []string{
		"cli/phxdeploy.md", "cli/phxdeploy_init.md", "cli/phxdeploy_update.md", "cli/phxdeploy_check.md",
		"cli/phxdeploy_templates_lint.md", "cli/phxdeploy_completion_zsh.md", "cli/phxdeploy_version.md",
		"cli/phxdeploy_environment.md", "cli/phxdeploy_exit-codes.md",
		"man/phxdeploy.1", "man/phxdeploy-init.1", "man/phxdeploy-templates-diff.1", "man/phxdeploy-completion-bash.1",
		"man/phxdeploy-environment.7", "man/phxdeploy-exit-codes.7",
	} {
		if pages[want] == nil {
			t.Errorf("no page %s", want)
		}
	}
	for name := range pages {
		if strings.Contains(name, "debug") || strings.Contains(name, "help") {
			t.Errorf("%s: hidden commands and cobra's help command get no page", name)
		}
	}
	root := string(pages["cli/phxdeploy.md"])
	for _, want := range []string{"](phxdeploy_environment.md)", "](phxdeploy_exit-codes.md)", "](phxdeploy_init.md)", "-v, --version"} {
		if !strings.Contains(root, want) {
			t.Errorf("cli/phxdeploy.md lacks %q", want)
		}
	}
	if !strings.Contains(string(pages["man/phxdeploy.1"]), `\fBphxdeploy-exit-codes(7)\fP`) {
		t.Error("phxdeploy(1) does not refer to phxdeploy-exit-codes(7)")
	}
}

// Every man page renders without a warning from groff (-ww: all of them), and shows what it
// should: its name line, its examples, a table of the topics kept as laid out.
func TestManPagesRender(t *testing.T) {
	groff := testtools.Require(t, "groff", "groff-base")
	pages := docPages(t)
	var names []string
	for name := range pages {
		if strings.HasPrefix(name, "man/") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		// -ww: every warning; -P-cbou: plain text, no escape sequences or overstriking
		cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-P-cbou")
		cmd.Stdin = bytes.NewReader(pages[name])
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		cmd.Env = append(cmd.Environ(), "LC_ALL=C.UTF-8")
		if err := cmd.Run(); err != nil || errOut.Len() > 0 {
			t.Errorf("groff %s: %v\n%s", name, err, errOut.String())
			continue
		}
		text := out.String()
		page := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		for _, want := range []string{"NAME\n       " + page + " ", "EXAMPLE"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s rendered lacks %q:\n%s", name, want, text)
			}
		}
	}
}

// The doc generators stay out of the phxdeploy binary (its startup and size): only the tests
// reach them.
func TestDocGeneratorsAreNotInTheBinary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/spf13/cobra/doc", "github.com/cpuguy83/go-md2man", "github.com/russross/blackfriday", "github.com/phxdeploy/phxdeploy/internal/docgen"} {
			if strings.HasPrefix(pkg, banned) {
				t.Errorf("phxdeploy imports %s: the doc generators belong in internal/docgen, used by tests only", pkg)
			}
		}
	}
}
