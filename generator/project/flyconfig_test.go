package project

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestParseFlyConfig(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      FlyConfig
		lines     map[string]int
	}{
		{name: "fly launch's", src: "# generated\napp = 'shop-prod'\nprimary_region = 'lax'\n\n[deploy]\n  release_command = '/app/bin/migrate'\n\n[env]\n  PHX_HOST = 'shop.example.com'\n  PORT = 8080\n\n[http_service]\n  internal_port = 8080\n\n[mounts]\n  source = 'shop_tmp'\n  destination = '/data'\n",
			want:  FlyConfig{App: "shop-prod", PrimaryRegion: "lax", ReleaseCommand: "/app/bin/migrate", InternalPort: 8080, Env: map[string]string{"PHX_HOST": "shop.example.com", "PORT": "8080"}, Mounts: []FlyMount{{"shop_tmp", "/data"}}},
			lines: map[string]int{"app": 2, "primary_region": 3, "deploy.release_command": 6, "env.PHX_HOST": 9, "http_service.internal_port": 13}},
		// The service on the public ports is the HTTP one; the others are not assumed.
		{name: "services", src: "app = \"tv\"\n\n[[services]]\n  internal_port = 4001\n  [[services.ports]]\n    port = 81\n\n[[services]]\n  internal_port = 4000\n  [[services.ports]]\n    port = 443\n  [services.concurrency]\n    hard_limit = 1_000\n\n[[mounts]]\n  source = \"a\"\n  destination = \"/a\"\n",
			want:  FlyConfig{App: "tv", InternalPort: 4000, Mounts: []FlyMount{{"a", "/a"}}},
			lines: map[string]int{"app": 1, "http_service.internal_port": 9, "services[1].concurrency.hard_limit": 13}},
		{name: "two public services", src: "[[services]]\n  internal_port = 4000\n  [[services.ports]]\n    port = 443\n[[services]]\n  internal_port = 4001\n  [[services.ports]]\n    port = 80\n",
			want: FlyConfig{}, lines: map[string]int{}},
		{name: "not TOML", src: "app = 'shop'\nprimary_region = lax\n", want: FlyConfig{Problem: "line 2: "}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := parseFlyConfig("fly.toml", []byte(c.src))
			if c.want.Problem != "" {
				if !strings.HasPrefix(got.Problem, c.want.Problem) {
					t.Fatalf("problem %q, want it to start with %q", got.Problem, c.want.Problem)
				}
				return
			}
			if got.Problem != "" {
				t.Fatal(got.Problem)
			}
			if got.App != c.want.App || got.PrimaryRegion != c.want.PrimaryRegion || got.ReleaseCommand != c.want.ReleaseCommand ||
				got.InternalPort != c.want.InternalPort || !maps.Equal(got.Env, c.want.Env) || !slices.Equal(got.Mounts, c.want.Mounts) {
				t.Errorf("got %+v\nwant %+v", *got, c.want)
			}
			for key, line := range c.lines {
				if got.At(key) != "fly.toml:"+itoa(line) {
					t.Errorf("%s is at %s, want line %d", key, got.At(key), line)
				}
			}
			if c.lines["http_service.internal_port"] == 0 && got.Has("http_service.internal_port") {
				t.Errorf("an internal port is placed at %s", got.At("http_service.internal_port"))
			}
		})
	}
}
