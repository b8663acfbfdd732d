// Package patch edits the files a Phoenix project already has: runtime.exs, mix.exs, the
// application module, the router, prod.exs, env.sh.eex and .gitignore, one file per patcher.
// Every patcher takes the file's text and returns the edited text, or steps back (a Manual
// error) with the snippet a person can paste. Verify runs a patcher and checks its work: an
// edited Elixir file must still parse, no edit may land inside a string or comment, and a second
// pass must change nothing.
package patch

import "errors"

// errManual makes a patcher step back: the file is left as it is and the change is reported as
// manual, with the snippet to paste.
var errManual = errors.New("cannot be edited safely")

// Manual carries why a file cannot be edited and what to paste instead.
type Manual struct {
	Reason  string
	Snippet string
}

func (e *Manual) Error() string { return e.Reason }
func (e *Manual) Unwrap() error { return errManual }

// StepBack is the error a patcher returns when it leaves the file to the user.
func StepBack(reason, snippet string) error { return &Manual{Reason: reason, Snippet: snippet} }
