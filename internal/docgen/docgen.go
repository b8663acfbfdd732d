// Package docgen renders phxdeploy's reference pages from its command tree: docs/cli (Markdown)
// and docs/man (man pages). It is not part of the phxdeploy binary (cobra's doc package and
// go-md2man never reach it); `make docs` runs it through a test of cmd/phxdeploy, which owns the
// command tree.
package docgen

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// Dirs are the directories under docs/ that Pages fills and Write owns: every file in them is
// generated.
var Dirs = []string{"cli", "man"}

// Pages renders the reference pages of the command tree newRoot builds, by slash path under
// docs/: cli/<command>.md and man/<command>.1 for every command a user sees (cobra's doc skips
// hidden commands and the help command), and cli/<root>_<topic>.md and man/<root>-<topic>.7 for
// each help topic, linked from the root's pages. The pages hold no date: the same tree gives the
// same bytes.
func Pages(newRoot func() *cobra.Command) (map[string][]byte, error) {
	pages := map[string][]byte{}
	md, man := prepare(newRoot(), false), prepare(newRoot(), true)
	var topics []*cobra.Command
	for _, c := range md.Commands() {
		if c.IsAdditionalHelpTopicCommand() {
			topics = append(topics, c)
		}
	}
	for _, c := range commands(md) {
		var b bytes.Buffer
		if err := doc.GenMarkdown(c, &b); err != nil {
			return nil, err
		}
		if c == md {
			// cobra's SEE ALSO lists commands only
			b.Truncate(b.Len() - 1)
			for _, t := range topics {
				fmt.Fprintf(&b, "* [%s](%s)\t - %s\n", t.CommandPath(), mdName(t), t.Short)
			}
			b.WriteString("\n")
		}
		pages["cli/"+mdName(c)] = b.Bytes()
	}
	for _, t := range topics {
		pages["cli/"+mdName(t)] = topicMarkdown(t)
	}
	for _, c := range commands(man) {
		var b bytes.Buffer
		if err := doc.GenMan(c, header("1"), &b); err != nil {
			return nil, err
		}
		page := undated(b.Bytes())
		if c == man {
			page = bytes.TrimSuffix(page, []byte("\n"))
			for _, t := range topics {
				page = fmt.Appendf(page, ", \\fB%s(7)\\fP", manName(t))
			}
			page = append(page, '\n')
		}
		pages["man/"+manName(c)+".1"] = page
	}
	for _, t := range topics {
		pages["man/"+manName(t)+".7"] = topicMan(t)
	}
	return pages, nil
}

// commands are the commands that get pages, as cobra's doc trees choose them.
func commands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
			out = append(out, commands(sub)...)
		}
	}
	return out
}

func mdName(c *cobra.Command) string  { return strings.ReplaceAll(c.CommandPath(), " ", "_") + ".md" }
func manName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

// prepare readies a tree for the doc generators: no "auto generated on <date>" line, the version
// flag cobra adds only when the command line runs, and the descriptions written as Markdown
// (which both generators take them as); for man pages, flag descriptions too.
func prepare(root *cobra.Command, man bool) *cobra.Command {
	root.InitDefaultVersionFlag()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		c.Long = markdown(c.Long)
		if man {
			c.Flags().VisitAll(func(f *pflag.Flag) { f.Usage = escape(f.Usage) })
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return root
}

// markdown turns a help text into Markdown: lines indented in it (tables, lists) become code
// blocks that keep their layout; the other lines are prose, with what Markdown would take for
// markup escaped.
func markdown(text string) string {
	var out []string
	var block []string
	flush := func() {
		if len(block) == 0 {
			return
		}
		indent := len(block[0])
		for _, l := range block {
			if strings.TrimSpace(l) != "" {
				indent = min(indent, len(l)-len(strings.TrimLeft(l, " \t")))
			}
		}
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
		out = append(out, "```")
		for _, l := range block {
			out = append(out, l[min(indent, len(l)):])
		}
		out = append(out, "```", "")
		block = nil
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") || (len(block) > 0 && l == "") {
			block = append(block, l)
			continue
		}
		for len(block) > 0 && block[len(block)-1] == "" {
			block = block[:len(block)-1]
		}
		flush()
		if l == "" && len(out) > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, escape(l))
	}
	flush()
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// escape keeps Markdown from taking <name> for an HTML tag (which go-md2man drops).
func escape(s string) string { return strings.ReplaceAll(s, "<", `\<`) }

func header(section string) *doc.GenManHeader {
	// The date is removed (undated); a fixed one keeps cobra from reading the clock.
	return &doc.GenManHeader{Section: section, Date: &time.Time{}, Source: "phxdeploy", Manual: "phxdeploy manual"}
}

var thDate = regexp.MustCompile(`(?m)^(\.TH "[^"]*" "[^"]*" )"[^"]*"`)

// undated empties the date of a man page's title line.
func undated(page []byte) []byte { return thDate.ReplaceAll(page, []byte(`$1""`)) }

// topicMarkdown is the page of a help topic, laid out as cobra lays out a command's.
func topicMarkdown(t *cobra.Command) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## %s\n\n%s\n\n### Synopsis\n\n%s\n\n", t.CommandPath(), t.Short, t.Long)
	fmt.Fprintf(&b, "Shown by `%s help %s`.\n\n", t.Root().Name(), t.Name())
	if t.Example != "" {
		fmt.Fprintf(&b, "### Examples\n\n```\n%s\n```\n\n", t.Example)
	}
	fmt.Fprintf(&b, "### SEE ALSO\n\n* [%s](%s)\t - %s\n\n", t.Root().Name(), mdName(t.Root()), t.Root().Short)
	return b.Bytes()
}

// topicMan is the section 7 man page of a help topic.
func topicMan(t *cobra.Command) []byte {
	h := header("7")
	var b bytes.Buffer
	fmt.Fprintf(&b, "%% %q %q \"\" %q %q\n", strings.ToUpper(manName(t)), h.Section, h.Source, h.Manual)
	fmt.Fprintf(&b, "# NAME\n%s \\- %s\n\n# DESCRIPTION\n%s\n\nShown by **%s help %s**.\n\n", manName(t), t.Short, t.Long, t.Root().Name(), t.Name())
	if t.Example != "" {
		fmt.Fprintf(&b, "# EXAMPLE\n```\n%s\n```\n", t.Example)
	}
	fmt.Fprintf(&b, "# SEE ALSO\n**%s(1)**\n", t.Root().Name())
	return md2man.Render(b.Bytes())
}

// Write makes dir/cli and dir/man hold pages exactly: each page written, every other file in
// them removed.
func Write(dir string, pages map[string][]byte) error {
	for _, d := range Dirs {
		if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	for name, b := range pages {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Stale lists how dir/cli and dir/man differ from pages: each page missing or different, and
// each file there that is no page.
func Stale(dir string, pages map[string][]byte) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, d := range Dirs {
		entries, err := os.ReadDir(filepath.Join(dir, d))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, e := range entries {
			name := path.Join(d, e.Name())
			seen[name] = true
			want, ok := pages[name]
			if !ok {
				out = append(out, name+" is no page of the command tree")
				continue
			}
			got, err := os.ReadFile(filepath.Join(dir, d, e.Name()))
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(got, want) {
				out = append(out, name+" differs")
			}
		}
	}
	for name := range pages {
		if !seen[name] {
			out = append(out, name+" is missing")
		}
	}
	slices.Sort(out)
	return out, nil
}
