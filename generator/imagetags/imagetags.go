// Package imagetags knows which hexpm/elixir builder images exist, offline: a table of tags kept
// in the repository (hexpm-elixir.txt, refreshed from Docker Hub by `make tags`). A Dockerfile
// whose builder tag does not exist fails on its first line, so phxdeploy picks a tag it knows and
// says so when it cannot.
package imagetags

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed hexpm-elixir.txt
var table string

// Repository is the builder images' repository on Docker Hub, and TagsPage the page that lists
// its tags, for people to check a tag phxdeploy does not know.
const (
	Repository = "hexpm/elixir"
	TagsPage   = "https://hub.docker.com/r/hexpm/elixir/tags"
)

// Tag is a hexpm/elixir tag on a slim Debian image:
// <Elixir>-erlang-<OTP>-debian-<Release>-<Date>-slim.
type Tag struct {
	Elixir  string // 1.18.4
	OTP     string // 27.3.4
	Release string // Debian codename: bookworm
	Date    string // the Debian image's date: 20250520
}

// Parse reads a tag; ok is false for anything but a slim Debian tag:
// <elixir x.y.z>-erlang-<otp n(.n)*>-debian-<release a-z>-<date 8 digits>-slim. It is read by
// hand (every run reads the whole table); the tests check it against that pattern as a regexp.
func Parse(s string) (t Tag, ok bool) {
	elixir, rest, ok1 := strings.Cut(s, "-erlang-")
	otp, rest, ok2 := strings.Cut(rest, "-debian-")
	rest, ok3 := strings.CutSuffix(rest, "-slim")
	release, date, ok4 := strings.Cut(rest, "-")
	if !ok1 || !ok2 || !ok3 || !ok4 || !dotted(elixir, 3) || !dotted(otp, 0) || !letters(release) || len(date) != 8 || !digits(date) {
		return Tag{}, false
	}
	return Tag{Elixir: elixir, OTP: otp, Release: release, Date: date}, true
}

// dotted: numbers separated by dots, exactly n of them (any number, at least one, with n 0).
func dotted(s string, n int) bool {
	parts := strings.Split(s, ".")
	if n > 0 && len(parts) != n {
		return false
	}
	for _, p := range parts {
		if p == "" || !digits(p) {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// String is the tag as Docker Hub names it.
func (t Tag) String() string {
	return t.Elixir + "-erlang-" + t.OTP + "-debian-" + t.Debian()
}

// Debian is the Debian part of the tag, which is also the runner's debian image tag: both come
// from the same Debian image, so the release finds the libraries it was built against.
func (t Tag) Debian() string { return t.Release + "-" + t.Date + "-slim" }

// Pair is the Elixir and Erlang/OTP versions of the tag, as its tags are looked up.
func (t Tag) Pair() string { return t.Elixir + "-erlang-" + t.OTP }

// releases ranks Debian releases, newest last; an unknown codename ranks below them all.
var releases = []string{"buster", "bullseye", "bookworm", "trixie", "forky"}

// Newer reports whether t is preferred to u: a newer Debian release, then a newer image date.
func (t Tag) Newer(u Tag) bool {
	if rt, ru := slices.Index(releases, t.Release), slices.Index(releases, u.Release); rt != ru {
		return rt > ru
	}
	return t.Date > u.Date
}

// ParseTable reads a table: one tag a line, '#' comments and blank lines ignored.
func ParseTable(text string) ([]Tag, error) {
	var tags []Tag
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t, ok := Parse(line)
		if !ok {
			return nil, fmt.Errorf("line %d: %q is not a hexpm/elixir slim Debian tag (<elixir>-erlang-<otp>-debian-<release>-<date>-slim)", i+1, line)
		}
		tags = append(tags, t)
	}
	return tags, nil
}

// Known returns the tags of the embedded table.
var Known = sync.OnceValue(func() []Tag {
	tags, err := ParseTable(table)
	if err != nil {
		panic("imagetags: hexpm-elixir.txt: " + err.Error()) // a test keeps this from shipping
	}
	return tags
})

// Newest returns the preferred tag among tags for Elixir elixir with Erlang/OTP otp.
func Newest(tags []Tag, elixir, otp string) (Tag, bool) {
	var best Tag
	found := false
	for _, t := range tags {
		if t.Elixir == elixir && t.OTP == otp && (!found || t.Newer(best)) {
			best, found = t, true
		}
	}
	return best, found
}

// Sort orders tags for the table: Elixir, then Erlang/OTP, newest first, then the preferred
// Debian image first.
func Sort(tags []Tag) {
	slices.SortStableFunc(tags, func(a, b Tag) int {
		if c := compareVersions(b.Elixir, a.Elixir); c != 0 {
			return c
		}
		if c := compareVersions(b.OTP, a.OTP); c != 0 {
			return c
		}
		switch {
		case a.Newer(b):
			return -1
		case b.Newer(a):
			return 1
		}
		return 0
	})
}

// compareVersions compares dotted versions numerically (28.0.10 after 28.0.9; 27.3.4 before
// 27.3.4.1).
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		if i >= len(pa) {
			return -1
		}
		if i >= len(pb) {
			return 1
		}
		na, _ := strconv.Atoi(pa[i])
		nb, _ := strconv.Atoi(pb[i])
		if na != nb {
			return na - nb
		}
	}
	return 0
}

