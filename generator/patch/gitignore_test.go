package patch

import "testing"

func TestPatchIgnore(t *testing.T) {
	for _, kept := range []string{".env*\n", "/.env.prod\n", "# x\n.env.prod\n", "*.prod\n"} {
		if out, _ := Ignore(kept, ".env.prod", "secrets for docker compose (phxdeploy)"); out != kept {
			t.Errorf("%q already ignores .env.prod, got %q", kept, out)
		}
	}
	if out, _ := Ignore("/_build/\r\n/deps/", ".env.prod", "secrets for docker compose (phxdeploy)"); out != "/_build/\r\n/deps/\r\n# secrets for docker compose (phxdeploy)\r\n/.env.prod\r\n" {
		t.Errorf("CRLF, no final newline: %q", out)
	}
	if out, _ := Ignore("!.env.prod\n", ".env.prod", "secrets for docker compose (phxdeploy)"); out == "!.env.prod\n" {
		t.Error("a negated entry does not ignore the file")
	}
}
