// Package answers holds the questions phxdeploy asks, the answers with where each came from, and
// the files that keep answers: an organization's defaults.yaml and a project's answers.yaml.
// The questions themselves are declared by the targets (generator/target); this package knows
// how to validate, default and complete them.
package answers

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/project"
)

// Answer sources, highest precedence first.
const (
	SourceFlag         = "flag"
	SourcePrompt       = "prompt"
	SourceSaved        = "saved"
	SourceOrganization = "organization"
	SourceDetected     = "detected"
	SourceDefault      = "default"
)

// DetectedAt is the source of a value read from the project at a place (file:line): it shows
// as "detected: fly.toml:7".
func DetectedAt(where string) string {
	if where == "" {
		return SourceDetected
	}
	return SourceDetected + ": " + where
}

// IsDetected reports whether a source is the project's own (detected, with or without where).
func IsDetected(source string) bool {
	return source == SourceDetected || strings.HasPrefix(source, SourceDetected+": ")
}

// Kind of value a question takes.
type Kind int

const (
	KindString Kind = iota
	KindInt
	KindBool
	KindList // comma-separated
)

// Question is one answer phxdeploy needs. The same table makes the flags, the prompts and the
// defaults, so that every question a prompt asks can also be given as a flag.
type Question struct {
	Key     string   // long flag name, and the key in saved answers and organization defaults
	Title   string   // prompt title
	Help    string   // flag usage
	Kind    Kind     // value type
	Options []string // allowed values, when the set is closed
	// Targets lists the targets that need the answer; empty means every target.
	Targets []string
	// RequiredFor lists the targets for which the question has no default (when that differs
	// from Targets), so that the error can name them.
	RequiredFor []string
	// When further restricts the question (nil: whenever a target needs it).
	When func(p *project.Project, v *Values) bool
	// Ask, when set, says whether a person is asked at all (a detected value that another
	// answer could only contradict is not asked); the question is still answered by its default.
	Ask func(p *project.Project, v *Values) bool
	// Default returns the default and where it came from; ok=false means there is no sensible
	// default and the answer must be given (the source, when not empty, says why).
	Default  func(p *project.Project, v *Values) (value, source string, ok bool)
	Validate func(string) error
}

// Needed reports whether the question applies to the selected targets.
func (q *Question) Needed(p *project.Project, v *Values) bool {
	if len(q.Targets) > 0 {
		any := false
		for _, t := range q.Targets {
			any = any || v.HasTarget(t)
		}
		if !any {
			return false
		}
	}
	return q.When == nil || q.When(p, v)
}

// Table is the list of questions, in prompt order.
type Table []*Question

// Lookup finds a question by key.
func (t Table) Lookup(key string) *Question {
	for _, q := range t {
		if q.Key == key {
			return q
		}
	}
	return nil
}

// Keys lists the questions' keys.
func (t Table) Keys() []string {
	out := make([]string, len(t))
	for i, q := range t {
		out[i] = q.Key
	}
	return out
}

// SplitList splits a comma-separated answer.
func SplitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Fixed is a default that does not depend on the project.
func Fixed(value string) func(*project.Project, *Values) (string, string, bool) {
	return func(*project.Project, *Values) (string, string, bool) { return value, SourceDefault, true }
}

// NoDefault marks a question that must be answered.
func NoDefault(*project.Project, *Values) (string, string, bool) { return "", "", false }

// Matches validates against a regular expression; what names the expected value.
func Matches(re interface{ MatchString(string) bool }, what string) func(string) error {
	return func(s string) error {
		if !re.MatchString(s) {
			return fmt.Errorf("%q is not a valid %s", s, what)
		}
		return nil
	}
}

// IntRange validates a whole number from lo to hi.
func IntRange(lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%q is not a whole number from %d to %d", s, lo, hi)
		}
		return nil
	}
}

// OneOf validates one of a closed set of values.
func OneOf(options []string) func(string) error {
	return func(s string) error {
		if !slices.Contains(options, s) {
			return fmt.Errorf("%q is not one of %s", s, strings.Join(options, ", "))
		}
		return nil
	}
}

// UsageError is an answer that is missing or invalid: the command line (or the answers given)
// must change. Commands exit 2 on it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// MissingError names answers that have no default and were not given.
type MissingError struct {
	Keys    []string
	Targets []string
	// Why says, for some, why nothing can be proposed (a version pinned without a patch that
	// phxdeploy cannot complete).
	Why []string
}

func (e *MissingError) Error() string {
	flags := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		flags[i] = "--" + k
	}
	verb := "is"
	if len(flags) > 1 {
		verb = "are"
	}
	why := ""
	if len(e.Why) > 0 {
		why = ": " + strings.Join(e.Why, "; ")
	}
	if len(e.Targets) == 0 {
		return fmt.Sprintf("%s %s required when not running interactively%s", strings.Join(flags, ", "), verb, why)
	}
	return fmt.Sprintf("%s %s required for --target %s when not running interactively%s", strings.Join(flags, ", "), verb, strings.Join(e.Targets, ","), why)
}

// Complete validates every given answer, then fills unanswered questions with their defaults,
// which are validated too (a default derived from the project can be invalid: a release name
// too long for a DNS label). Questions without a default that nobody answered are reported
// together.
func (t Table) Complete(p *project.Project, v *Values) error {
	for _, q := range t {
		if s, ok := v.Get(q.Key); ok {
			if err := q.Validate(s); err != nil {
				return &UsageError{Msg: fmt.Sprintf("--%s: %v", q.Key, err)}
			}
		}
	}
	var missing, why []string
	var forTargets []string
	for _, q := range t {
		if _, ok := v.Get(q.Key); ok || !q.Needed(p, v) {
			continue
		}
		val, src, ok := v.DefaultFor(q, p)
		if !ok {
			missing = append(missing, q.Key)
			if src != "" { // a default that cannot be given says why
				why = append(why, src)
			}
			required := q.RequiredFor
			if len(required) == 0 {
				required = q.Targets
			}
			for _, t := range required {
				if v.HasTarget(t) && !slices.Contains(forTargets, t) {
					forTargets = append(forTargets, t)
				}
			}
			if q.Key == "target" {
				break // nothing else can be decided without targets
			}
			continue
		}
		if err := q.Validate(val); err != nil {
			return &UsageError{Msg: fmt.Sprintf("--%s: the %s value does not fit: %v; pass --%s", q.Key, src, err, q.Key)}
		}
		v.Set(q.Key, val, src)
	}
	if len(missing) > 0 {
		sort.Strings(forTargets)
		return &MissingError{Keys: missing, Targets: forTargets, Why: why}
	}
	return nil
}
