package project

import (
	"fmt"
	"strings"

	"github.com/phxdeploy/phxdeploy/internal/match"
)

// What names taken from a project must be before they go into any generated file (match.Atom,
// match.Module, match.Segment): no quote, space, newline, `$`, `%` or semicolon can reach a
// script, a unit, a manifest or a Dockerfile.

// maxAtom is the longest OTP application or release name phxdeploy takes: Erlang's own limit is
// 255 characters; a deploy name derived from it must still fit a DNS label.
const maxAtom = 255

// ValidAtom reports whether s is a plain OTP application or release name (lowercase letters,
// digits and underscores, starting with a letter).
func ValidAtom(s string) bool { return len(s) <= maxAtom && match.Atom(s) }

func checkAtom(where, s string) error {
	if ValidAtom(s) {
		return nil
	}
	return &Error{Path: where, Msg: fmt.Sprintf("%q is not an application or release name phxdeploy can use (lowercase letters, digits and underscores, starting with a letter)", s),
		Fix: "rename it in mix.exs (OTP names are atoms; a quoted atom with other characters cannot name files, units or nodes)"}
}

func checkModule(where, s string) error {
	if len(s) <= 255 && match.Module(s) {
		return nil
	}
	return &Error{Path: where, Msg: fmt.Sprintf("%q is not a module name phxdeploy can write (ASCII letters, digits and underscores, parts joined by dots)", s),
		Fix: "check the module names in config.exs"}
}

// checkRelPath checks a relative path from the project (apps_path, an app's directory): plain
// segments, no `..`, nothing that a Dockerfile or a script would read otherwise.
func checkRelPath(where, what, s string) error {
	ok := s != "" && len(s) <= 255
	for _, seg := range strings.Split(s, "/") {
		ok = ok && match.Segment(seg) && seg != "." && seg != ".."
	}
	if ok {
		return nil
	}
	return &Error{Path: where, Msg: fmt.Sprintf("%s %q is not a plain relative path (letters, digits, dots, dashes, underscores; no ..)", what, s),
		Fix: "rename it"}
}
