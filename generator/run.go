package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/engine"
	"github.com/phxdeploy/phxdeploy/generator/patch"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/safefs"
	"github.com/phxdeploy/phxdeploy/generator/target"
)

// Exit codes of `phxdeploy init`, documented in the README.
const (
	ExitOK       = 0 // everything written or already identical
	ExitFailed   = 1 // nothing written
	ExitUsage    = 2 // bad flags or arguments
	ExitConflict = 3 // done, except files left in conflict or edits left to do by hand
)

// lockWait is how long a run waits for another run on the same project to finish.
const lockWait = 2 * time.Minute

// Request is one run of the pipeline.
type Request struct {
	Dir     string // the project directory
	Release string // the release to deploy when mix.exs defines several
	// Waiting is called when the run starts waiting for another run on the project.
	Waiting func()
	// Endpoint is the public endpoint when the project has several.
	Endpoint string
	Given    map[string]string // answers given as flags, by question key
	// TemplateDirs are the organization template directories, first wins.
	TemplateDirs []string
	// Registry is the set of targets (nil: the built-in ones).
	Registry *target.Registry
	// Layers are extra template layers searched after the organization's and before the
	// embedded templates (a target's own templates, in tests).
	Layers []engine.Layer
	Force  bool     // replace differing files
	Forced []string // replace these files only (--force with paths)
	DryRun bool     // plan and report, write nothing
	// HealthRoutes: the report is not printed as JSON, which lists the router's routes; the
	// router is read only as far as finding a health route needs (project.Options).
	HealthRoutes bool
	// Update re-renders with the saved answers and merges each file phxdeploy wrote with the
	// user's version (phxdeploy update); Conflict is how overlapping changes are left.
	Update   bool
	Conflict ConflictStyle
	// Resolve, when set, is asked about each file that differs from what phxdeploy would write
	// (a conflict, or a file the project keeps): true replaces it. Not asked in a dry run.
	// replace is the choice offered first: the one made before, when the person went back to
	// the file.
	Resolve func(c Change, replace bool) (bool, error)
	// BeforeWrite, when set, sees the plan before anything is written (not in a dry run); an
	// error stops the run with nothing written.
	BeforeWrite func([]Change) error
}

// Asker asks a person the questions that no flag answered; def is the value proposed (a saved
// answer, an organization default, a detected or built-in value).
type Asker interface {
	Ask(q *answers.Question, def string) (string, error)
}

// Result is everything a run found, decided and did.
type Result struct {
	Project  *project.Project
	Values   *answers.Values
	Data     *target.Data
	Changes  []Change
	Warnings []string
	Report   *Report
}

