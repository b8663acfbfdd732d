package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// InitOptions are the inputs of `phxdeploy init`.
type InitOptions struct {
	IO *IOStreams

	Dir        string
	Release    string
	Endpoint   string
	Templates  []string // organization template directories, first wins
	Yes        bool
	DryRun     bool
	Force      bool     // replace every file that differs (not the files the project keeps)
	Forced     []string // replace these files, the project's own ones too (--force PATH,...)
	JSON       bool
	Accessible bool
	// Update merges with the user's versions (phxdeploy update); Conflict is how overlapping
	// changes are left (markers or rej).
	Update   bool
	Conflict string
	Check    bool // init --check: phxdeploy check
	// AllowDirty: write over uncommitted changes in a git work tree without asking.
	AllowDirty bool
	Quiet      bool // print nothing but warnings and errors
	Verbose    bool // say where each answer and each fact came from

	// Answers given as flags, by question key.
	Given map[string]string
}

// NewInitCmd wires the flags of `init`; runF replaces the run function in tests.
func NewInitCmd(ios *IOStreams, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Render the deployment files for the chosen targets into a Phoenix project",
		Long: `Detects the Phoenix project in --dir, asks for what it cannot detect (or takes it from
flags), and renders the deployment files for each target. Existing files are never changed
without --force; --dry-run shows every change as a unified diff and writes nothing.

--force alone replaces every file that differs from what phxdeploy would write, except the
files the project keeps and the other files follow (its own Dockerfile, an env.sh that names
the nodes): those are replaced only when named, as in --force Dockerfile,rel/env.sh.eex.
On a terminal, each file that differs asks: keep / overwrite / show the diff. Shift+Tab (a
line with < in accessible mode) goes back: from the list of changes to the last file asked
about, and from the first file into the questions.

Every question has a flag. Without a terminal, or with --yes, defaults answer the rest;
answers without a default must then be given as flags.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && !cmd.Flags().Changed("force") {
				return usageError("init takes no arguments (got %q); files to replace follow --force", args[0])
			}
			return nil
		},
		Example: `  # On a terminal: pick the targets, review what phxdeploy would use, confirm the changes
  phxdeploy init
  phxdeploy init --target fly --yes
  phxdeploy init --target k8s,docker --image ghcr.io/acme/shop:1.4.2 --host shop.acme.com --yes
  # Show every change as a patch (git apply takes it), write nothing
  phxdeploy init --target systemd --host shop.acme.com --dry-run > deploy.patch
  phxdeploy init --target fly --yes --force Dockerfile,fly.toml
  phxdeploy init --dir ~/src/shop --target fly --templates ~/acme-templates --yes --json
  # Plain prompts, answers piped in: docker, done, take the proposals, write
  printf '2\n0\n1\ny\n' | phxdeploy init --accessible`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Given = givenAnswers(cmd.Flags())
			if err := opts.forcedPaths(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runInit(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "dir", ".", "project directory")
	f.StringVar(&opts.Release, "release", "", "release to deploy when mix.exs defines several")
	f.StringVar(&opts.Endpoint, "endpoint", "", "the public endpoint module, when the project has several")
	f.BoolVarP(&opts.Yes, "yes", "y", false, "do not prompt: take defaults for every question not given as a flag")
	f.BoolVar(&opts.DryRun, "dry-run", false, "write nothing; print a unified diff of every change")
	listVar(f, &opts.Forced, "force", false, "replace files that differ from what phxdeploy would write: all of them (--force), or the paths given (--force Dockerfile,fly.toml), the project's own Dockerfile and env.sh too")
	f.Lookup("force").NoOptDefVal = forceAll
	f.BoolVar(&opts.JSON, "json", false, "print the result as one JSON object")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing but warnings and errors (the exit code says the rest)")
	f.BoolVar(&opts.Verbose, "verbose", false, "also say where each fact about the project was read (file:line); answers always show their source")
	f.BoolVar(&opts.AllowDirty, "allow-dirty", false, "write over uncommitted changes in a git work tree without asking")
	f.BoolVar(&opts.Check, "check", false, "write nothing; exit 1 when an update would change the project (as phxdeploy check)")
	f.BoolVar(&opts.Accessible, "accessible", false, "plain line-by-line prompts, also without a terminal: answers can be piped in (also ACCESSIBLE=1; TERM=dumb gives them on a terminal)")
	listVar(f, &opts.Templates, "templates", true, "organization template directory (repeatable, first wins; default: the PHXDEPLOY_TEMPLATES path list)")
	defer completeAnswers(cmd)
	for _, q := range questionFlags() {
		switch q.Kind {
		case answers.KindBool:
			f.Bool(q.Key, false, q.Help)
		case answers.KindList:
			listVar(f, new([]string), q.Key, false, q.Help)
		default:
			f.String(q.Key, "", q.Help)
		}
	}
	return cmd
}

// forceAll is --force without paths.
const forceAll = "all"

// forcedPaths settles --force: all files, or the paths it names (as --force=a,b or as the
// arguments after --force), slash-separated and relative to the project.
func (o *InitOptions) forcedPaths(args []string) error {
	var paths []string
	given := o.Forced
	if len(args) > 0 {
		// `--force Dockerfile`: the flag took no value (its "all"), the paths follow it
		given = slices.DeleteFunc(slices.Clone(given), func(s string) bool { return s == forceAll })
	}
	for _, p := range append(given, args...) {
		for _, p := range strings.Split(p, ",") {
			p = strings.TrimSpace(p)
			switch {
			case p == "":
			case p == forceAll:
				o.Force = true
			case filepath.IsAbs(p) || p != filepath.ToSlash(filepath.Clean(p)) || strings.HasPrefix(p, "../"):
				return usageError("--force %s: give a path relative to the project, such as Dockerfile or rel/env.sh.eex", p)
			default:
				paths = append(paths, filepath.ToSlash(p))
			}
		}
	}
	o.Forced = paths
	return nil
}

// givenAnswers collects the question flags the user set.
func givenAnswers(fs *pflag.FlagSet) map[string]string {
	out := map[string]string{}
	for _, q := range questionFlags() {
		fl := fs.Lookup(q.Key)
		if fl == nil || !fl.Changed {
			continue
		}
		v := fl.Value.String()
		if q.Kind == answers.KindList {
			v = strings.Trim(v, "[]")
		}
		out[q.Key] = v
	}
	return out
}

// orgDirs returns the organization template directories: --templates, else PHXDEPLOY_TEMPLATES.
// An empty --templates is a usage error (it would otherwise mean the current directory).
func orgDirs(ios *IOStreams, given []string) ([]string, error) {
	for _, d := range given {
		if strings.TrimSpace(d) == "" {
			return nil, usageError("--templates: an empty directory name; give the organization's template directory")
		}
	}
	if len(given) > 0 {
		return given, nil
	}
	get := ios.Getenv
	if get == nil {
		get = os.Getenv
	}
	var out []string
	for _, d := range filepath.SplitList(get("PHXDEPLOY_TEMPLATES")) {
		if d != "" {
			out = append(out, d)
		}
	}
	return out, nil
}

// failed wraps a pipeline error with the exit code it maps to: 128 + the signal's number for a
// run stopped by SIGINT (130) or SIGTERM (143).
func failed(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return err // a hook of the command's own decided the code
	}
	var sig signalled
	if errors.As(err, &sig) {
		return &exitError{code: 128 + int(sig.Signal.(syscall.Signal)), err: err}
	}
	if errors.Is(err, errAborted) {
		return &exitError{code: 128 + int(syscall.SIGINT), err: err}
	}
	return &exitError{code: generator.ExitCode(err), err: err}
}

// signalled is the cause of a run's cancellation: the signal that stopped it.
type signalled struct{ os.Signal }

func (s signalled) Error() string { return "stopped by " + s.Signal.String() }

// interruptible returns a context cancelled, with a signalled cause, by SIGINT or SIGTERM: the
// file in flight is finished, nothing more is written, and what was written is rolled back.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(signalled{s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

func runInit(opts *InitOptions) error {
	if opts.Check {
		return runCheck(opts)
	}
	ios := opts.IO
	ctx, stop := interruptible()
	defer stop()
	var ask generator.Asker
	if (ios.Interactive() || pipedAnswers(opts)) && !opts.Yes && !opts.Update {
		pr := ios.Prompter
		if pr == nil {
			pr = newHuhPrompter(ios.In, ios.ErrOut, accessible(opts), getenv(opts)("NO_COLOR") != "")
		}
		h, full := pr.(*huhPrompter)
		ask = asker{ctx: ctx, pr: pr, diffs: ios.ErrOut, colour: full && !h.accessible && !h.noColor}
	}
	dirs, err := orgDirs(ios, opts.Templates)
	if err != nil {
		return err
	}
	req := generator.Request{
		Dir: opts.Dir, Release: opts.Release, Endpoint: opts.Endpoint, Given: opts.Given, TemplateDirs: dirs,
		Force: opts.Force, Forced: opts.Forced, DryRun: opts.DryRun, HealthRoutes: !opts.JSON,
		Update: opts.Update, Conflict: generator.ConflictStyle(opts.Conflict), Waiting: waiting(ios),
	}
	a, interactive := ask.(asker)
	if interactive && !opts.Force {
		req.Resolve = a.Resolve
	}
	var hooks []func([]generator.Change) error
	if !opts.AllowDirty {
		if interactive {
			hooks = append(hooks, guardDirty(opts, &a))
		} else {
			hooks = append(hooks, guardDirty(opts, nil))
		}
	}
	if interactive {
		hooks = append(hooks, a.confirm)
	}
	req.BeforeWrite = func(changes []generator.Change) error {
		for _, h := range hooks {
			if err := h(changes); err != nil {
				return err
			}
		}
		return nil
	}
	res, err := generator.Run(ctx, req, ask)
	var open *project.AmbiguousError
	if a, ok := ask.(asker); ok && errors.As(err, &open) && open.Flag == "endpoint" {
		// A choice the code leaves open is a question on a terminal.
		req.Endpoint, err = a.within(func() (string, error) {
			return a.pr.Select(open.Why, open.Candidates, open.Candidates[0])
		})
		if err == nil {
			res, err = generator.Run(ctx, req, ask)
		}
	}
	if err != nil {
		return failed(err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(ios.ErrOut, "warning:", generator.Printable(w))
	}
	if opts.DryRun && !opts.JSON {
		if err := generator.WriteDiff(ios.Out, res.Changes); err != nil {
			return failed(err)
		}
	}
	switch {
	case opts.JSON:
		if err := res.Report.WriteJSON(ios.Out); err != nil {
			return failed(err)
		}
	case opts.Quiet:
		if res.Report.ExitCode == generator.ExitConflict {
			fmt.Fprintln(ios.ErrOut, "phxdeploy: files left in conflict or edits to make by hand: run again without --quiet to see them")
		}
	case opts.DryRun:
		// stdout is the patch (`phxdeploy init --dry-run > p && git apply p`); the report goes
		// to stderr.
		res.Report.WriteText(ios.ErrOut)
	default:
		res.Report.WriteText(ios.Out)
	}
	if opts.Verbose && !opts.JSON {
		res.Report.WriteFacts(ios.ErrOut)
	}
	if res.Report.ExitCode != generator.ExitOK {
		return &exitError{code: res.Report.ExitCode, err: errors.New("")}
	}
	return nil
}

func accessible(opts *InitOptions) bool {
	get := getenv(opts)
	return opts.Accessible || get("ACCESSIBLE") != "" || get("TERM") == "dumb"
}

// getenv is the run's environment (the process's unless a test gives one).
func getenv(opts *InitOptions) func(string) string {
	if opts.IO.Getenv != nil {
		return opts.IO.Getenv
	}
	return os.Getenv
}

// waiting says at once that the run waits for another one (which may be a person answering its
// questions), instead of a silent wait.
func waiting(ios *IOStreams) func() {
	return func() {
		fmt.Fprintln(ios.ErrOut, "phxdeploy: another phxdeploy run is working on this project (perhaps waiting at its questions); waiting for it to finish (Ctrl-C stops)")
	}
}

// pipedAnswers: with --accessible (or ACCESSIBLE) the questions are asked line by line without
// a terminal too, so that a script can pipe the answers in. TERM=dumb alone does not: CI runners
// set it, and their commands must not start asking.
func pipedAnswers(opts *InitOptions) bool {
	return opts.Accessible || getenv(opts)("ACCESSIBLE") != ""
}

// asker asks each question with the prompt that fits its kind, pre-filled with the proposed
// value. A signal stops it at once: a prompt blocked reading stdin is abandoned (nothing has been
// written while prompts run).
type asker struct {
	ctx    context.Context
	pr     Prompter
	diffs  io.Writer // where "show the diff" prints
	colour bool      // the diff in colour (a terminal, no NO_COLOR)
}

// CanGoBack tells the prompter whether the next question can go back to the one before it.
func (a asker) CanGoBack(on bool) {
	if b, ok := a.pr.(interface{ canGoBack(bool) }); ok {
		b.canGoBack(on)
	}
}

func (a asker) Ask(q *answers.Question, def string) (string, error) {
	return a.within(func() (string, error) { return a.ask(q, def) })
}

// Resolve asks what to do with a file that differs from what phxdeploy would write: keep it,
// replace it, or show the diff and ask again.
func (a asker) Resolve(c generator.Change, replace bool) (bool, error) {
	title := fmt.Sprintf("%s differs from what phxdeploy would write", generator.Printable(c.Path))
	if c.Action == generator.Kept {
		title = fmt.Sprintf("%s: %s", generator.Printable(c.Path), generator.Printable(c.Reason))
	}
	for {
		choice, err := a.within(func() (string, error) {
			return a.pr.Select(title, []string{resolveKeep, resolveOverwrite, resolveDiff}, map[bool]string{false: resolveKeep, true: resolveOverwrite}[replace])
		})
		if err != nil || choice != resolveDiff {
			return choice == resolveOverwrite, err
		}
		// Shown as the change overwriting would make (a conflict's diff is commented out).
		var diff strings.Builder
		if err := generator.WriteDiff(&diff, []generator.Change{{Path: c.Path, Action: generator.Overwrite, Old: c.Old, Content: c.Content}}); err != nil {
			return false, err
		}
		fmt.Fprint(a.diffs, colourDiff(diff.String(), a.colour))
	}
}

// colourDiff colours a unified diff's removed, added and hunk lines when on is true.
func colourDiff(diff string, on bool) string {
	if !on {
		return diff
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(diff, "\n") {
		code := ""
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"), strings.HasPrefix(line, "diff --git"):
			code = "1" // bold
		case strings.HasPrefix(line, "+"):
			code = "32"
		case strings.HasPrefix(line, "-"):
			code = "31"
		case strings.HasPrefix(line, "@@"):
			code = "36"
		}
		if code == "" || line == "" {
			b.WriteString(line)
			continue
		}
		body, nl := strings.CutSuffix(line, "\n")
		b.WriteString("\x1b[" + code + "m" + body + "\x1b[0m")
		if nl {
			b.WriteString("\n")
		}
	}
	return b.String()
}

const (
	resolveKeep      = "keep the file as it is"
	resolveOverwrite = "overwrite it with phxdeploy's"
	resolveDiff      = "show the diff"
)

// Review shows what phxdeploy would use (as fly launch does) and asks whether to take it or to
// go through every question.
func (a asker) Review(proposals []answers.Answer, customized bool) (bool, error) {
	var b strings.Builder
	b.WriteString("phxdeploy would use:\n")
	generator.WriteAnswers(&b, proposals)
	// The table is part of the question when the screen has room for it, so that going back
	// or cancelling leaves no stale copy; a full-screen form vanishes once answered, so the
	// settings taken are printed then.
	heading, printed := a.heading(b.String())
	choice, err := a.within(func() (string, error) {
		def := reviewAccept
		if customized {
			def = reviewCustomize
		}
		return a.pr.Select(heading+"Write the files with these settings?", []string{reviewAccept, reviewCustomize}, def)
	})
	if t, ok := a.pr.(interface{ transient() bool }); err == nil && !printed && choice == reviewAccept && ok && t.transient() {
		fmt.Fprint(a.diffs, b.String())
	}
	return choice == reviewCustomize, err
}

// heading returns text to put above a question's title, or prints it above the question when
// the screen has no room for both (and reports that it did).
func (a asker) heading(text string) (string, bool) {
	if r, ok := a.pr.(interface{ roomFor(string) bool }); ok && !r.roomFor(text) {
		fmt.Fprint(a.diffs, text)
		return "", true
	}
	return text, false
}

const (
	reviewAccept    = "yes, use these settings"
	reviewCustomize = "customize them"
)

// confirm lists what a run is about to write and asks before writing it (as Igniter does).
func (a asker) confirm(changes []generator.Change) error {
	// The list is part of the question when it fits (the report that follows lists what was
	// done).
	var list strings.Builder
	n := 0
	for _, c := range changes {
		if c.Writes() && !c.Bookkeeping {
			fmt.Fprintf(&list, "%16s  %s\n", c.Action, generator.Printable(c.Path))
			n++
		}
	}
	if n == 0 {
		return nil
	}
	heading, _ := a.heading(list.String())
	ok, err := a.within(func() (string, error) {
		yes, err := a.pr.Confirm(fmt.Sprintf("%sWrite these changes (%d file(s))?", heading, n), true)
		return fmt.Sprint(yes), err
	})
	if err != nil {
		return err
	}
	if ok != "true" {
		return errAborted
	}
	return nil
}

// within runs a prompt, abandoned when the run is interrupted.
func (a asker) within(prompt func() (string, error)) (string, error) {
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := prompt()
		ch <- answer{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-a.ctx.Done():
		// A full-screen prompt gets the signal too and restores the terminal as it quits.
		select {
		case <-ch:
		case <-time.After(300 * time.Millisecond):
		}
		return "", &generator.Interrupted{Cause: context.Cause(a.ctx)}
	}
}

func (a asker) ask(q *answers.Question, def string) (string, error) {
	switch {
	case q.Kind == answers.KindList && len(q.Options) > 0:
		sel, err := a.pr.MultiSelect(q.Title, q.Options, strings.Split(def, ","))
		return strings.Join(sel, ","), err
	case q.Kind == answers.KindBool:
		yes, err := a.pr.Confirm(q.Title, def == "true")
		return fmt.Sprint(yes), err
	case len(q.Options) > 0:
		return a.pr.Select(q.Title, q.Options, def)
	}
	s, err := a.pr.Input(q.Title, def, q.Validate)
	return strings.TrimSpace(s), err
}
