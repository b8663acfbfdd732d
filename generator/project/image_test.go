package project

import (
	"cmp"
	"slices"
	"testing"
)

// The image's paths are expanded as the build expands them, shell patterns included (phxdeploy's
// first own reader left ${name#…}, ${name%…} and ${name/…} as written).
func TestImagePathsExpandPatterns(t *testing.T) {
	img, err := parseImage([]byte(`FROM docker.io/hexpm/elixir:1.18.4-erlang-28.0.2-debian-bookworm-20250630-slim AS build
ENV MIX_ENV=prod
COPY . .
RUN mix release

FROM docker.io/library/debian:bookworm-20250630-slim
ENV APP=my_shop
WORKDIR /srv/${APP#my_}
ENV X=${APP%_shop} P=${APP/_/-}
COPY --from=build /app/_build/${MIX_ENV%d}d/rel/shop ./
`), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if img.Workdir != "/srv/shop" || img.Env["X"] != "my" || img.Env["P"] != "my-shop" || img.ReleaseDir != "/srv/shop" {
		t.Errorf("workdir %q, env %q, release in %q; want /srv/shop, X=my, P=my-shop, /srv/shop", img.Workdir, img.Env, img.ReleaseDir)
	}
}

// Every text the single-instance expressions match holds one of the words that decide whether
// they are run at all.
func FuzzSingleInstanceWords(f *testing.F) {
	for _, s := range []string{"Runs as a single instance.", "only ONE node", "This app is not ſcalable.", "It cannot be ſcaled.",
		"not horizontally scalable", "Waffle.Storage.Local", "single-node setup", "one instance", "SINGLE NODE ONLY"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if singleDocRe.Match(b) && !containsAnyFold(b, singleDocWords) || localStorageRe.Match(b) && !containsAnyFold(b, localStorageWords) {
			t.Fatalf("%q matches, but holds none of the words", s)
		}
	})
}

// A release built with `mix release --path` and copied from there is the image's release, at
// the COPY's destination (TeslaMate's Dockerfile: "builds no Mix release" before).
func TestImageReleaseBuiltWithPath(t *testing.T) {
	for _, c := range []struct{ name, build, copy, dir, release string }{
		{"absolute", "RUN SKIP_DOWNLOAD=true mix release --path /opt/built", "COPY --from=builder --chown=nonroot:nonroot --chmod=555 /opt/built .", "/opt/app", ""},
		{"relative, named, =", "RUN mix release shop --overwrite --path=out/shop", "COPY --from=0 /app/out/shop/ /srv/shop", "/srv/shop", "shop"},
		{"in mix do", "RUN mix do compile, release --path /rel", "COPY --from=builder /rel ./rel", "/opt/app/rel", ""},
		{"after release.init, named after options", "RUN mix release.init && mix release --overwrite shop --path /out", "COPY --from=builder /out .", "/opt/app", "shop"},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, err := parseImage([]byte(`FROM hexpm/elixir:1.18.4-erlang-28.0.2-debian-bookworm-20250630-slim AS builder
ENV MIX_ENV=prod
WORKDIR /app
COPY . .
`+c.build+`

FROM debian:bookworm-20250630-slim AS app
ENV HOME=/opt/app
WORKDIR $HOME
`+c.copy+`
CMD ["bin/shop", "start"]
`), "shop")
			if err != nil {
				t.Fatal(err)
			}
			if !img.Release || img.ReleaseDir != c.dir || img.ReleaseName != c.release {
				t.Errorf("release %v in %q named %q; want in %q named %q", img.Release, img.ReleaseDir, img.ReleaseName, c.dir, c.release)
			}
		})
	}
	// --path to somewhere the final stage does not copy: no release, as before
	img, err := parseImage([]byte("FROM elixir AS b\nRUN mix release --path /x\nFROM debian\nCOPY --from=b /y .\n"), "shop")
	if err != nil || img.Release {
		t.Errorf("release %v, %v: want none", img.Release, err)
	}
}

// A USER named after a user the image creates with a fixed uid runs as that uid.
func TestImageUserCreatedWithUID(t *testing.T) {
	for _, c := range []struct {
		run, user string
		uid       int
		ok        bool
	}{
		{"groupadd --gid 10001 --system nonroot \\\n  && useradd  --uid 10000 --system --gid nonroot --home-dir /home/nonroot --shell /sbin/nologin nonroot", "nonroot:nonroot", 10000, true},
		{"useradd -u 1000 -m app; chown app /srv", "app", 1000, true},
		{"useradd --uid=42 svc", "svc", 42, true},
		{"addgroup -S app && adduser -S -D -u 1001 -G app app", "app", 1001, true},
		{"adduser --system --uid 999 --group elixir", "elixir", 999, true},
		{"adduser -S app", "app", 0, false},
		{"useradd --uid $APP_UID app", "app", 0, false},
		{"useradd --system app", "app", 0, false},
		{"useradd --uid 1000 other", "app", 0, false},
	} {
		img, err := parseImage([]byte("FROM debian:bookworm-20250630-slim\nRUN "+c.run+"\nUSER "+c.user+"\n"), "shop")
		if err != nil {
			t.Fatal(err)
		}
		if uid, ok := img.UID(); uid != c.uid || ok != c.ok {
			t.Errorf("RUN %s, USER %s: uid %d, %v; want %d, %v", c.run, c.user, uid, ok, c.uid, c.ok)
		}
	}
	// a user created in a build stage is not the final image's
	img, err := parseImage([]byte("FROM elixir AS b\nRUN useradd -u 7 app\nFROM debian\nUSER app\n"), "shop")
	if _, ok := img.UID(); err != nil || ok {
		t.Errorf("a build stage's useradd resolved the final image's user (%v)", err)
	}
}

