package target

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// Target is one platform phxdeploy deploys to: what it asks, what it writes and edits, the data
// its templates need, and what the user does afterwards.
type Target struct {
	Name  string // the --target value, and the directory of its templates
	Title string // shown in prompts and reports
	// BuildsImage is set when the target runs the container image the Dockerfile builds.
	BuildsImage bool
	// PublicHost is the target's own public host name for a deploy name, when the platform
	// gives one (Fly: <name>.fly.dev).
	PublicHost func(name string) string
	// SQLiteVolume is set when the target keeps a SQLite database on a volume it provisions
	// (--volume-size).
	SQLiteVolume bool
	// LocalHost is set when the target runs without a public host name (Docker Compose serves
	// localhost), so it needs no --host.
	LocalHost bool
	// Detected, when set, gives the answer to question key that the project's own config for
	// this target settles (fly.toml's app, primary region, PHX_HOST and internal port), with
	// where it is set (file:line): the question's default while the target is selected.
	Detected func(p *project.Project, key string) (value, where string, ok bool)
	// Questions are the answers only this target needs.
	Questions []*answers.Question
	// Files are rendered when the target is selected; Edits change files the project has.
	Files []File
	Edits []Edit
	// Derive sets the data fields the target's own templates use; it runs for every target,
	// selected or not, so that `templates vars` shows every field.
	Derive func(d *Data)
	// Check refuses answers that cannot work together on this target.
	Check func(p *project.Project, v *answers.Values) error
	// NextSteps are what the user does after phxdeploy ran, in order.
	NextSteps func(p *project.Project, d *Data) []Step
	// LibclusterHint names the libcluster strategy that fits the target's node naming.
	LibclusterHint func(d *Data) string
}

// File is one rendered file: its template, where it goes, and when it applies. A file with a
// patch function is edited in place when it exists instead of being compared as a whole.
type File struct {
	Template string // the template's name, e.g. "docker/Dockerfile.tmpl"
	Path     func(d *Data) string
	When     func(d *Data) bool // nil: always (when the target is selected)
	Mode     fs.FileMode
	Patch    func(existing string, rendered []byte, d *Data) (string, error)
	// Create, when set, completes the rendered template before it becomes a new file (the
	// settings table fills runtime.exs): a patcher run on the rendered text.
	Create func(rendered string, d *Data) (string, error)
	// Kept, when set, says why phxdeploy keeps the project's own version of the file and
	// follows it ("" when it does not): the file is reported as kept, not as a conflict.
	Kept func(d *Data) string
}

// Edit changes a file the project already has and phxdeploy never writes whole.
type Edit struct {
	Path  func(p *project.Project, d *Data) string
	When  func(p *project.Project, d *Data) bool
	Patch func(src, file string, p *project.Project, d *Data) (string, error)
	// Missing is the reason and snippet reported when the file cannot be found (nil: the edit
	// is skipped when there is no such file).
	Missing func(d *Data) (reason, snippet string)
}

// At is a File path that does not depend on the data.
func At(p string) func(*Data) string { return func(*Data) string { return p } }

// Registry is the set of targets phxdeploy knows, in the order they are shown, and the common
// files every deploy needs.
type Registry struct {
	common  Target
	targets []Target
}

// Default returns the built-in targets: Fly.io, Docker, systemd and Kubernetes.
func Default() *Registry {
	return &Registry{common: common(), targets: []Target{fly(), docker(), systemd(), k8s()}}
}

// With returns a registry that also knows t (a Render, Nomad or Kamal target, or a test's).
func (r *Registry) With(t Target) *Registry {
	return &Registry{common: r.common, targets: append(append([]Target{}, r.targets...), t)}
}

// Names lists the targets that can be chosen, in order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.targets))
	for i, t := range r.targets {
		out[i] = t.Name
	}
	return out
}

// Lookup finds a target by name.
func (r *Registry) Lookup(name string) (Target, bool) {
	for _, t := range r.targets {
		if t.Name == name {
			return t, true
		}
	}
	return Target{}, false
}

