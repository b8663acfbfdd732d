package buildctx

import (
	"strings"
	"testing"
	"testing/fstest"
)

const testDockerfile = `# syntax=docker/dockerfile:1
FROM docker.io/hexpm/elixir:1.19.5-erlang-28.3.1-debian-trixie-20260610-slim AS builder
WORKDIR /app
COPY mix.exs mix.lock ./
COPY config/config.exs config/prod.exs config/
COPY priv priv
COPY lib lib
COPY assets assets
COPY config/runtime.exs config/
COPY rel rel
RUN mix release

FROM docker.io/library/debian:trixie-20260610-slim AS runner
COPY --chmod=0644 deploy/acme-ca.crt /usr/local/share/ca-certificates/acme-ca.crt
ADD ./certs/*.pem /etc/ssl/
ADD https://example.com/file.txt /tmp/
COPY --from=builder /app/_build/prod/rel/shop ./
COPY <<EOF /etc/motd
hello
EOF
COPY ${EXTRA} /extra
CMD ["/app/bin/server"]
`

func sources(t *testing.T, ignore string, project fstest.MapFS) map[string]Excluded {
	t.Helper()
	var fsys fstest.MapFS
	if project != nil {
		fsys = project
	}
	found, err := Check([]byte(testDockerfile), []byte(ignore), fsys)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Excluded{}
	for _, e := range found {
		out[e.Path] = e
	}
	return out
}

func TestExcludedCopySources(t *testing.T) {
	cases := []struct {
		name, ignore string
		project      fstest.MapFS
		want         []string // excluded paths
	}{
		{"nothing excluded", "", nil, nil},
		{"phxdeploy's usual ignores", ".git\n_build\ndeps\ntest\n**/priv/static/assets\n**/priv/static/cache_manifest.json\n", nil, nil},
		{"rel and priv excluded", "# mine\nrel\n/priv/\n", nil, []string{"rel", "priv"}},
		{"a parent excludes the file", "config\n", nil, []string{"config/config.exs", "config/prod.exs", "config/runtime.exs"}},
		{"an exception re-includes the file", "config\n!config/*.exs\n", nil, nil},
		{"the override's file under an excluded directory", "deploy\n", nil, []string{"deploy/acme-ca.crt"}},
		{"a wildcard pattern", "*.lock\n", nil, []string{"mix.lock"}},
		{"a wildcard source, with the context", "certs/b.pem\n", fstest.MapFS{"certs/a.pem": {}, "certs/b.pem": {}}, []string{"certs/b.pem"}},
		{"a wildcard source, without the context", "certs\n", nil, nil},
		{"everything but what is needed", "*\n!mix.exs\n!mix.lock\n!config\n!lib\n!priv\n!assets\n!rel\n!deploy/acme-ca.crt\n!certs\n", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sources(t, c.ignore, c.project)
			for _, p := range c.want {
				if _, ok := got[p]; !ok {
					t.Errorf("%s is not reported as excluded; got %v", p, got)
				}
				delete(got, p)
			}
			for p, e := range got {
				t.Errorf("%s reported as excluded, wrongly: %s", p, e)
			}
		})
	}
}

func TestExcludedNamesTheLineAndPattern(t *testing.T) {
	got := sources(t, "rel\nrel/keep.txt\n!rel/overlays\n", nil)
	e, ok := got["rel"]
	if !ok {
		t.Fatalf("rel not reported: %v", got)
	}
	if e.Line != 10 || e.Pattern != "rel" || !e.Partly {
		t.Errorf("got %+v, want line 10, pattern rel, partly", e)
	}
	if s := e.String(); !strings.Contains(s, "Dockerfile:10: COPY rel: .dockerignore excludes it, except what a ! line re-includes (rel)") {
		t.Errorf("message %q", s)
	}
	got = sources(t, "deploy/*.crt\n", nil)
	if s := got["deploy/acme-ca.crt"].String(); s != "Dockerfile:14: COPY deploy/acme-ca.crt: .dockerignore excludes it (deploy/*.crt)" {
		t.Errorf("message %q", s)
	}
}
