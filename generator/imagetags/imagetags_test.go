package imagetags

import (
	"regexp"
	"slices"
	"testing"
)

// TestKnownTable checks the embedded table: every line a slim Debian tag, no tag twice, in the
// order `make tags` writes (so that a refresh shows only real changes in the diff).
func TestKnownTable(t *testing.T) {
	tags, err := ParseTable(table)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) < 20 {
		t.Fatalf("%d tags; the table lost its content", len(tags))
	}
	seen := map[Tag]bool{}
	for _, tag := range tags {
		if seen[tag] {
			t.Errorf("%s is listed twice", tag)
		}
		seen[tag] = true
		if !slices.Contains(releases, tag.Release) {
			t.Errorf("%s: unknown Debian release %q", tag, tag.Release)
		}
	}
	sorted := slices.Clone(tags)
	Sort(sorted)
	for i := range tags {
		if tags[i] != sorted[i] {
			t.Errorf("line %d is %s; in make tags' order it is %s", i+1, tags[i], sorted[i])
			break
		}
	}
	if len(Known()) != len(tags) {
		t.Errorf("Known() has %d tags, the table %d", len(Known()), len(tags))
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"1.18.4-erlang-27.3.4-debian-bookworm-20250520-slim", true},
		{"1.18.4-erlang-27.3.4.16-debian-bookworm-20260803-slim", true},
		{"1.18.4-erlang-27.3.4-debian-bookworm-20250520", false}, // not slim
		{"1.18.4-erlang-27.3.4-alpine-3.22.1", false},
		{"1.18-erlang-27.3.4-debian-bookworm-20250520-slim", false},
		{"latest", false},
	} {
		tag, ok := Parse(c.in)
		if ok != c.ok {
			t.Errorf("Parse(%q) ok = %v", c.in, ok)
		}
		if ok && tag.String() != c.in {
			t.Errorf("Parse(%q).String() = %q", c.in, tag)
		}
	}
	if _, err := ParseTable("# header\n\n1.18.4-erlang-27.3.4-debian-bookworm-20250520-slim\nhexpm/elixir:latest\n"); err == nil || err.Error()[:7] != "line 4:" {
		t.Errorf("a bad line: err = %v, want one naming line 4", err)
	}
}

// TestNewest prefers the newest Debian release, then the newest image, of the exact versions.
func TestNewest(t *testing.T) {
	tags, err := ParseTable(`
1.18.4-erlang-28.0.2-debian-bullseye-20260421-slim
1.18.4-erlang-28.0.2-debian-trixie-20260223-slim
1.18.4-erlang-28.0.2-debian-trixie-20250901-slim
1.18.4-erlang-28.0.2-debian-bookworm-20260316-slim
1.18.4-erlang-28.0.2.1-debian-trixie-20260610-slim
1.18.3-erlang-28.0.2-debian-trixie-20260610-slim
`)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := Newest(tags, "1.18.4", "28.0.2")
	if !ok || got.String() != "1.18.4-erlang-28.0.2-debian-trixie-20260223-slim" {
		t.Errorf("Newest = %s, %v", got, ok)
	}
	if got.Debian() != "trixie-20260223-slim" {
		t.Errorf("Debian() = %q", got.Debian())
	}
	if got, ok := Newest(tags, "1.18.4", "28.0"); ok {
		t.Errorf("Newest for OTP 28.0 = %s; only an exact version matches", got)
	}
}

func TestCompatible(t *testing.T) {
	tags := Known()
	for _, c := range []struct {
		elixir, otp       string
		compatible, known bool
	}{
		{"1.19.5", "25.0", false, true}, {"1.19.5", "28.3.1", true, true}, {"1.15.8", "25.0.4", true, true},
		{"1.14.4", "26.1", false, true}, {"1.14.5", "26.1", true, true}, // OTP 26 from 1.14.5
		{"1.18.4", "28.0.1", true, true}, // a 1.18.4 build on OTP 28 in the table: hexpm builds it
		{"1.18.0", "28.0", false, true}, {"1.30.0", "35.0", true, false}, {"1.15.7", "27", false, true},
	} {
		ok, known := Compatible(tags, c.elixir, c.otp)
		if ok != c.compatible || known != c.known {
			t.Errorf("Compatible(%s, %s) = %v, %v; want %v, %v", c.elixir, c.otp, ok, known, c.compatible, c.known)
		}
	}
}

func TestNewestRelease(t *testing.T) {
	tags, err := ParseTable("1.16.3-erlang-26.2.5-debian-bookworm-20240612-slim\n1.15.8-erlang-26.2.5-debian-bookworm-20240612-slim\n1.15.7-erlang-25.3.2-debian-bullseye-20231009-slim\n1.15.7-erlang-26.1.2-debian-bullseye-20231009-slim\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		elixir              bool
		prefix, other, want string
	}{
		{true, "1.15", "25.3.2", "1.15.7"}, // a tag for that OTP before a newer patch without one
		{true, "1.15", "25.0", "1.15.8"},   // none: the newest patch that runs on OTP 25
		{true, "1.15", "", "1.15.8"},
		{true, "1.16", "25.0", "1.16.3"}, // 1.16 runs on OTP 24 to 26
		{true, "1.14", "25.0", ""},
		{true, "", "25.3.2", "1.15.7"},
		{false, "26", "1.15.7", "26.1.2"}, // the newest with a tag for the Elixir
		{false, "26", "1.16.0", "26.2.5"},
		{false, "", "1.15.7", "26.1.2"},
		{false, "27", "1.15.7", ""},
	} {
		var got string
		if c.elixir {
			got, _ = NewestElixir(tags, c.prefix, c.other, nil)
		} else {
			got, _ = NewestOTP(tags, c.prefix, c.other)
		}
		if got != c.want {
			t.Errorf("newest (elixir %v) in %q with %q = %q, want %q", c.elixir, c.prefix, c.other, got, c.want)
		}
	}
}

// tagPattern is what Parse reads by hand.
var tagPattern = regexp.MustCompile(`^(\d+\.\d+\.\d+)-erlang-(\d+(?:\.\d+)*)-debian-([a-z]+)-(\d{8})-slim$`)

func FuzzParseIsThePattern(f *testing.F) {
	for _, s := range []string{"1.18.4-erlang-28.0.2-debian-bookworm-20250630-slim", "1.18.4-erlang-28-debian-trixie-20260223-slim",
		"1.18-erlang-28.0.2-debian-bookworm-20250630-slim", "1.18.4-erlang-28.0.2-debian-bookworm-2025063-slim", "1.18.4-erlang-28..2-debian-b-20250630-slim",
		"1.18.4-erlang-28.0.2-debian-book-worm-20250630-slim", "1.18.4-erlang--debian-b-20250630-slim", "x-erlang-1-debian-a-12345678-slim-slim"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag, ok := Parse(s)
		m := tagPattern.FindStringSubmatch(s)
		if ok != (m != nil) || ok && (tag != Tag{Elixir: m[1], OTP: m[2], Release: m[3], Date: m[4]}) {
			t.Fatalf("Parse(%q) = %+v, %v; the pattern says %q", s, tag, ok, m)
		}
	})
}