// Run reads the project, settles the answers (flags > prompts > saved answers > organization
// defaults > built-in defaults), plans every change, applies it unless DryRun, and reports. ask
// may be nil: then nobody is asked and defaults answer what flags did not.
func Run(ctx context.Context, req Request, ask Asker) (*Result, error) {
	reg := req.Registry
	if reg == nil {
		reg = target.Default()
	}
	if req.Release != "" && !project.ValidAtom(req.Release) {
		return nil, &answers.UsageError{Msg: fmt.Sprintf("--release: %q is not a release name (lowercase letters, digits and underscores, starting with a letter)", req.Release)}
	}
	// Runs on one project are serialised: a writer holds the project exclusively, a dry run
	// shares it with other readers (a directory that cannot be opened fails in project.Read,
	// which says why).
	if d, err := safefs.Open(req.Dir); err == nil {
		unlock, err := d.Lock(ctx, !req.DryRun, lockWait, req.Waiting)
		d.Close()
		if ctx.Err() != nil {
			return nil, &Interrupted{Cause: context.Cause(ctx)}
		}
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	// The release and endpoint chosen on an earlier run, unless flags choose now.
	popts := project.Options{Release: req.Release, Endpoint: req.Endpoint, HealthRoutes: req.HealthRoutes}
	if popts.Release == "" || popts.Endpoint == "" {
		saved, err := reg.Questions().SavedChoices(req.Dir)
		if err != nil {
			return nil, err
		}
		if r := saved["release"]; popts.Release == "" && r != "" {
			popts.Release, popts.SavedRelease = r, SavedAnswersFile
		}
		if e := saved["endpoint"]; popts.Endpoint == "" && e != "" {
			popts.Endpoint, popts.SavedEndpoint = e, SavedAnswersFile
		}
	}
	p, err := project.Read(req.Dir, popts)
	if err != nil {
		return nil, err
	}
	if req.Update {
		if _, err := os.Stat(filepath.Join(p.Dir, filepath.FromSlash(SavedAnswersFile))); err != nil {
			return nil, &answers.UsageError{Msg: fmt.Sprintf("%s has no %s: phxdeploy update re-renders what init wrote, with its answers; run phxdeploy init first", p.Dir, SavedAnswersFile)}
		}
	}
	layers, err := engine.Layers(p.Dir, req.TemplateDirs, req.Layers...)
	if err != nil {
		return nil, err
	}
	eng := engine.New(layers)
	defer eng.Close()
	// A Fly config that cannot be read fails a deploy to Fly before anything is asked: the
	// app, region and host it names are unknown, and are never guessed.
	if err := flyConfigProblem(p, req, slices.Contains(answers.SplitList(req.Given["target"]), "fly")); err != nil {
		return nil, err
	}
	// The release and endpoint are answers too (saved with them), set before any question so
	// that going back through the questions keeps them.
	choices := func(v *answers.Values) {
		for k, val := range map[string][2]string{"release": {popts.Release, popts.SavedRelease}, "endpoint": {popts.Endpoint, popts.SavedEndpoint}} {
			switch {
			case val[0] == "":
			case val[1] != "":
				v.Set(k, val[0], answers.SourceSaved)
			default:
				v.Set(k, val[0], answers.SourceFlag)
			}
		}
	}
	v, qs, err := answersAsked(reg, p, req, ask, choices)
	if err != nil {
		return nil, err
	}
	if err := flyConfigProblem(p, req, v.HasTarget("fly")); err != nil {
		return nil, err
	}
	res := &Result{Project: p, Values: v}
	dir, err := safefs.Open(p.Dir)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	root := dir.FS()
	opts := PlanOptions{Force: req.Force, Update: req.Update, Conflict: req.Conflict}
	// The files the person chose to keep or replace, in the order asked: going back from the
	// next step takes back the last one, and from the first, goes back into the questions.
	var decided []decision
	before := map[string]bool{} // the choices taken back
	keptImage, keptEnvSh := p.KeptImage, p.KeptEnvSh
	flyOwn := p.FlyConfig != nil && p.FlyConfig.Own
	canBack := func() bool { return len(decided) > 0 || qs != nil && len(qs.history) > 0 }
	back := func() error {
		if len(decided) > 0 {
			d := decided[len(decided)-1]
			decided, before[d.path] = decided[:len(decided)-1], d.replace
			return nil
		}
		if qs == nil {
			return nil
		}
		if again, err := qs.again(); err != nil || !again {
			return err
		}
		if err := reg.Complete(p, v); err != nil {
			return err
		}
		return flyConfigProblem(p, req, v.HasTarget("fly"))
	}
	// step runs a prompt that follows the questions, offering to go back; went reports that
	// it went back (the loop plans and asks again from there).
	step := func(prompt func() error) (went bool, err error) {
		offerBack(ask, canBack())
		if err := prompt(); !errors.Is(err, ErrBack) {
			return false, err
		}
		return true, back()
	}
	for {
		opts.Paths = append(slices.Clone(req.Forced), replaced(decided)...)
		// phxdeploy's files replace the project's: the targets follow them instead
		p.KeptImage, p.KeptEnvSh = keptImage, keptEnvSh
		if c := p.FlyConfig; c != nil {
			c.Own = flyOwn
		}
		if opts.Names("Dockerfile") {
			p.KeptImage = nil
		}
		if opts.Names("rel/env.sh.eex") {
			p.KeptEnvSh = nil
		}
		if c := p.FlyConfig; c != nil && c.File == "fly.toml" && opts.Names("fly.toml") {
			c.Own = false // its app, region and host are still the deploy's
		}
		res.Data = reg.NewData(p, v)
		res.Changes, err = Plan(reg, p, res.Data, eng, root, opts)
		if err != nil {
			return nil, err
		}
		// Each file that differs is asked about once, and the plan made again with the answer:
		// at most one plan per file.
		if c, ok := toResolve(req, res.Changes, decided); ok {
			var replace bool
			went, err := step(func() (err error) {
				replace, err = req.Resolve(c, before[c.Path])
				return err
			})
			if err != nil {
				return nil, err
			}
			if !went {
				decided = append(decided, decision{c.Path, replace})
			}
			continue
		}
		if err := forcedExist(req.Forced, res.Changes); err != nil {
			return nil, err
		}
		for i, c := range res.Changes {
			if c.Action == Conflict && wasDecided(decided, c.Path) && !c.Merged && !c.Unresolved {
				// The person chose to keep it: a decision, not a conflict left open.
				res.Changes[i].Action = Kept
				res.Changes[i].Reason = "kept, as you chose; it differs from what phxdeploy would write (phxdeploy init --dry-run shows how)"
			}
		}
		record := []string{"made by phxdeploy " + Version()}
		for _, l := range eng.LayerRecords() {
			record = append(record, "with the templates of "+l)
		}
		if c, ok := answersChange(root, reg.Questions().Saved(v, record)); ok {
			res.Changes = append(res.Changes, c)
		}
		if ctx.Err() != nil {
			return nil, &Interrupted{Cause: context.Cause(ctx)} // nothing written yet
		}
		if !req.DryRun && req.BeforeWrite != nil {
			went, err := step(func() error { return req.BeforeWrite(res.Changes) })
			if err != nil {
				return nil, err
			}
			if went {
				continue
			}
		}
		break
	}
	res.Warnings = append(eng.StaleOverrides(), staleSaved(reg.Questions(), p, v)...)
	if !req.DryRun {
		if err := ApplyContext(ctx, p.Dir, res.Changes); err != nil {
			return nil, err
		}
		// Only once the run has written (a failed run changes nothing, not even this).
		for _, t := range CleanTemps(p.Dir, res.Changes) {
			res.Warnings = append(res.Warnings, "removed "+t+", a temporary file an interrupted run left")
		}
	}
	res.Report = newReport(reg, p, v, res.Data, res.Changes, req.DryRun)
	res.Report.Warnings = append(res.Report.Warnings, hidden(root, res.Changes)...)
	res.Report.Warnings = append(res.Report.Warnings, excludedCopyWarnings(root, res.Changes)...)
	return res, nil
}

// flyConfigProblem refuses a deploy to Fly (fly) from a project whose Fly config is not valid
// TOML, unless --force names it: then phxdeploy's replaces it, and the report says that nothing
// was read from it.
func flyConfigProblem(p *project.Project, req Request, fly bool) error {
	c := p.FlyConfig
	if c == nil || c.Problem == "" || !fly {
		return nil
	}
	if c.File == "fly.toml" && slices.Contains(req.Forced, c.File) {
		msg := c.File + " is not valid TOML (" + c.Problem + "); --force replaces it, and nothing was read from it: the app, region and host are the answers'"
		if !slices.Contains(p.Warnings, msg) {
			p.Warnings = append(p.Warnings, msg)
		}
		return nil
	}
	return c.Err()
}

// decision is what the person chose for a file that differs: replace it, or keep it.
type decision struct {
	path    string
	replace bool
}

func replaced(decided []decision) []string {
	var out []string
	for _, d := range decided {
		if d.replace {
			out = append(out, d.path)
		}
	}
	return out
}

func wasDecided(decided []decision, path string) bool {
	return slices.ContainsFunc(decided, func(d decision) bool { return d.path == path })
}

// toResolve returns the first file of the plan that differs and has not been asked about.
func toResolve(req Request, changes []Change, decided []decision) (Change, bool) {
	if req.Resolve == nil || req.DryRun {
		return Change{}, false
	}
	for _, c := range changes {
		if !wasDecided(decided, c.Path) && (c.Action == Kept || c.Action == Conflict && c.Old != nil && c.Content != nil) {
			return c, true
		}
	}
	return Change{}, false
}

// forcedExist refuses --force paths that name no file of the plan (a typo would otherwise
// replace nothing, silently).
func forcedExist(forced []string, changes []Change) error {
	for _, f := range forced {
		found := false
		for _, c := range changes {
			found = found || c.Path == f && c.Action != Manual
		}
		if !found {
			var paths []string
			for _, c := range changes {
				if c.Action != Manual && !slices.Contains(paths, c.Path) {
					paths = append(paths, c.Path)
				}
			}
			return &answers.UsageError{Msg: fmt.Sprintf("--force %s: phxdeploy writes no such file for these targets; it writes %s", f, strings.Join(paths, ", "))}
		}
	}
	return nil
}

// Answers settles every answer for a project, in order of precedence: flags, then prompts (when
// ask is not nil), then the project's saved answers, then the organization's defaults, then the
// built-in defaults. Every answer is validated, the defaults too.
func Answers(reg *target.Registry, p *project.Project, req Request, ask Asker) (*answers.Values, error) {
	v, _, err := answersAsked(reg, p, req, ask, nil)
	return v, err
}

// answersAsked is Answers, with the state of the questions asked (nil without ask), which a
// step after them can go back into.
func answersAsked(reg *target.Registry, p *project.Project, req Request, ask Asker, pre func(*answers.Values)) (*answers.Values, *asking, error) {
	table := reg.Questions()
	v := answers.NewValues()
	for k, val := range req.Given {
		v.Set(k, val, answers.SourceFlag)
	}
	if pre != nil {
		pre(v)
	}
	if p.Dir != "" {
		if err := table.LoadSaved(p.Dir, v); err != nil {
			return nil, nil, err
		}
	}
	if err := table.LoadOrganizationDefaults(req.TemplateDirs, v); err != nil {
		return nil, nil, err
	}
	var qs *asking
	if ask != nil {
		qs = newAsking(table, p, v, ask)
		if err := qs.from(0); err != nil {
			return nil, nil, err
		}
	}
	if err := reg.Complete(p, v); err != nil {
		return nil, nil, err
	}
	return v, qs, nil
}

// asking asks the questions that flags did not answer, in order (from). A prompt that returns
// ErrBack goes back to the question asked before it (or to the review of the proposals): its
// answer is taken back and it is asked again. Its state is kept, so that a step after the
// questions (a file's keep / overwrite, the last confirmation) can go back into them (again).
type asking struct {
	table answers.Table
	p     *project.Project
	v     *answers.Values
	ask   Asker
	// history is the questions (and reviews) answered, in order, with the answers before each.
	history []askStep
	// prefill holds the answers of questions gone back over: asked again (or reviewed again),
	// they start from them.
	prefill                     map[string]string
	reviewed, quick, customized bool
}

type askStep struct {
	i      int             // the question (or, for a review, the question it came before)
	before *answers.Values // the answers before it
	review bool
	quick  bool
}

func newAsking(table answers.Table, p *project.Project, v *answers.Values, ask Asker) *asking {
	return &asking{table: table, p: p, v: v, ask: ask, prefill: map[string]string{}}
}

// canGoBack tells the Asker whether there is a question to go back to.
func (s *asking) canGoBack() { offerBack(s.ask, len(s.history) > 0) }

// offerBack tells ask (when it can go back) whether the next prompt offers it.
func offerBack(ask Asker, on bool) {
	if b, ok := ask.(Backer); ok {
		b.CanGoBack(on)
	}
}

// back takes back the last step, and returns the index of the question to ask next (i when
// there is none).
func (s *asking) back(i int) int {
	if len(s.history) == 0 {
		return i // nothing before it: ask it again
	}
	h := s.history[len(s.history)-1]
	s.history = s.history[:len(s.history)-1]
	if !h.review {
		// Asked again, the question starts from the answer it had.
		s.prefill[s.table[h.i].Key], _ = s.v.Get(s.table[h.i].Key)
	}
	*s.v = *h.before
	s.quick = h.quick
	if h.review {
		s.reviewed = false
	}
	return h.i
}

// again goes back to the last question (or review) from a step that follows the questions, and
// asks from there on; it reports false when no question was asked.
func (s *asking) again() (bool, error) {
	if len(s.history) == 0 {
		return false, nil
	}
	return true, s.from(s.back(len(s.table)))
}

// from asks the questions from index start on.
func (s *asking) from(start int) error {
	table, p, v, ask := s.table, s.p, s.v, s.ask
	for i := start; i < len(table); i++ {
		q := table[i]
		if _, given := v.Get(q.Key); given || (q.Key != "target" && !q.Needed(p, v)) || q.Ask != nil && !q.Ask(p, v) {
			continue
		}
		if r, ok := ask.(Reviewer); ok && !s.reviewed && q.Key != "target" {
			// Once the targets are known: what phxdeploy would use, and whether to take it.
			s.reviewed = true
			if proposals := propose(table, p, v, s.prefill); len(proposals) > 0 {
				s.canGoBack()
				customize, err := r.Review(proposals, s.customized)
				if errors.Is(err, ErrBack) {
					s.reviewed = false
					i = s.back(i) - 1
					continue
				}
				if err != nil {
					return err
				}
				s.history = append(s.history, askStep{i: i, before: v.Clone(), review: true, quick: s.quick})
				s.quick, s.customized = !customize, customize
				if s.quick {
					// Taken as shown: the answers given before going back are among them.
					for _, a := range proposals {
						if a.Source == answers.SourcePrompt {
							v.Set(a.Key, a.Value, answers.SourcePrompt)
						}
					}
					clear(s.prefill)
				}
			}
		}
		def, defSource, hasDef := v.DefaultFor(q, p)
		if s.quick && hasDef {
			continue // Complete settles it, with its source
		}
		shown := def
		if a, ok := s.prefill[q.Key]; ok {
			shown = a
			delete(s.prefill, q.Key)
		}
		s.canGoBack()
		answer, err := ask.Ask(q, shown)
		if errors.Is(err, ErrBack) {
			if answer != "" {
				s.prefill[q.Key] = answer // what was on the screen when the person went back
			} else {
				s.prefill[q.Key] = shown
			}
			i = s.back(i) - 1
			continue
		}
		if err != nil {
			return err
		}
		if err := q.Validate(answer); err != nil {
			return &answers.UsageError{Msg: fmt.Sprintf("--%s: %v", q.Key, err)}
		}
		s.history = append(s.history, askStep{i: i, before: v.Clone(), quick: s.quick})
		if hasDef && answer == def {
			// Enter on the proposed value chose nothing: it stays detected (or defaulted,
			// or saved) and is not saved, so that it follows the project later.
			v.Set(q.Key, answer, defSource)
			continue
		}
		v.Set(q.Key, answer, answers.SourcePrompt)
	}
	return nil
}

// ErrBack is what a prompt returns when the person asks to go back to the previous question.
var ErrBack = errors.New("back to the previous question")

// Backer is an Asker that can offer going back; before each prompt it is told whether there is
// a question to go back to.
type Backer interface {
	CanGoBack(bool)
}

// Reviewer is an Asker that can show the settings phxdeploy proposes before asking anything:
// true asks every question (customize), false takes the proposals and asks only what has none.
// customized is the choice made before, when the person came back to the review.
type Reviewer interface {
	Review(proposals []answers.Answer, customized bool) (customize bool, err error)
}

// propose is what the questions left would get without an answer, in order (a default can
// depend on an earlier one), with where each comes from; questions without one are left out.
// An answer given before going back (prefill) is proposed as the person's.
func propose(table answers.Table, p *project.Project, v *answers.Values, prefill map[string]string) []answers.Answer {
	look := v.Clone()
	var out []answers.Answer
	for _, q := range table {
		if _, given := look.Get(q.Key); given || !q.Needed(p, look) {
			continue
		}
		def, src, ok := look.DefaultFor(q, p)
		if a, answered := prefill[q.Key]; answered && a != def && q.Validate(a) == nil {
			def, src, ok = a, answers.SourcePrompt, true
		}
		if ok && q.Validate(def) == nil {
			look.Set(q.Key, def, src)
			out = append(out, answers.Answer{Key: q.Key, Value: def, Source: src})
		}
	}
	return out
}

// staleSaved reports saved answers that differ from what phxdeploy now detects in the project
// (a .tool-versions that moved to a new Elixir while answers.yaml keeps the old one).
func staleSaved(table answers.Table, p *project.Project, v *answers.Values) []string {
	var out []string
	for _, q := range table {
		val, ok := v.Get(q.Key)
		if !ok || v.Source(q.Key) != answers.SourceSaved || !q.Needed(p, v) {
			continue
		}
		if detected, src, ok := q.Default(p, v); ok && answers.IsDetected(src) && detected != val {
			out = append(out, fmt.Sprintf("%s keeps %s: %s, but the project now says %s: pass --%s %s to take it, or delete the line to follow the project",
				answers.SavedFile, q.Key, val, detected, q.Key, detected))
		}
	}
	return out
}

// answersChange is the change that saves the answers: created, kept identical, or updated in
// place (the file is phxdeploy's own, never a conflict).
func answersChange(root fs.FS, content []byte) (Change, bool) {
	if content == nil {
		return Change{}, false
	}
	old, exists, unreadable := readExisting(root, answers.SavedFile)
	switch {
	case unreadable != "":
		return Change{Path: answers.SavedFile, Action: Conflict, Reason: unreadable}, true
	case !exists:
		return compare(answers.SavedFile, nil, false, content, 0o644, PlanOptions{}), true
	}
	return patchChange(answers.SavedFile, old, func(string) (string, error) { return string(content), nil }), true
}

// ExitCode is the exit code an error of the pipeline maps to: a usage error (an answer missing
// or invalid, a choice the project leaves open, a template layer that does not exist) is 2,
// anything else 1.
func ExitCode(err error) int {
	var usage *answers.UsageError
	var missing *answers.MissingError
	var layer *engine.LayerError
	var ambiguous *project.AmbiguousError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage), errors.As(err, &missing), errors.As(err, &layer), errors.As(err, &ambiguous):
		return ExitUsage
	}
	return ExitFailed
}

