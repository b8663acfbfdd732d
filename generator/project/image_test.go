package project

import "testing"

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