// The overlays are in the release when the build copies rel/ and then runs `mix release`, in a
// `mix do` too; `mix release.init` is no release.
func TestImageOverlaysNeedAMixRelease(t *testing.T) {
	for run, want := range map[string]bool{
		"mix release": true, "mix do compile, release": true, "mix do release, phx.digest": true,
		"MIX_ENV=prod mix release shop --overwrite": true, "mix release.init": false, "mix compile": false,
	} {
		img, err := parseImage([]byte("FROM elixir AS build\nCOPY . .\nRUN "+run+"\nFROM debian\nCOPY --from=build /app/_build/prod/rel/shop ./\n"), "shop")
		if err != nil {
			t.Fatal(err)
		}
		if img.Overlays != want {
			t.Errorf("RUN %s: overlays %v, want %v", run, img.Overlays, want)
		}
	}
}

// TestKeptImageMixEnv reads the MIX_ENV the image's release is built with: that of the stage
// the final stage copies it from (an ENV from an ARG's default: Plausible's ce; one of the stage it
// is built on; one on the command line, which holds for its own command only; an ENV winning over
// a later ARG), or of the final stage when it builds the release itself. Another stage's
// `mix release` (a staging build, a test stage) is not the image's; none, or one phxdeploy
// cannot follow, is unknown (prod).
func TestKeptImageMixEnv(t *testing.T) {
	const final = "FROM debian\nCOPY --from=build /app/_build/x/rel/shop /app\n"
	for df, want := range map[string]string{
		"FROM elixir AS build\nARG MIX_ENV=ce\nENV MIX_ENV=$MIX_ENV\nRUN mix release\nFROM alpine\nARG MIX_ENV=ce\nCOPY --from=build /app/_build/${MIX_ENV}/rel/shop /app\n": "ce",
		"FROM elixir AS base\nENV MIX_ENV=staging\nFROM base AS build\nRUN mix deps.get && mix release\n" + final:                                                            "staging",
		"FROM elixir AS build\nENV MIX_ENV=prod\nRUN MIX_ENV=demo mix release shop\n" + final:                                                                                "demo",
		"FROM elixir AS build\nRUN export MIX_ENV=edge && mix do compile, release\n" + final:                                                                                 "edge",
		"FROM elixir AS build\nENV MIX_ENV=prod\nARG MIX_ENV=dev\nRUN mix release\n" + final:                                                                                 "prod",
		"FROM elixir AS build\nENV MIX_ENV=prod\nRUN MIX_ENV=test mix test && mix release\n" + final:                                                                         "prod",
		"FROM elixir AS build\nRUN LANG=C.UTF-8 MIX_ENV=staging ERL_FLAGS=+JPperf mix release\n" + final:                                                                     "staging",
		"FROM elixir\nENV MIX_ENV=prod\nRUN mix release\nCMD [\"/app/_build/prod/rel/shop/bin/shop\", \"start\"]\n":                                                          "prod",
		// two release stages: the one copied is the image's
		"FROM elixir AS src\nCOPY . .\nFROM src AS release-prod\nENV MIX_ENV=prod\nRUN mix release\nFROM src AS release-staging\nENV MIX_ENV=staging\nRUN mix release\nFROM debian\nCOPY --from=release-prod /app/_build/prod/rel/shop /app\n": "prod",
		"FROM elixir AS build\nENV MIX_ENV=prod\nRUN mix release\nFROM build AS test\nENV MIX_ENV=test\nRUN mix test && mix release\n" + final:                                                                                                 "prod",
		"FROM elixir AS build\nRUN mix release\n" + final:                                    "",
		"FROM elixir AS build\nARG MIX_ENV\nENV MIX_ENV=$MIX_ENV\nRUN mix release\n" + final: "",
		"FROM elixir AS build\nENV MIX_ENV=\"$(cat env)\"\nRUN mix release\n" + final:        "",
		"FROM elixir AS build\nENV MIX_ENV=ce\nRUN mix compile\n" + final:                    "",
	} {
		img, err := parseImage([]byte(df), "shop")
		if err != nil {
			t.Fatal(err)
		}
		if img.MixEnv != want {
			t.Errorf("%s: MIX_ENV %q, want %q", df, img.MixEnv, want)
		}
		if wantBuild := cmp.Or(want, "prod"); img.BuildEnv() != wantBuild {
			t.Errorf("%s: BuildEnv %q, want %q", df, img.BuildEnv(), wantBuild)
		}
	}
}

// TestKeptImageVolumes reads the final stage's VOLUMEs (both forms, variables expanded); a
// build stage's, a relative one and one phxdeploy cannot expand are not the image's.
func TestKeptImageVolumes(t *testing.T) {
	img, err := parseImage([]byte("FROM elixir AS build\nVOLUME /build/cache\nRUN mix release\nFROM debian\nENV DATA=/var/lib/shop\nVOLUME $DATA /srv/a\nVOLUME [\"/srv/b\", \"rel\"]\nVOLUME /srv/a/ ${UNSET}x\n"), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/var/lib/shop", "/srv/a", "/srv/b"}; !slices.Equal(img.Volumes, want) {
		t.Errorf("volumes %q, want %q", img.Volumes, want)
	}
}
