// Package imagetags knows which hexpm/elixir builder images exist, offline: a table of tags kept
// in the repository (hexpm-elixir.txt, refreshed from Docker Hub by `make tags`). A Dockerfile
// whose builder tag does not exist fails on its first line, so phxdeploy picks a tag it knows and
// says so when it cannot.
package imagetags

import (
	_ "embed"
	"fmt"
	"regexp"
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

var tagRe = regexp.MustCompile(`^(\d+\.\d+\.\d+)-erlang-(\d+(?:\.\d+)*)-debian-([a-z]+)-(\d{8})-slim$`)

// Parse reads a tag; ok is false for anything but a slim Debian tag.
func Parse(s string) (t Tag, ok bool) {
	m := tagRe.FindStringSubmatch(s)
	if m == nil {
		return Tag{}, false
	}
	return Tag{Elixir: m[1], OTP: m[2], Release: m[3], Date: m[4]}, true
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
