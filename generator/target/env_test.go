package target

import (
	"strings"
	"testing"
)

func TestDescribeStaysOnItsLine(t *testing.T) {
	v := EnvVar{Name: "MAILGUN_API_KEY", Required: true, Secret: true, When: "depending on\nX \u202eY",
		Sources: []string{`lib/shop/mailer\:.ex:3`, "config/runtime.exs:12"}, Default: `"key-123"`}
	d := v.Describe()
	if strings.ContainsAny(d, "\n\u202e") || strings.HasSuffix(d, `\`) {
		t.Errorf("Describe %q leaves its comment line", d)
	}
	if !strings.Contains(d, `lib/shop/mailer\:.ex`) {
		t.Errorf("a file name with a colon is cut at the line number, not its first colon: %q", d)
	}
	if strings.Contains(d, "key-123") || v.DefaultValue() != "" {
		t.Errorf("a secret's default is written down: %q, %q", d, v.DefaultValue())
	}
	if got := (EnvVar{Name: "X", Sources: []string{`lib/a\`}}).Describe(); strings.HasSuffix(got, `\`) {
		t.Errorf("a comment ending in a backslash continues onto the next line in old systemd: %q", got)
	}
}