// Export copies embedded templates into dir as a starting point for overrides, all or nothing,
// through the same safe writes as init. It never overwrites an override.
func Export(names []string, dir string) ([]string, error) {
	files, err := engine.Export(names)
	if err != nil {
		return nil, err
	}
	var changes []Change
	var written []string
	for _, f := range files {
		action := Overwrite
		if !f.Bookkeeping {
			dest := filepath.Join(dir, filepath.FromSlash(f.Path))
			if _, err := os.Lstat(dest); err == nil {
				return nil, fmt.Errorf("%s already exists; phxdeploy does not overwrite an override", dest)
			}
			action = Create
			written = append(written, dest)
		}
		changes = append(changes, Change{Path: f.Path, Action: action, Mode: 0o644, Content: f.Content})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := Apply(dir, changes); err != nil {
		return nil, err
	}
	return written, nil
}

// UpstreamDiff shows how the embedded template name changed since an override was exported
// from it ("" when it has not).
func UpstreamDiff(e *engine.Engine, name string) (string, error) {
	old, current, err := e.Upstream(name)
	if err != nil {
		return "", err
	}
	if string(old) == string(current) {
		return "", nil
	}
	return UnifiedDiff("exported/"+name, "embedded/"+name, old, current), nil
}

// PlanFor settles the answers given for a project model (no prompts, no saved answers) and plans
// against root: what `templates lint` renders for its bundled project shapes.
func PlanFor(reg *target.Registry, p *project.Project, given map[string]string, eng *engine.Engine, root fs.FS) ([]Change, *target.Data, error) {
	v, err := Answers(reg, p, Request{Given: given}, nil)
	if err != nil {
		return nil, nil, err
	}
	d := reg.NewData(p, v)
	changes, err := Plan(reg, p, d, eng, root, PlanOptions{})
	return changes, d, err
}

// SampleAnswers selects every target for project.Sample.
func SampleAnswers(reg *target.Registry) map[string]string {
	return map[string]string{"target": strings.Join(reg.Names(), ","), "image": "registry.example.com/shop:1.0.0", "host": "shop.example.com"}
}

// hidden warns about the files phxdeploy creates that the project's .gitignore hides: they would
// never be committed, and a deploy from a clean checkout would lack them.
func hidden(root fs.FS, changes []Change) []string {
	gi, err := fs.ReadFile(root, ".gitignore")
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range changes {
		if c.Action != Create || c.Bookkeeping { // a base is hidden when its file is: said once
			continue
		}
		if pattern := patch.Ignored(string(gi), c.Path); pattern != "" {
			out = append(out, fmt.Sprintf("%s is hidden by .gitignore (%s): commit it with git add -f, or change the pattern", c.Path, pattern))
		}
	}
	return out
}