// Selected returns the chosen targets in registry order.
func (r *Registry) Selected(v *answers.Values) []string {
	var out []string
	for _, t := range r.targets {
		if v.HasTarget(t.Name) {
			out = append(out, t.Name)
		}
	}
	return out
}

// all is the common files first, then every target.
func (r *Registry) all() []Target { return append([]Target{r.common}, r.targets...) }

// active is the common files and the selected targets, in order.
func (r *Registry) active(d *Data) []Target {
	out := []Target{r.common}
	for _, t := range r.targets {
		if d.Selected(t.Name) {
			out = append(out, t)
		}
	}
	return out
}

// namesWhere lists the targets for which keep is true.
func (r *Registry) namesWhere(keep func(Target) bool) []string {
	var out []string
	for _, t := range r.targets {
		if keep(t) {
			out = append(out, t.Name)
		}
	}
	return out
}

// Questions is the whole question table: the common questions, then each target's, in order.
func (r *Registry) Questions() answers.Table {
	table := answers.Table(r.commonQuestions())
	for _, t := range r.targets {
		for _, q := range t.Questions {
			if len(q.Targets) == 0 {
				q.Targets = []string{t.Name}
			}
			table = append(table, q)
		}
	}
	return append(table, r.imageQuestions()...)
}

// Complete fills every unanswered question and checks the answers against each selected target.
func (r *Registry) Complete(p *project.Project, v *answers.Values) error {
	if err := r.Questions().Complete(p, v); err != nil {
		return err
	}
	for _, t := range r.all() {
		if t.Check != nil && (t.Name == r.common.Name || v.HasTarget(t.Name)) {
			if err := t.Check(p, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Registry) validateTargets(s string) error {
	list := answers.SplitList(s)
	if len(list) == 0 {
		return fmt.Errorf("choose at least one target (%s)", strings.Join(r.Names(), ", "))
	}
	for _, t := range list {
		if _, ok := r.Lookup(t); !ok {
			return fmt.Errorf("unknown target %q (choose from %s)", t, strings.Join(r.Names(), ", "))
		}
	}
	return nil
}

// Files returns the files the selected targets render, common files first.
func (r *Registry) Files(d *Data) []File {
	var out []File
	for _, t := range r.active(d) {
		for _, f := range t.Files {
			if f.When == nil || f.When(d) {
				out = append(out, f)
			}
		}
	}
	return out
}

// Edits returns the edits the selected targets make to the project's files.
func (r *Registry) Edits(p *project.Project, d *Data) []Edit {
	var out []Edit
	for _, t := range r.active(d) {
		for _, e := range t.Edits {
			if e.When == nil || e.When(p, d) {
				out = append(out, e)
			}
		}
	}
	return out
}

// Step is one thing for the user to do after phxdeploy ran: a command to paste, or a note. The
// text report prints notes as shell comments, so that the steps paste as one script.
type Step struct {
	Target  string `json:"target"`
	Text    string `json:"text,omitempty"`
	Command string `json:"command,omitempty"`
}

func say(format string, args ...any) Step { return Step{Text: fmt.Sprintf(format, args...)} }
func run(command string) Step             { return Step{Command: command} }

// NextSteps lists, per selected target, the secrets to set and the commands to run.
func (r *Registry) NextSteps(p *project.Project, d *Data) []Step {
	var out []Step
	add := func(target string, steps []Step) {
		for _, s := range steps {
			s.Target = target
			out = append(out, s)
		}
	}
	add("all", r.common.NextSteps(p, d))
	for _, t := range r.active(d)[1:] {
		if d.Clustering && d.Libcluster && t.LibclusterHint != nil {
			add(t.Name, []Step{say("libcluster stays as it is: %s", t.LibclusterHint(d))})
		}
		if t.NextSteps != nil {
			add(t.Name, t.NextSteps(p, d))
		}
	}
	return out
}
