package answers

import (
	"slices"
	"strconv"

	"github.com/phxdeploy/phxdeploy/generator/project"
)

// Values holds raw answers by key with their source.
type Values struct {
	raw    map[string]string
	source map[string]string
	// fallback holds saved answers and organization defaults: they replace a question's
	// built-in default, but flags and prompts win over them.
	fallback map[string][2]string
}

// NewValues returns an empty set of answers.
func NewValues() *Values {
	return &Values{raw: map[string]string{}, source: map[string]string{}, fallback: map[string][2]string{}}
}

// SetFallback records a default from a saved answer or an organization; the first one recorded
// for a key wins.
func (v *Values) SetFallback(key, value, source string) {
	if _, ok := v.fallback[key]; !ok {
		v.fallback[key] = [2]string{value, source}
	}
}

// DefaultFor returns the value a question gets when nobody answers it: a saved answer or an
// organization default when there is one, else the built-in default.
func (v *Values) DefaultFor(q *Question, p *project.Project) (value, source string, ok bool) {
	if f, ok := v.fallback[q.Key]; ok {
		return f[0], f[1], true
	}
	return q.Default(p, v)
}

// Clone copies the answers, for a look ahead that must not settle them.
func (v *Values) Clone() *Values {
	c := NewValues()
	for k, x := range v.raw {
		c.raw[k] = x
	}
	for k, x := range v.source {
		c.source[k] = x
	}
	for k, x := range v.fallback {
		c.fallback[k] = x
	}
	return c
}

// Set records an answer and where it came from.
func (v *Values) Set(key, value, source string) {
	v.raw[key] = value
	v.source[key] = source
}

// Get returns an answer and whether one was recorded.
func (v *Values) Get(key string) (string, bool) {
	s, ok := v.raw[key]
	return s, ok
}

// String returns an answer, "" when there is none.
func (v *Values) String(key string) string { return v.raw[key] }

// Int returns a whole-number answer, 0 when there is none.
func (v *Values) Int(key string) int { n, _ := strconv.Atoi(v.raw[key]); return n }

// Bool returns a yes/no answer.
func (v *Values) Bool(key string) bool { return v.raw[key] == "true" }

// List returns a comma-separated answer as a list.
func (v *Values) List(key string) []string { return SplitList(v.raw[key]) }

// Source returns where an answer came from.
func (v *Values) Source(key string) string { return v.source[key] }

// HasTarget reports whether target t is selected.
func (v *Values) HasTarget(t string) bool { return slices.Contains(SplitList(v.raw["target"]), t) }

// Answer is one answer with its source, for reports.
type Answer struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Report returns the recorded answers in the table's order.
func (t Table) Report(v *Values) []Answer {
	var out []Answer
	for _, q := range t {
		if s, ok := v.Get(q.Key); ok {
			out = append(out, Answer{Key: q.Key, Value: s, Source: v.Source(q.Key)})
		}
	}
	return out
}
