package project

import (
	"regexp"
	"strconv"
	"strings"
)

var minorRe = regexp.MustCompile(`(\d+)\.(\d+)`)

// phoenixMinor prefers the locked version and falls back to the requirement's lowest bound.
func phoenixMinor(req, locked string) string {
	for _, s := range []string{locked, req} {
		if m := minorRe.FindStringSubmatch(s); m != nil {
			return m[1] + "." + m[2]
		}
	}
	return ""
}

var (
	toolVersionsRe = regexp.MustCompile(`(?m)^\s*(elixir|erlang)\s+([^\s#]+)`)
	miseRe         = regexp.MustCompile(`(?m)^\s*(elixir|erlang)\s*=\s*["']?([^"'\s#]+)`)
	buildpackRe    = regexp.MustCompile(`(?m)^\s*(elixir|erlang)_version\s*=\s*["']?([^"'\s#]+)`)
	dockerArgRe    = regexp.MustCompile(`(?m)^\s*ARG\s+(ELIXIR|OTP|ERLANG)_VERSION\s*=\s*["']?([0-9][^"'\s]*)`)
	dockerFromRe   = regexp.MustCompile(`(?m)^\s*FROM\s+(?:docker\.io/)?hexpm/elixir:([0-9][0-9.]*)-erlang-([0-9][0-9.]*)`)
	otpSuffixRe    = regexp.MustCompile(`^(.*)-otp-(\d+)$`)
)

// versionFile is a file that may pin Elixir and Erlang/OTP, and how to read it.
type versionFile struct {
	file string
	find func(b []byte) (elixirV, otpV string)
}

func pairs(re *regexp.Regexp, names map[string]string) func([]byte) (string, string) {
	return func(b []byte) (elixirV, otpV string) {
		for _, m := range re.FindAllSubmatch(b, -1) {
			switch names[strings.ToLower(string(m[1]))] {
			case "elixir":
				if elixirV == "" {
					elixirV = string(m[2])
				}
			case "otp":
				if otpV == "" {
					otpV = string(m[2])
				}
			}
		}
		return elixirV, otpV
	}
}

var plainNames = map[string]string{"elixir": "elixir", "erlang": "otp", "otp": "otp"}

// versionFiles are read in order; the first that pins a version wins for that version.
var versionFiles = []versionFile{
	{".tool-versions", pairs(toolVersionsRe, plainNames)},
	{"mise.toml", pairs(miseRe, plainNames)},
	{".mise.toml", pairs(miseRe, plainNames)},
	{".elixir-version", func(b []byte) (string, string) { return strings.TrimSpace(string(b)), "" }},
	{"elixir_buildpack.config", pairs(buildpackRe, plainNames)},
	{"Dockerfile", dockerVersions},
}

// dockerVersions reads a Dockerfile's builder versions (ARGs or a hexpm/elixir FROM).
func dockerVersions(b []byte) (string, string) {
	if strings.Contains(string(b), "Written by phxdeploy") {
		return "", "" // phxdeploy's own: its versions are answers, not pins
	}
	if m := dockerFromRe.FindSubmatch(b); m != nil {
		return string(m[1]), string(m[2])
	}
	return pairs(dockerArgRe, plainNames)(b)
}

// otherDockerfiles are the Dockerfiles a project keeps below its root (docker/selfhosted.Dockerfile,
// ops/Dockerfile), read after the root's.
func otherDockerfiles(f *files) []versionFile {
	var out []versionFile
	for _, dir := range []string{"docker", ".docker", "ops", "deploy", "build"} {
		if !f.isDir(dir) {
			continue
		}
		entries, _ := f.d.ReadDir(dir)
		for _, e := range entries {
			if n := e.Name(); !e.IsDir() && strings.Contains(strings.ToLower(n), "dockerfile") {
				out = append(out, versionFile{join(dir, n), dockerVersions})
			}
		}
	}
	return out
}

// readVersions reads the Elixir and Erlang/OTP versions the project pins, from the first file of
// versionFiles that names each (an asdf suffix such as 1.17.3-otp-27 is dropped); a version not
// pinned anywhere falls back to the built-in default.
func readVersions(f *files) (elixirV, otpV, source string, err error) {
	var sources []string
	for _, vf := range append(append([]versionFile{}, versionFiles...), otherDockerfiles(f)...) {
		b, ok, err := f.read(vf.file)
		if err != nil {
			return "", "", "", err
		}
		if !ok {
			continue
		}
		e, o := vf.find(b)
		if elixirV == "" && e != "" {
			elixirV = e
			sources = append(sources, vf.file)
		}
		if otpV == "" && o != "" {
			otpV = o
			if len(sources) == 0 || sources[len(sources)-1] != vf.file {
				sources = append(sources, vf.file)
			}
		}
		if elixirV != "" && otpV != "" {
			break
		}
	}
	if m := otpSuffixRe.FindStringSubmatch(elixirV); m != nil {
		elixirV = m[1]
	}
	elixirV = strings.TrimPrefix(elixirV, "v")
	otpV = strings.TrimPrefix(strings.TrimPrefix(otpV, "OTP-"), "v")
	source = strings.Join(sources, ", ")
	if source == "" {
		source = "built-in default"
	}
	return elixirV, otpV, source, nil
}

// Minor returns the major and minor numbers of a version ("1.17.3" -> 1, 17), ok=false when
// there are none.
func Minor(version string) (major, minor int, ok bool) {
	m := minorRe.FindStringSubmatch(version)
	if m == nil {
		return 0, 0, false
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor, true
}

// AtLeast reports whether version is at least major.minor (an unknown version is taken as new).
func AtLeast(version string, major, minor int) bool {
	ma, mi, ok := Minor(version)
	return !ok || ma > major || ma == major && mi >= minor
}

// Satisfies reports whether version meets an Elixir requirement such as "~> 1.14", "~> 1.14.2"
// or ">= 1.11.0" (each part of an "and"/"or" requirement is checked; an unknown form is taken as
// met).
func Satisfies(version, requirement string) bool {
	if requirement == "" {
		return true
	}
	for _, alt := range strings.Split(requirement, " or ") {
		ok := true
		for _, part := range strings.Split(alt, " and ") {
			ok = ok && satisfiesOne(version, strings.TrimSpace(part))
		}
		if ok {
			return true
		}
	}
	return false
}

func satisfiesOne(version, req string) bool {
	op, want, found := strings.Cut(req, " ")
	if !found {
		return true
	}
	v, w := parts(version), parts(strings.TrimSpace(want))
	if v == nil || w == nil {
		return true
	}
	cmp := compareParts(v, w)
	switch op {
	case "~>":
		if cmp < 0 {
			return false
		}
		// ~> 1.14 allows < 2.0; ~> 1.14.2 allows < 1.15
		upper := append([]int{}, w[:len(w)-1]...)
		if len(upper) == 1 {
			upper[0]++
		} else {
			upper[len(upper)-1]++
		}
		return compareParts(v, upper) < 0
	case ">=":
		return cmp >= 0
	case ">":
		return cmp > 0
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case "==":
		return cmp == 0
	}
	return true
}

func parts(s string) []int {
	var out []int
	for _, p := range strings.Split(strings.SplitN(s, "-", 2)[0], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

func compareParts(a, b []int) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		x, y := 0, 0
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
