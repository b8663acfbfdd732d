package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// secret stands for what must never leak: it is in a file outside the project and in this
// process's environment (so in /proc/self/environ).
const secret = "PHXDEPLOY-SECRET-7f3a"

// sandbox is one hostile scenario's world: the project, a directory outside it holding a secret,
// and an organization template layer.
type sandbox struct {
	t                     *testing.T
	dir, outside, layer   string
	secretFile            string
	projectBefore, outBef map[string]string
}

func newSandbox(t *testing.T, fixtureName string) *sandbox {
	s := &sandbox{t: t, dir: fixture(t, fixtureName), outside: t.TempDir(), layer: t.TempDir()}
	s.secretFile = filepath.Join(s.outside, "secret.env")
	s.write(s.secretFile, "SECRET_KEY_BASE="+secret+"\nfly_env: "+secret+"\n")
	return s
}

func (s *sandbox) write(path, content string) {
	s.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// in returns a path inside the project.
func (s *sandbox) in(rel string) string { return filepath.Join(s.dir, filepath.FromSlash(rel)) }

func (s *sandbox) symlink(target, link string) {
	s.t.Helper()
	os.Remove(link)
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		s.t.Fatal(err)
	}
}

func (s *sandbox) fifo(path string) {
	s.t.Helper()
	os.Remove(path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *sandbox) edit(rel, old, new string) {
	s.t.Helper()
	b, err := os.ReadFile(s.in(rel))
	if err != nil || !strings.Contains(string(b), old) {
		s.t.Fatalf("%s does not contain %q (%v)", rel, old, err)
	}
	s.write(s.in(rel), strings.Replace(string(b), old, new, 1))
}

// state records a tree without following links or opening special files: regular files by mode
// and content hash, links by target, everything else by type.
func state(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link -> " + target
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("%v %x", info.Mode(), sha256.Sum256(b))
		default:
			out[rel] = info.Mode().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hostile is one scenario: the setup, the command, the exit code it must end with, and what must
// appear nowhere (in the project, outside it, on stdout or stderr).
type hostile struct {
	name    string
	fixture string // default phx18_postgres
	setup   func(s *sandbox)
	args    []string // {dir}, {outside} and {layer} are replaced
	code    int
	never   []string
	check   func(t *testing.T, s *sandbox, r result)
}

var hostileScenarios = []hostile{
	// Secrets read through links, and special files.
	{name: "project template linked to /proc/self/environ", setup: func(s *sandbox) {
		s.symlink("/proc/self/environ", s.in(".phxdeploy/templates/fly/fly.toml.tmpl"))
	}, args: []string{"--target", "fly"}, code: 1, never: []string{secret}},
	{name: "project template linked to a file outside (relative link)", setup: func(s *sandbox) {
		rel, _ := filepath.Rel(s.in(".phxdeploy/templates/fly"), s.secretFile)
		s.symlink(rel, s.in(".phxdeploy/templates/fly/fly.toml.tmpl"))
	}, args: []string{"--target", "fly"}, code: 1, never: []string{secret}},
	{name: "organization template linked to a secret", setup: func(s *sandbox) {
		s.symlink(s.secretFile, filepath.Join(s.layer, "docker/Dockerfile.tmpl"))
	}, args: []string{"--target", "docker", "--templates", "{layer}"}, code: 1, never: []string{secret}},
	{name: "organization defaults.yaml linked to a secret", setup: func(s *sandbox) {
		s.symlink(s.secretFile, filepath.Join(s.layer, "defaults.yaml"))
	}, args: []string{"--target", "fly", "--templates", "{layer}"}, code: 1, never: []string{secret}},
	{name: "saved answers linked to a secret", setup: func(s *sandbox) {
		s.symlink(s.secretFile, s.in(".phxdeploy/answers.yaml"))
	}, args: []string{"--target", "fly"}, code: 1, never: []string{secret}},
	{name: "--dry-run with Dockerfile linked to /proc/self/environ", setup: func(s *sandbox) {
		s.symlink("/proc/self/environ", s.in("Dockerfile"))
	}, args: []string{"--target", "docker", "--dry-run"}, code: 3, never: []string{secret}},
	{name: "--force with Dockerfile linked to a secret", setup: func(s *sandbox) {
		s.symlink(s.secretFile, s.in("Dockerfile"))
	}, args: []string{"--target", "docker", "--force"}, code: 3, never: []string{secret},
		check: func(t *testing.T, s *sandbox, r result) {
			if target, _ := os.Readlink(s.in("Dockerfile")); target != s.secretFile {
				t.Errorf("the link was replaced (now %q)", target)
			}
		}},
	{name: "templates diff with an export base linked to a secret", setup: func(s *sandbox) {
		s.write(filepath.Join(s.layer, "docker/Dockerfile.tmpl"), "{{/* phxdeploy export of docker/Dockerfile.tmpl sha256:0000000000000000 */}}\nFROM scratch\n")
		s.symlink(s.secretFile, filepath.Join(s.layer, ".phxdeploy-base/docker/Dockerfile.tmpl"))
	}, args: []string{"templates", "diff", "docker/Dockerfile.tmpl", "--templates", "{layer}"}, code: 1, never: []string{secret}},
	{name: "the project's template directory is a link outside", setup: func(s *sandbox) {
		s.write(filepath.Join(s.outside, "tpl/fly/fly.toml.tmpl"), "app = \"{{ .Name }}\" # "+secret+"\n")
		s.symlink(filepath.Join(s.outside, "tpl"), s.in(".phxdeploy/templates"))
	}, args: []string{"--target", "fly"}, code: 2, never: []string{secret}},
	{name: "mix.exs linked outside", setup: func(s *sandbox) {
		s.write(filepath.Join(s.outside, "mix.exs"), "defmodule X do def project, do: [app: :x, deps: [{:phoenix, \""+secret+"\"}]] end\n")
		s.symlink(filepath.Join(s.outside, "mix.exs"), s.in("mix.exs"))
	}, args: []string{"--target", "fly"}, code: 1, never: []string{secret}},
	{name: "runtime.exs linked to /proc/self/environ", setup: func(s *sandbox) {
		s.symlink("/proc/self/environ", s.in("config/runtime.exs"))
	}, args: []string{"--target", "fly"}, code: 1, never: []string{secret}},
	{name: "router linked outside (relative)", setup: func(s *sandbox) {
		s.write(filepath.Join(s.outside, "router.ex"), "defmodule ShopWeb.Router do\n  # "+secret+"\nend\n")
		rel, _ := filepath.Rel(s.in("lib/shop_web"), filepath.Join(s.outside, "router.ex"))
		s.symlink(rel, s.in("lib/shop_web/router.ex"))
	}, args: []string{"--target", "fly"}, code: 1, never: []string{secret}},
	{name: "mix.exs is a FIFO", setup: func(s *sandbox) { s.fifo(s.in("mix.exs")) }, args: []string{"--target", "fly"}, code: 1},
	{name: "config/prod.exs is a FIFO", setup: func(s *sandbox) { s.fifo(s.in("config/prod.exs")) }, args: []string{"--target", "fly"}, code: 1,
		check: func(t *testing.T, s *sandbox, r result) { wantIn(t, r.stderr, "config/prod.exs", "FIFO") }},
	{name: "defaults.yaml is a FIFO", setup: func(s *sandbox) { s.fifo(filepath.Join(s.layer, "defaults.yaml")) },
		args: []string{"--target", "fly", "--templates", "{layer}"}, code: 1},
	{name: "a template is a FIFO", setup: func(s *sandbox) { s.fifo(filepath.Join(s.layer, "fly/fly.toml.tmpl")) },
		args: []string{"--target", "fly", "--templates", "{layer}"}, code: 1},
	{name: "mix.exs is /dev/zero", setup: func(s *sandbox) { s.symlink("/dev/zero", s.in("mix.exs")) }, args: []string{"--target", "fly"}, code: 1},
	{name: "mix.exs of 45 MB", setup: func(s *sandbox) {
		s.write(s.in("mix.exs"), strings.Repeat("# padding padding padding padding padding\n", 45<<20/42))
	}, args: []string{"--target", "fly"}, code: 1, check: func(t *testing.T, s *sandbox, r result) { wantIn(t, r.stderr, "MiB") }},
	{name: "config/prod.exs is a directory", setup: func(s *sandbox) {
		os.Remove(s.in("config/prod.exs"))
		os.MkdirAll(s.in("config/prod.exs"), 0o755)
	}, args: []string{"--target", "fly"}, code: 1, check: func(t *testing.T, s *sandbox, r result) { wantIn(t, r.stderr, "config/prod.exs") }},
	{name: "saved answers are a billion laughs", setup: func(s *sandbox) {
		s.write(s.in(".phxdeploy/answers.yaml"), laughs)
	}, args: []string{"--target", "fly"}, code: 1},
	{name: "organization defaults are a billion laughs", setup: func(s *sandbox) {
		s.write(filepath.Join(s.layer, "defaults.yaml"), laughs)
	}, args: []string{"--target", "fly", "--templates", "{layer}"}, code: 1},
	{name: "a template layer in /proc", args: []string{"--target", "fly", "--templates", "/proc/self"}, code: 2},

	// Injection through names, from the project and from flags.
	{name: "--release with a command substitution", args: []string{"--target", "fly", "--release", "x$(id>/tmp/phxdeploy-injected)"}, code: 2, never: []string{"$(id"}},
	{name: "a release name with a newline", setup: func(s *sandbox) {
		s.edit("mix.exs", "      deps: deps()", "      deps: deps(),\n      releases: [\"shop\\nExecStartPre=+/bin/sh\": [applications: [shop: :permanent]]]")
	}, args: []string{"--target", "systemd", "--host", "a.example.com"}, code: 1, never: []string{"ExecStartPre=+"}},
	{name: "an app atom with a command substitution", setup: func(s *sandbox) {
		s.edit("mix.exs", "app: :shop", `app: :"shop$(id)"`)
	}, args: []string{"--target", "fly"}, code: 1, never: []string{"$(id"}},
	{name: "a namespace that is not a module name", setup: func(s *sandbox) {
		s.edit("config/config.exs", "config :shop,\n", "config :shop,\n  namespace: Shöp,\n")
	}, args: []string{"--target", "fly"}, code: 1, never: []string{"Shöp.Release"}},
	{name: "an umbrella apps_path that climbs out", fixture: "umbrella17", setup: func(s *sandbox) {
		s.edit("mix.exs", `apps_path: "apps"`, `apps_path: "../apps"`)
	}, args: []string{"--target", "docker"}, code: 1},
	{name: "an umbrella apps_path with a newline", fixture: "umbrella17", setup: func(s *sandbox) {
		s.edit("mix.exs", `apps_path: "apps"`, `apps_path: "apps\nRUN curl evil.example.com"`)
	}, args: []string{"--target", "docker"}, code: 1, never: []string{"RUN curl evil"}},
	{name: "an umbrella app directory with a space", fixture: "umbrella17", setup: func(s *sandbox) {
		if err := os.Rename(s.in("apps/market"), s.in("apps/market core")); err != nil {
			s.t.Fatal(err)
		}
	}, args: []string{"--target", "docker"}, code: 1},
	{name: "a config file name with a space", setup: func(s *sandbox) {
		s.write(s.in("config/prod secret.exs"), "import Config\n")
	}, args: []string{"--target", "docker"}, code: 1},
	{name: "--name with a newline", args: []string{"--target", "fly", "--name", "shop\nExecStartPre=+/bin/sh"}, code: 2, never: []string{"ExecStartPre=+"}},
	{name: "--name too long for its suffixes", args: []string{"--target", "k8s", "--image", "r.example.com/s:1", "--host", "a.example.com", "--name", strings.Repeat("a", 60)}, code: 2},
	{name: "--host with a quote and a newline", args: []string{"--target", "fly", "--host", "a.example.com\"\n[evil]"}, code: 2, never: []string{"[evil]"}},
	{name: "--host with a label over 63", args: []string{"--target", "fly", "--host", strings.Repeat("a", 64) + ".example.com"}, code: 2},
	{name: "--image with a newline", args: []string{"--target", "k8s", "--host", "a.example.com", "--image", "r.example.com/s:1\n  evil: true"}, code: 2, never: []string{"evil: true"}},
	{name: "--install-dir relative", args: []string{"--target", "systemd", "--host", "a.example.com", "--install-dir", "opt/shop"}, code: 2},
	{name: "--install-dir climbing", args: []string{"--target", "systemd", "--host", "a.example.com", "--install-dir", "/opt/../etc"}, code: 2},
	{name: "--service-user root", args: []string{"--target", "systemd", "--host", "a.example.com", "--service-user", "root"}, code: 2},
	{name: "--vm-memory 0mb", args: []string{"--target", "fly", "--vm-memory", "0mb"}, code: 2},
	{name: "--templates empty", args: []string{"--target", "fly", "--templates", ""}, code: 2},
	{name: "--database contradicting mix.exs", args: []string{"--target", "fly", "--database", "sqlite"}, code: 2},
	{name: "--extra-packages with a shell command", args: []string{"--target", "docker", "--extra-packages", "curl;rm -rf /"}, code: 2, never: []string{"rm -rf"}},
	{name: "--region with a quote", args: []string{"--target", "fly", "--region", "iad\"\n"}, code: 2},
	{name: "--namespace with a newline", args: []string{"--target", "k8s", "--image", "r.example.com/s:1", "--host", "a.example.com", "--namespace", "ns\nevil"}, code: 2},
	{name: "--ingress-class with a newline", args: []string{"--target", "k8s", "--image", "r.example.com/s:1", "--host", "a.example.com", "--ingress-class", "nginx\n  evil: true"}, code: 2},
	{name: "--cluster-domain with a trailing dot", args: []string{"--target", "k8s", "--image", "r.example.com/s:1", "--host", "a.example.com", "--cluster-domain", "cluster.local."}, code: 2},
	{name: "--cluster-domain with a $(VAR) reference", args: []string{"--target", "k8s", "--image", "r.example.com/s:1", "--host", "a.example.com", "--cluster-domain", "$(HOME)"}, code: 2},
	{name: "organization defaults with a newline in a host", setup: func(s *sandbox) {
		s.write(filepath.Join(s.layer, "defaults.yaml"), "host: \"a.example.com\\n[evil]\"\n")
	}, args: []string{"--target", "systemd", "--templates", "{layer}"}, code: 1, never: []string{"[evil]"}},
	{name: "saved answers with a newline in the name", setup: func(s *sandbox) {
		s.write(s.in(".phxdeploy/answers.yaml"), "name: \"shop\\nExecStartPre=+/bin/sh\"\n")
	}, args: []string{"--target", "systemd", "--host", "a.example.com"}, code: 1, never: []string{"ExecStartPre=+"}},
	{name: "a variable name that is not one", setup: func(s *sandbox) {
		s.edit("config/runtime.exs", `System.get_env("PHX_HOST")`, `System.get_env("PHX HOST\"; rm")`)
		// not a name: nothing can set it, so a manual step (never PHX_HOST in its place)
	}, args: []string{"--target", "fly"}, code: 3, never: []string{"PHX HOST", "PHX_HOST ="}},
	{name: "a default that spans lines", setup: func(s *sandbox) {
		s.edit("config/runtime.exs", `System.get_env("POOL_SIZE") || "10"`, "System.get_env(\"POOL_SIZE\", \"10\nINJECTED=1 $(id)\") || \"10\"")
	}, args: []string{"--target", "docker,systemd", "--host", "shop.example.com"}, code: 0, check: func(t *testing.T, s *sandbox, r result) {
		for _, f := range []string{".env.prod.example", "deploy/systemd/shop.env.example"} {
			b, _ := os.ReadFile(s.in(f))
			if strings.Contains(string(b), "\nINJECTED") || strings.Contains(string(b), "=1 $(id)\n") {
				t.Errorf("%s carries a default that breaks out of its comment:\n%s", f, b)
			}
		}
	}},
	{name: "required variables an operator's shell has", setup: func(s *sandbox) {
		s.edit("config/runtime.exs", `System.get_env("POOL_SIZE") || "10"`, `System.fetch_env!("HOME") <> System.fetch_env!("AWS_SECRET_ACCESS_KEY") <> "10"`)
		// (the pool size now comes from two variables: a manual step, hence exit 3)
	}, args: []string{"--target", "docker", "--host", "shop.example.com"}, code: 3, check: func(t *testing.T, s *sandbox, r result) {
		// ${NAME} in compose.yaml would take the value of whoever runs Compose
		b, _ := os.ReadFile(s.in("compose.yaml"))
		if strings.Contains(string(b), "${HOME") || strings.Contains(string(b), "${AWS_SECRET_ACCESS_KEY") {
			t.Errorf("compose.yaml takes the app's values from the shell:\n%s", b)
		}
		env, _ := os.ReadFile(s.in(".env.prod.example"))
		if strings.Contains(string(env), "\nHOME=") || !strings.Contains(string(env), "\nAWS_SECRET_ACCESS_KEY=\n") {
			t.Errorf(".env.prod.example must ask for AWS_SECRET_ACCESS_KEY and never for HOME:\n%s", env)
		}
	}},
	{name: "terminal escapes in the lines a dry-run diff shows", setup: func(s *sandbox) {
		s.edit("lib/shop_web/router.ex", "  scope \"/\", ShopWeb do", "  # \x1b]0;owned\x07\x1b[2J \u202e\n  scope \"/\", ShopWeb do")
	}, args: []string{"--target", "fly", "--dry-run"}, code: 0, never: []string{"\x1b", "\u202e"}},
	{name: "a secret's default", setup: func(s *sandbox) {
		s.edit("config/runtime.exs", `System.get_env("POOL_SIZE") || "10"`, `String.length(System.get_env("STRIPE_SECRET_KEY", "sk_live_abc123")) + 10`)
	}, args: []string{"--target", "docker,systemd", "--host", "shop.example.com"}, code: 0, never: []string{"sk_live_abc123"}},
	{name: "a module file name with terminal escapes", setup: func(s *sandbox) {
		if err := os.Rename(s.in("lib/shop_web/router.ex"), s.in("lib/shop_web/routes\x1b[2J.ex")); err != nil {
			s.t.Fatal(err)
		}
	}, args: []string{"--target", "fly"}, code: 0, never: []string{"\x1b[2J"},
		check: func(t *testing.T, s *sandbox, r result) { wantIn(t, r.stdout, `routes\u001b[2J.ex`) }},

	// Found by an attacker's pass.
	{name: "a prod block hidden in a sigil string", setup: func(s *sandbox) {
		s.edit("config/runtime.exs", "if System.get_env(\"PHX_SERVER\") do", "banner = ~s(deploy notes (see docs)\nnote = \")\nif config_env() == :prod do\n  :ok\nend\n\"\n\nif System.get_env(\"PHX_SERVER\") do")
		s.edit("config/runtime.exs", "  config :shop, ShopWeb.Endpoint,\n", "  config :shop, ShopWeb.Endpoint,\n    # (secret_key_base below, removed)\n")
		s.edit("config/runtime.exs", "    secret_key_base: secret_key_base", "    check_origin: true")
	}, args: []string{"--target", "fly"}, code: 0, check: func(t *testing.T, s *sandbox, r result) {
		b, _ := os.ReadFile(s.in("config/runtime.exs"))
		if !strings.Contains(string(b), "note = \")\nif config_env() == :prod do\n  :ok\nend\n\"") {
			t.Errorf("the string that looks like a prod block was edited:\n%s", b)
		}
	}},
	{name: "config with parentheses and an aliased endpoint", setup: func(s *sandbox) {
		s.edit("config/runtime.exs", "import Config\n", "import Config\nalias ShopWeb.Endpoint\n\nconfig(:shop, Endpoint, secret_key_base: File.read!(\"/run/secrets/skb\"))\n")
		s.edit("config/runtime.exs", "    secret_key_base: secret_key_base", "    check_origin: true")
		// read from a file: a manual step says every target must provide what it reads
	}, args: []string{"--target", "fly"}, code: 3, never: []string{"environment variable SECRET_KEY_BASE is missing"}},
	{name: "a list of PubSub servers that is not a children list", setup: func(s *sandbox) {
		s.edit("lib/shop/application.ex", "  @impl true\n  def config_change", "  def broadcast_servers do\n    [\n      Shop.PubSub,\n      Shop.AuditPubSub\n    ]\n  end\n\n  @impl true\n  def config_change")
		s.edit("mix.exs", "      {:dns_cluster, \"~> 0.2.0\"},\n", "")
		s.edit("lib/shop/application.ex", "      {DNSCluster, query: Application.get_env(:shop, :dns_cluster_query) || :ignore},\n", "")
	}, args: []string{"--target", "fly"}, code: 0, check: func(t *testing.T, s *sandbox, r result) {
		b, _ := os.ReadFile(s.in("lib/shop/application.ex"))
		if strings.Count(string(b), "DNSCluster") != 1 || !strings.Contains(string(b), "    [\n      Shop.PubSub,\n      Shop.AuditPubSub\n    ]") {
			t.Errorf("DNSCluster belongs in the children list only:\n%s", b)
		}
	}},
	{name: "a failed run keeps temporary-looking files", setup: func(s *sandbox) {
		s.write(s.in(".notes.phxdeploy-2024"), "notes")
		s.symlink(s.secretFile, s.in(".gitignore"))
	}, args: []string{"--target", "docker"}, code: 3, check: func(t *testing.T, s *sandbox, r result) {
		if _, err := os.Lstat(s.in(".notes.phxdeploy-2024")); err != nil {
			t.Error("a file was removed by a run that did not write it")
		}
	}},
	{name: "a template that ranges over a map", setup: func(s *sandbox) {
		s.write(filepath.Join(s.layer, "docker/Dockerfile.tmpl"), "{{ define \"labels\" }}\nLABEL order=\"{{ keys (dict \"f\" 1 \"a\" 2 \"c\" 3 \"b\" 4) | join \",\" }}\"{{ end }}\n")
	}, args: []string{"--target", "docker", "--templates", "{layer}"}, code: 0, check: func(t *testing.T, s *sandbox, r result) {
		for range 3 {
			again := run(t, "", "init", "--dir", s.dir, "--yes", "--target", "docker", "--templates", s.layer)
			if again.code != 0 || strings.Contains(again.stdout, "conflict") {
				t.Fatalf("a second run is not identical:\n%s", again.stdout)
			}
		}
	}},
	{name: "a hard link to a file outside", setup: func(s *sandbox) {
		if err := os.Link(s.secretFile, s.in("Dockerfile")); err != nil {
			s.t.Skipf("SKIPPED: cannot make a hard link here (%v)", err)
		}
	}, args: []string{"--target", "docker", "--dry-run"}, code: 3, never: []string{secret}},
	{name: "--name that YAML reads as false", args: []string{"--target", "k8s", "--image", "r.example.com/s:1", "--host", "a.example.com", "--name", "no"}, code: 2},
	{name: "a config file name with terminal escapes", setup: func(s *sandbox) {
		s.write(s.in("config/evil\x1b[2J.exs"), "import Config\n")
	}, args: []string{"--target", "docker"}, code: 1, check: func(t *testing.T, s *sandbox, r result) {
		if strings.Contains(r.stderr, "\x1b") {
			t.Errorf("a raw escape reached stderr: %q", r.stderr)
		}
	}},

	// Writes.
	{name: "an output directory linked outside", setup: func(s *sandbox) {
		s.symlink(s.outside, s.in("deploy"))
	}, args: []string{"--target", "systemd", "--host", "a.example.com"}, code: 3,
		check: func(t *testing.T, s *sandbox, r result) {
			wantIn(t, r.stdout, "conflict  deploy/systemd/shop.service", "leads outside")
		}},
	{name: "an output file linked outside", setup: func(s *sandbox) {
		s.symlink(s.secretFile, s.in("rel/overlays/bin/server"))
	}, args: []string{"--target", "fly", "--force"}, code: 3, never: []string{secret}},
	{name: "a read-only router", setup: func(s *sandbox) {
		os.Chmod(s.in("lib/shop_web/router.ex"), 0o444)
	}, args: []string{"--target", "fly"}, code: 0, check: func(t *testing.T, s *sandbox, r result) {
		st, _ := os.Stat(s.in("lib/shop_web/router.ex"))
		b, _ := os.ReadFile(s.in("lib/shop_web/router.ex"))
		if st.Mode().Perm() != 0o444 || !strings.Contains(string(b), "ShopWeb.Health") {
			t.Errorf("router: mode %v, patched %v; want 0444 and patched", st.Mode().Perm(), strings.Contains(string(b), "ShopWeb.Health"))
		}
	}},
	{name: "an immutable router", setup: func(s *sandbox) {
		if out, err := exec.Command("chattr", "+i", s.in("lib/shop_web/router.ex")).CombinedOutput(); err != nil {
			s.t.Skipf("SKIPPED: chattr +i is not available here (%v: %s)", err, out)
		}
		s.t.Cleanup(func() { exec.Command("chattr", "-i", s.in("lib/shop_web/router.ex")).Run() })
	}, args: []string{"--target", "fly"}, code: 1, check: func(t *testing.T, s *sandbox, r result) { wantIn(t, r.stderr, "nothing was written") }},
	{name: ".phxdeploy is a file", setup: func(s *sandbox) { s.write(s.in(".phxdeploy"), "not a directory\n") },
		args: []string{"--target", "fly"}, code: 1, check: func(t *testing.T, s *sandbox, r result) {
			wantIn(t, r.stderr, ".phxdeploy/answers.yaml", "not a directory")
		}},
	{name: "a killed run's temporary files", setup: func(s *sandbox) {
		s.write(s.in("rel/overlays/bin/.server.phxdeploy-123-4"), "half")
		s.write(s.in(".Dockerfile.phxdeploy-98765"), "half")
	}, args: []string{"--target", "fly"}, code: 0, check: func(t *testing.T, s *sandbox, r result) {
		for _, f := range []string{"rel/overlays/bin/.server.phxdeploy-123-4", ".Dockerfile.phxdeploy-98765"} {
			if _, err := os.Lstat(s.in(f)); err == nil {
				t.Errorf("%s is still there", f)
			}
		}
		wantIn(t, r.stderr, "removed rel/overlays/bin/.server.phxdeploy-123-4")
	}},

	// Templates and input built to exhaust.
	{name: "a doubly recursive template", setup: func(s *sandbox) {
		s.write(filepath.Join(s.layer, "k8s/_labels.tmpl"), `{{ define "extra_labels" }}{{ if lt (len .) 30 }}{{ include "extra_labels" (append . 1) }}{{ include "extra_labels" (append . 1) }}{{ end }}{{ end }}`+"\n")
	}, args: []string{"--target", "k8s", "--image", "r.example.com/s:1", "--host", "a.example.com", "--templates", "{layer}"}, code: 1},
	{name: "a template that writes gigabytes", setup: func(s *sandbox) {
		s.write(filepath.Join(s.layer, "fly/fly.toml.tmpl"), `{{ range until 1000 }}{{ repeat 100000000 "x" }}{{ end }}`)
	}, args: []string{"--target", "fly", "--templates", "{layer}"}, code: 1},
	{name: "a template that reads the clock", setup: func(s *sandbox) {
		s.write(filepath.Join(s.layer, "fly/fly.toml.tmpl"), `app = "{{ now }}-{{ randAlphaNum 6 }}"`+"\n")
	}, args: []string{"--target", "fly", "--templates", "{layer}"}, code: 1},
	{name: "600,000 nested interpolations", setup: func(s *sandbox) {
		s.write(s.in("config/runtime.exs"), "import Config\n"+strings.Repeat(`"#{`, 600_000))
	}, args: []string{"--target", "fly"}, code: 1, check: func(t *testing.T, s *sandbox, r result) { wantIn(t, r.stderr, "nested more than") }},
}

// laughs is a YAML document whose aliases expand to billions of elements.
var laughs = func() string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = n
	}
	return b.String()
}()

