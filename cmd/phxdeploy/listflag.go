package main

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/spf13/pflag"
)

// listValue is pflag's string slice (comma-separated values, repeatable) or string array (one
// value per use), read and shown the same way, except that an empty list's text is made without
// a CSV writer: pflag makes one (and its 4 KiB buffer) for every such flag defined, on every run.
type listValue struct {
	value   *[]string
	changed bool
	array   bool // stringArray: a value is taken whole, commas included
}

func newList(p *[]string, array bool) *listValue { return &listValue{value: p, array: array} }

func (l *listValue) Set(val string) error {
	v := []string{val}
	if !l.array {
		v = []string{}
		if val != "" {
			var err error
			if v, err = csv.NewReader(strings.NewReader(val)).Read(); err != nil {
				return err
			}
		}
	}
	if l.changed {
		*l.value = append(*l.value, v...)
	} else {
		*l.value = v
	}
	l.changed = true
	return nil
}

func (l *listValue) Type() string {
	if l.array {
		return "stringArray"
	}
	return "stringSlice"
}

func (l *listValue) String() string {
	if len(*l.value) == 0 {
		return "[]"
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(*l.value)
	w.Flush()
	return "[" + strings.TrimSuffix(b.String(), "\n") + "]"
}

// listVar defines a list flag (stringSlice, or stringArray with array) on f. Its default is
// empty, which help does not show (pflag knows its own slices' "[]" as empty, not this one's).
func listVar(f *pflag.FlagSet, p *[]string, name string, array bool, usage string) {
	f.Var(newList(p, array), name, usage)
	f.Lookup(name).DefValue = ""
}
