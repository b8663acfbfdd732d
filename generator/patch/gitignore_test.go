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

func TestIgnored(t *testing.T) {
	gi := "/_build/\n/deps/\n*.ez\n/priv/static/assets/\n.env*\n!.env.prod.example\ndeploy/\n/rel/overlays/bin/migrate\n"
	for rel, want := range map[string]string{
		"Dockerfile": "", ".env.prod.example": "", ".env.prod": ".env*", "deploy/k8s/service.yaml": "deploy/",
		"rel/overlays/bin/migrate": "/rel/overlays/bin/migrate", "rel/overlays/bin/server": "", "lib/shop/release.ex": "",
	} {
		if got := Ignored(gi, rel); got != want {
			t.Errorf("Ignored(%q) = %q, want %q", rel, got, want)
		}
	}
}