func wantIn(t *testing.T, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("want %q in:\n%s", w, s)
		}
	}
}

// TestHostileInput runs every hostile scenario through the real command and checks its exit
// code, that nothing it must not show appears anywhere, that nothing outside the project
// changed, and that a failed run left the project exactly as it was.
func TestHostileInput(t *testing.T) {
	t.Setenv("PHXDEPLOY_TEST_SECRET", secret) // in /proc/self/environ from here on
	passed := 0
	for _, h := range hostileScenarios {
		ok := t.Run(h.name, func(t *testing.T) {
			fx := h.fixture
			if fx == "" {
				fx = "phx18_postgres"
			}
			s := newSandbox(t, fx)
			if h.setup != nil {
				h.setup(s)
			}
			args := []string{"init", "--dir", s.dir, "--yes"}
			if len(h.args) > 0 && h.args[0] == "templates" {
				args = []string{"--dir", s.dir} // a templates command, given whole below
			}
			for _, a := range h.args {
				args = append(args, strings.NewReplacer("{dir}", s.dir, "{outside}", s.outside, "{layer}", s.layer).Replace(a))
			}
			before, outside := state(t, s.dir), state(t, s.outside)
			original := map[string]bool{}
			for f := range before {
				original[f] = true
			}
			start := time.Now()
			r := run(t, "", args...)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %s", d)
			}
			if r.code != h.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, h.code, r.stdout, r.stderr)
			}
			if r.code == 1 || r.code == 2 {
				sameTree(t, before, state(t, s.dir))
			}
			sameTree(t, outside, state(t, s.outside))
			// What the run wrote or changed, and what it printed. (An error may quote a refused
			// value; it does so escaped, and the secret never.)
			after := state(t, s.dir)
			var written strings.Builder
			for f, st := range after {
				if before[f] != st {
					b, _ := os.ReadFile(filepath.Join(s.dir, f))
					written.Write(b)
				}
			}
			for _, n := range h.never {
				if strings.Contains(written.String(), n) {
					t.Errorf("%q appears in a file phxdeploy wrote", n)
				}
				if strings.Contains(r.stdout, n) {
					t.Errorf("%q appears in the output", n)
				}
			}
			if strings.Contains(r.stderr, secret) {
				t.Errorf("the secret appears on stderr")
			}
			if _, err := os.Lstat("/tmp/phxdeploy-injected"); err == nil {
				t.Error("an injected command ran")
			}
			if h.check != nil {
				h.check(t, s, r)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("hostile input: %d of %d scenarios hold", passed, len(hostileScenarios))
}