// otpRange is the Erlang/OTP majors an Elixir minor release supports: lo to hi, and one more
// (extra) from a patch release on (since).
type otpRange struct {
	lo, hi, extra int
	since         string
}

// supported is Elixir's compatibility table ("Compatibility between Elixir and Erlang/OTP" in
// Elixir's docs, lib/elixir/pages/references/compatibility-and-deprecations.md, as of 1.21).
var supported = map[string]otpRange{
	"1.21": {27, 29, 0, ""}, "1.20": {27, 29, 0, ""}, "1.19": {26, 28, 0, ""}, "1.18": {25, 27, 0, ""},
	"1.17": {25, 27, 0, ""}, "1.16": {24, 26, 0, ""}, "1.15": {24, 26, 0, ""}, "1.14": {23, 25, 26, "1.14.5"},
	"1.13": {22, 24, 25, "1.13.4"}, "1.12": {22, 24, 0, ""}, "1.11": {21, 23, 24, "1.11.4"}, "1.10": {21, 22, 23, "1.10.3"},
	"1.9": {20, 22, 0, ""}, "1.8": {20, 22, 0, ""}, "1.7": {19, 22, 0, ""}, "1.6": {19, 20, 21, "1.6.6"},
}

// minor is a version's major.minor (1.15.8 -> 1.15), major its first part (27.3 -> 27).
func minor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

func major(v string) int {
	n, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	return n
}

// Supported says which Erlang/OTP majors Elixir elixir runs on ("26 to 28"), "" when
// Elixir's table does not list it.
func Supported(elixir string) string {
	r, ok := supported[minor(elixir)]
	if !ok {
		return ""
	}
	s := fmt.Sprintf("%d to %d", r.lo, r.hi)
	if r.extra > 0 {
		s += fmt.Sprintf(" (and %d from %s)", r.extra, r.since)
	}
	return s
}

// Compatible reports whether Elixir elixir runs on Erlang/OTP otp (a whole version or a major):
// Elixir's compatibility table says so, or tags has a build of that Elixir on that OTP major
// (hexpm builds what runs: 1.18.4 on OTP 28). known is false when neither can tell (an Elixir
// newer than the table): then it is not refused.
func Compatible(tags []Tag, elixir, otp string) (compatible, known bool) {
	m := major(otp)
	for _, t := range tags {
		if t.Elixir == elixir && major(t.OTP) == m {
			return true, true
		}
	}
	r, ok := supported[minor(elixir)]
	if !ok || m == 0 {
		return true, false
	}
	if m >= r.lo && m <= r.hi || m == r.extra && compareVersions(elixir, r.since) >= 0 {
		return true, true
	}
	return false, true
}

// within reports whether version v is prefix or one of its patches (1.15.8 within 1.15).
func within(v, prefix string) bool {
	return prefix == "" || v == prefix || strings.HasPrefix(v, prefix+".")
}

// NewestElixir returns the newest Elixir among tags within prefix (1.15: its patches; "" any)
// that runs on Erlang/OTP otp ("" when not known, a major, or a whole version) and that accept
// takes (nil: any; mix.exs's requirement): one with a tag for otp first (for its major when otp
// is a major), else the newest Elixir's compatibility table admits with it.
func NewestElixir(tags []Tag, prefix, otp string, accept func(string) bool) (string, bool) {
	return newest(tags, func(t Tag) (string, bool, bool) {
		if !within(t.Elixir, prefix) || accept != nil && !accept(t.Elixir) {
			return "", false, false
		}
		if ok, _ := Compatible(tags, t.Elixir, otp); otp != "" && !ok {
			return "", false, false
		}
		return t.Elixir, true, otp == "" || t.OTP == otp || !strings.Contains(otp, ".") && major(t.OTP) == major(otp)
	})
}

// NewestOTP returns the newest Erlang/OTP among tags within prefix (27: its releases; "" any)
// that Elixir elixir runs on: one with a tag for elixir first, else the newest compatible.
func NewestOTP(tags []Tag, prefix, elixir string) (string, bool) {
	return newest(tags, func(t Tag) (string, bool, bool) {
		if !within(t.OTP, prefix) {
			return "", false, false
		}
		if ok, _ := Compatible(tags, elixir, t.OTP); elixir != "" && !ok {
			return "", false, false
		}
		return t.OTP, true, t.Elixir == elixir
	})
}

// newest returns the newest of the versions of picks among tags (ok), those of a tag that
// matches (tagged) first.
func newest(tags []Tag, of func(Tag) (version string, ok, tagged bool)) (string, bool) {
	best, bestTagged := "", ""
	for _, t := range tags {
		v, ok, tagged := of(t)
		if !ok {
			continue
		}
		if tagged && (bestTagged == "" || compareVersions(v, bestTagged) > 0) {
			bestTagged = v
		}
		if best == "" || compareVersions(v, best) > 0 {
			best = v
		}
	}
	if bestTagged != "" {
		return bestTagged, true
	}
	return best, best != ""
}
