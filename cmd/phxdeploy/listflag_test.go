package main

import (
	"testing"

	"github.com/spf13/pflag"
)

// listValue reads and shows values as pflag's own string slice and string array do.
func TestListFlagsReadAsPflagsOwn(t *testing.T) {
	for _, sets := range [][]string{
		nil, {"a"}, {"a,b"}, {"a,b", "c"}, {""}, {`"x,y",z`}, {`a"b`}, {"a", ""}, {`"unterminated`},
	} {
		for _, array := range []bool{false, true} {
			theirs := pflag.NewFlagSet("theirs", pflag.ContinueOnError)
			ours := pflag.NewFlagSet("ours", pflag.ContinueOnError)
			var got, want []string
			if array {
				theirs.StringArrayVar(&want, "v", nil, "")
			} else {
				theirs.StringSliceVar(&want, "v", nil, "")
			}
			listVar(ours, &got, "v", array, "")
			for _, s := range sets {
				errWant, errGot := theirs.Set("v", s), ours.Set("v", s)
				if (errWant == nil) != (errGot == nil) {
					t.Fatalf("array %v, sets %q: pflag says %v, listValue %v", array, sets, errWant, errGot)
				}
			}
			if ours.Lookup("v").Value.String() != theirs.Lookup("v").Value.String() || len(got) != len(want) {
				t.Errorf("array %v, sets %q: listValue %q (%q), pflag %q (%q)", array, sets,
					got, ours.Lookup("v").Value.String(), want, theirs.Lookup("v").Value.String())
			}
			for i := range want {
				if i < len(got) && got[i] != want[i] {
					t.Errorf("array %v, sets %q: listValue %q, pflag %q", array, sets, got, want)
				}
			}
			if ours.Lookup("v").Value.Type() != theirs.Lookup("v").Value.Type() {
				t.Errorf("type %q, pflag's %q", ours.Lookup("v").Value.Type(), theirs.Lookup("v").Value.Type())
			}
		}
	}
}
