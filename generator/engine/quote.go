package engine

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/phxdeploy/phxdeploy/internal/match"
)

// Quoting for the languages of the files phxdeploy writes. Values phxdeploy passes are validated
// for what they are before they reach a template; these functions are the second line, and the
// way for an organization's template to place any other value safely.

// ShQuote quotes s as one POSIX shell word: unchanged when it holds only characters no shell
// reads specially, else in single quotes (a single quote inside becomes '\”).
func ShQuote(s string) string {
	if match.ShellSafe(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// YAMLQuote returns s as a YAML double-quoted scalar.
func YAMLQuote(s string) (string, error) {
	return doubleQuoted("yamlq", s, func(r rune) bool {
		// controls, the line and paragraph separators, the BOM, and U+FFFE and U+FFFF, which
		// are outside YAML's printable characters: its parsers refuse them unescaped
		return r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff
	})
}

// TOMLQuote returns s as a TOML basic string.
func TOMLQuote(s string) (string, error) {
	return doubleQuoted("tomlq", s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// doubleQuoted writes s between double quotes with the escapes YAML and TOML share: \" and \\,
// \n and \t, and \uXXXX for the other runes escape says need one.
func doubleQuoted(fn, s string, escape func(rune) bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%s: %q is not valid UTF-8", fn, s)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case escape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}
