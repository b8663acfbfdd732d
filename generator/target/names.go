package target

import "strings"

// The names the answers are checked against, written out: as regular expressions their counted
// repetitions ({0,61}, {0,127}, {64}) compile to programs that cost a run of init a third of a
// millisecond and 300 KB. names_test.go checks each against the expression in its comment.

// matchFunc gives a check the method of a regular expression.
type matchFunc func(string) bool

func (f matchFunc) MatchString(s string) bool { return f(s) }

var (
	// ^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$
	dnsLabelRe = matchFunc(func(s string) bool { return len(s) > 0 && lower(s[0]) && label(s) })
	// ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$
	clusterDomainRe = matchFunc(func(s string) bool {
		for _, l := range strings.Split(s, ".") {
			if !label(l) {
				return false
			}
		}
		return true
	})
	// ^[a-z_][a-z0-9_-]{0,31}$
	userRe = matchFunc(func(s string) bool {
		if len(s) == 0 || len(s) > 32 || !lower(s[0]) && s[0] != '_' {
			return false
		}
		return allOf(s[1:], func(c byte) bool { return lower(c) || digit(c) || c == '_' || c == '-' })
	})
	// ^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$
	imageRe = matchFunc(func(s string) bool {
		if at := strings.IndexByte(s, '@'); at >= 0 {
			digest := s[at:]
			if len(digest) != len("@sha256:")+64 || !strings.HasPrefix(digest, "@sha256:") ||
				!allOf(digest[len("@sha256:"):], func(c byte) bool { return digit(c) || c >= 'a' && c <= 'f' }) {
				return false
			}
			s = s[:at]
		}
		if imageName(s) {
			return true
		}
		// a tag after the last of the colons that can end the name
		for i := range len(s) {
			if s[i] == ':' && imageName(s[:i]) && imageTag(s[i+1:]) {
				return true
			}
		}
		return false
	})
)

// label is a DNS label: [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?
func label(s string) bool {
	an := func(c byte) bool { return lower(c) || digit(c) }
	return len(s) > 0 && len(s) <= 63 && an(s[0]) && an(s[len(s)-1]) && allOf(s, func(c byte) bool { return an(c) || c == '-' })
}

// imageName is [a-z0-9]+([._/:-][a-z0-9]+)*
func imageName(s string) bool {
	sep := func(c byte) bool { return c == '.' || c == '_' || c == '/' || c == ':' || c == '-' }
	for i := range len(s) {
		switch c := s[i]; {
		case lower(c) || digit(c):
		case sep(c) && i > 0 && !sep(s[i-1]) && i < len(s)-1:
		default:
			return false
		}
	}
	return len(s) > 0
}

// imageTag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
func imageTag(s string) bool {
	word := func(c byte) bool { return lower(c) || c >= 'A' && c <= 'Z' || digit(c) || c == '_' }
	return len(s) > 0 && len(s) <= 128 && word(s[0]) && allOf(s, func(c byte) bool { return word(c) || c == '.' || c == '-' })
}

func lower(c byte) bool { return c >= 'a' && c <= 'z' }
func digit(c byte) bool { return c >= '0' && c <= '9' }

func allOf(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
