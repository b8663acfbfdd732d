package engine

import (
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"

	"github.com/phxdeploy/phxdeploy/internal/match"
)

// shUnquote reads back the words ShQuote writes: safe characters, '...' and \' (the POSIX rules
// for those three), failing on anything else.
func shUnquote(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case s[i] == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return "", false
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case strings.HasPrefix(s[i:], `\'`):
			b.WriteByte('\'')
			i += 2
		case match.ShellSafe(s[i : i+1]):
			b.WriteByte(s[i])
			i++
		default:
			return "", false
		}
	}
	return b.String(), true
}

func FuzzShQuote(f *testing.F) {
	for _, s := range []string{"shop", "x$(id>/tmp/f)", "a'b", "", "a\nExecStartPre=+/bin/sh", "`id`", "'", "-n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ShQuote(s)
		if got, ok := shUnquote(q); !ok || got != s {
			t.Fatalf("ShQuote(%q) = %s reads back as %q (ok %v)", s, q, got, ok)
		}
	})
}

// TestShQuoteWithARealShell: what sh reads from the quoted words is the value, and nothing runs.
func TestShQuoteWithARealShell(t *testing.T) {
	for _, s := range []string{"x$(touch /tmp/phxdeploy-injected)", "a'b\"c", "`id`", "a\nb", "$HOME", "*", "a b", "\\"} {
		out, err := exec.Command("sh", "-c", "printf %s "+ShQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read %q back as %q (%v)", s, out, err)
		}
	}
}

func FuzzYAMLQuote(f *testing.F) {
	for _, s := range []string{"shop.example.com", "a: b", "\"quoted\"", "multi\nline", "\x00\x1f\u2028", "# comment", "- item", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := YAMLQuote(s)
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatalf("invalid UTF-8 %q quoted as %s", s, q)
			}
			return
		}
		var doc map[string]any
		if err := yaml.Unmarshal([]byte("k: "+q+"\nother: 1\n"), &doc); err != nil {
			t.Fatalf("YAMLQuote(%q) = %s does not parse: %v", s, q, err)
		}
		if doc["k"] != s || doc["other"] != 1 || len(doc) != 2 {
			t.Fatalf("YAMLQuote(%q) = %s reads back as %#v", s, q, doc)
		}
	})
}

func FuzzTOMLQuote(f *testing.F) {
	for _, s := range []string{"shop", "a\"b", "line\nbreak", "\x00\x7f", "]\n[evil]\nx = 1", "\\u0041"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := TOMLQuote(s)
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatalf("invalid UTF-8 %q quoted as %s", s, q)
			}
			return
		}
		var doc map[string]any
		if err := toml.Unmarshal([]byte("k = "+q+"\nother = 1\n"), &doc); err != nil {
			t.Fatalf("TOMLQuote(%q) = %s does not parse: %v", s, q, err)
		}
		if doc["k"] != s || doc["other"] != int64(1) || len(doc) != 2 {
			t.Fatalf("TOMLQuote(%q) = %s reads back as %#v", s, q, doc)
		}
	})
}
