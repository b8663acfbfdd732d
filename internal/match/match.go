// Package match holds the simple patterns phxdeploy checks names and values against on every run
// (host names, module names, versions, Fly sizes...), written by hand: compiled as regular
// expressions they cost a run about a third of a millisecond. Each function says the expression
// it is; match_test.go holds those expressions and fuzzes every function against its own.
package match

import "strings"

// Func is a pattern with the method regexp's users call, so that it can stand where a
// *regexp.Regexp stood (answers.Matches takes either).
type Func func(string) bool

func (f Func) MatchString(s string) bool { return f(s) }

func lower(c byte) bool { return c >= 'a' && c <= 'z' }
func upper(c byte) bool { return c >= 'A' && c <= 'Z' }
func digit(c byte) bool { return c >= '0' && c <= '9' }
func alnum(c byte) bool { return lower(c) || upper(c) || digit(c) }
func word(c byte) bool  { return alnum(c) || c == '_' }

// all reports whether every byte of s is ok (true for "").
func all(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// parts reports whether s is sep-separated parts that each satisfy ok, at least min of them.
func parts(s string, sep byte, min int, ok func(string) bool) bool {
	n := 0
	for {
		i := strings.IndexByte(s, sep)
		p := s
		if i >= 0 {
			p = s[:i]
		}
		if !ok(p) {
			return false
		}
		n++
		if i < 0 {
			return n >= min
		}
		s = s[i+1:]
	}
}

func digits(s string) bool { return s != "" && all(s, digit) }

// Host is ^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$
func Host(s string) bool {
	return parts(s, '.', 1, func(l string) bool {
		return l != "" && alnum(l[0]) && alnum(l[len(l)-1]) && all(l, func(c byte) bool { return alnum(c) || c == '-' })
	})
}

// Version is ^\d+\.\d+(\.\d+)*$
func Version(s string) bool { return parts(s, '.', 2, digits) }

// Debian is ^[a-z]+(-[0-9]{8})?(-slim)?$
func Debian(s string) bool {
	i := 0
	for i < len(s) && lower(s[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	rest := s[i:]
	if len(rest) >= 9 && rest[0] == '-' && all(rest[1:9], digit) {
		rest = rest[9:]
	}
	return rest == "" || rest == "-slim"
}

// Package is ^[a-z0-9][a-z0-9.+-]+$
func Package(s string) bool {
	return len(s) >= 2 && (lower(s[0]) || digit(s[0])) &&
		all(s[1:], func(c byte) bool { return lower(c) || digit(c) || c == '.' || c == '+' || c == '-' })
}

// Region is ^[a-z]{3}$
func Region(s string) bool { return len(s) == 3 && all(s, lower) }

// VMSize is ^(shared-cpu|performance)-\d+x$
func VMSize(s string) bool {
	rest, ok := strings.CutPrefix(s, "shared-cpu-")
	if !ok {
		rest, ok = strings.CutPrefix(s, "performance-")
	}
	n, x := strings.CutSuffix(rest, "x")
	return ok && x && digits(n)
}

// Memory is ^([1-9][0-9]{0,5})(mb|gb)$, with its two groups.
func Memory(s string) (number, unit string, ok bool) {
	if len(s) < 3 {
		return "", "", false
	}
	number, unit = s[:len(s)-2], s[len(s)-2:]
	ok = (unit == "mb" || unit == "gb") && len(number) <= 6 && digits(number) && number[0] != '0'
	return number, unit, ok
}

// InstallDir is ^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$
func InstallDir(s string) bool {
	rest, ok := strings.CutPrefix(s, "/")
	return ok && parts(rest, '/', 1, func(p string) bool {
		return p != "" && word(p[0]) && all(p, func(c byte) bool { return word(c) || c == '.' || c == '-' })
	})
}

// Number is ^-?[0-9][0-9_]*(\.[0-9]+)?$
func Number(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	return whole != "" && digit(whole[0]) && all(whole, func(c byte) bool { return digit(c) || c == '_' }) && (!dot || digits(frac))
}

// ShellSafe is ^[A-Za-z0-9_./:@%+=,-]+$
func ShellSafe(s string) bool {
	return s != "" && all(s, func(c byte) bool { return word(c) || strings.IndexByte("./:@%+=,-", c) >= 0 })
}

// Atom is ^[a-z][a-z0-9_]*$
func Atom(s string) bool {
	return s != "" && lower(s[0]) && all(s, func(c byte) bool { return lower(c) || digit(c) || c == '_' })
}

// Module is ^[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*$
func Module(s string) bool {
	return parts(s, '.', 1, func(p string) bool { return p != "" && upper(p[0]) && all(p, word) })
}

// Segment is ^[A-Za-z0-9_][A-Za-z0-9_.-]*$
func Segment(s string) bool {
	return s != "" && word(s[0]) && all(s, func(c byte) bool { return word(c) || c == '.' || c == '-' })
}

// ConfigName is ^[A-Za-z0-9_][A-Za-z0-9_.-]*\.exs$
func ConfigName(s string) bool {
	name, ok := strings.CutSuffix(s, ".exs")
	return ok && Segment(name)
}
