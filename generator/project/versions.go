package project

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

var minorRe = lazyre.New(`(\d+)\.(\d+)`)

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
	toolVersionsRe = lazyre.New(`(?m)^\s*(elixir|erlang)\s+([^\s#]+)`)
	miseRe         = lazyre.New(`(?m)^\s*(elixir|erlang)\s*=\s*["']?([^"'\s#]+)`)
	buildpackRe    = lazyre.New(`(?m)^\s*(elixir|erlang)_version\s*=\s*["']?([^"'\s#]+)`)
	dockerArgRe    = lazyre.New(`(?m)^\s*ARG\s+(ELIXIR|OTP|ERLANG)_VERSION\s*=\s*["']?([0-9][^"'\s]*)`)
	debianArgRe    = lazyre.New(`(?m)^\s*ARG\s+(DEBIAN)_VERSION\s*=\s*["']?([a-z]+(?:-[0-9]{8})?(?:-slim)?)["']?\s*$`)
	// A hexpm/elixir tag a FROM builds on, or an ARG (BUILDER_IMAGE) names.
	dockerTagRe = lazyre.New(`(?m)^\s*(?:FROM|ARG\s+\w+\s*=)\s*["']?(?:docker\.io/)?hexpm/elixir:([0-9][0-9.]*)-erlang-([0-9][0-9.]*)(?:-debian-([a-z]+-[0-9]{8}-slim)\b)?`)
	otpSuffixRe = lazyre.New(`^(.*)-otp-(\d+)$`)
)

// pin is one version a file pins, and where.
type pin struct {
	kind  string // elixir, otp or debian
	value string
	at    int // byte offset in the file
}

// versionFile is a file that may pin Elixir, Erlang/OTP and the Debian image, and how to read it.
type versionFile struct {
	file string
	find func(b []byte) []pin
}

func pairs(re *lazyre.Regexp, names map[string]string) func([]byte) []pin {
	return func(b []byte) []pin {
		var out []pin
		for _, m := range re.Re().FindAllSubmatchIndex(b, -1) {
			if kind := names[strings.ToLower(string(b[m[2]:m[3]]))]; kind != "" {
				out = append(out, pin{kind, string(b[m[4]:m[5]]), m[4]})
			}
		}
		return out
	}
}

var plainNames = map[string]string{"elixir": "elixir", "erlang": "otp", "otp": "otp", "debian": "debian"}

// versionFiles are read in order; the first that pins a version wins for that version.
var versionFiles = []versionFile{
	{".tool-versions", pairs(toolVersionsRe, plainNames)},
	{"mise.toml", pairs(miseRe, plainNames)},
	{".mise.toml", pairs(miseRe, plainNames)},
	{".elixir-version", func(b []byte) []pin {
		v := strings.TrimSpace(string(b))
		return []pin{{"elixir", v, bytes.Index(b, []byte(v))}}
	}},
	{"elixir_buildpack.config", pairs(buildpackRe, plainNames)},
	{"Dockerfile", dockerVersions},
}

// dockerVersions reads a Dockerfile's builder versions and Debian image: a hexpm/elixir tag its
// FROM or an ARG names, else its ELIXIR_VERSION, OTP_VERSION and DEBIAN_VERSION ARGs.
func dockerVersions(b []byte) []pin {
	if strings.Contains(string(b), "Written by phxdeploy") {
		return nil // phxdeploy's own: its versions are answers, not pins
	}
	if m := dockerTagRe.Re().FindSubmatchIndex(b); m != nil {
		out := []pin{{"elixir", string(b[m[2]:m[3]]), m[2]}, {"otp", string(b[m[4]:m[5]]), m[4]}}
		if m[6] >= 0 {
			out = append(out, pin{"debian", string(b[m[6]:m[7]]), m[6]})
		}
		return out
	}
	return append(pairs(dockerArgRe, plainNames)(b), pairs(debianArgRe, plainNames)(b)...)
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

// wholeParts is how many parts a version an image tag names has at least: Elixir 1.17.3, OTP
// 27.3 (OTP releases have two), Debian's any.
var wholeParts = map[string]int{"elixir": 3, "otp": 2, "debian": 1}

// Whole reports whether an Elixir (kind "elixir") or Erlang/OTP ("otp") version names a release
// an image tag can name: 1.17.3, 27.3; not 1.17 or 27.
func Whole(kind, version string) bool {
	return version != "" && strings.Count(version, ".") >= wholeParts[kind]-1
}

// normalVersion drops what version files add around a version: an asdf suffix (1.17.3-otp-27),
// a v, OTP-.
func normalVersion(kind, v string) string {
	if m := otpSuffixRe.FindStringSubmatch(v); m != nil && kind == "elixir" {
		v = m[1]
	}
	return strings.TrimPrefix(strings.TrimPrefix(v, "OTP-"), "v")
}

// readVersions reads the Elixir and Erlang/OTP versions the project pins, and the Debian image
// of its Dockerfiles, with where each is pinned (p.Sources elixir_version, otp_version,
// debian_version): from the first file of versionFiles that names each. A later file's more
// precise version of the same line wins over it (.tool-versions' elixir 1.15 and erlang 25.0, a
// Dockerfile's ELIXIR_VERSION=1.15.8 and OTP_VERSION=25.0.4: the image builds those, within
// the lines the project pins). A project Dockerfile that names all three gives its builder tag
// (p.DockerTags): that tag exists, the project builds with it.
func (p *Project) readVersions(f *files) error {
	found := map[string]pin{}
	files := map[string]string{}
	var sources []string
	for _, vf := range append(append([]versionFile{}, versionFiles...), otherDockerfiles(f)...) {
		b, ok, err := f.read(vf.file)
		isDockerfile := strings.HasSuffix(strings.ToLower(vf.file), "dockerfile")
		switch {
		case err != nil && isDockerfile:
			// A Dockerfile phxdeploy may not read (a link out of the project) pins nothing; the
			// plan reports the root's when it reaches it, never reading it.
			continue
		case err != nil:
			return err
		case !ok:
			continue
		}
		inFile := map[string]string{}
		debianAt := ""
		for _, pn := range vf.find(b) {
			pn.value = normalVersion(pn.kind, pn.value)
			if _, seen := inFile[pn.kind]; seen || pn.value == "" {
				continue
			}
			inFile[pn.kind] = pn.value
			at := vf.file + ":" + itoa(1+bytes.Count(b[:pn.at], []byte("\n")))
			if pn.kind == "debian" {
				debianAt = at
			}
			prev, seen := found[pn.kind]
			switch {
			case !seen:
			case strings.HasPrefix(pn.value, prev.value+"."):
				// a later file makes the pin precise, on the same line: 1.15 -> 1.15.8, OTP
				// 25.0 -> 25.0.4 (a Dockerfile's ARGs beside .tool-versions)
			default:
				continue
			}
			found[pn.kind] = pin{pn.kind, pn.value, 0}
			files[pn.kind] = at
			if pn.kind != "debian" && !slices.Contains(sources, vf.file) {
				sources = append(sources, vf.file)
			}
		}
		if e, o, d := inFile["elixir"], inFile["otp"], inFile["debian"]; isDockerfile && Whole("elixir", e) && Whole("otp", o) && d != "" {
			if p.DockerTags == nil {
				p.DockerTags = map[string]string{}
			}
			if tag := e + "-erlang-" + o + "-debian-" + d; p.DockerTags[tag] == "" {
				p.DockerTags[tag] = debianAt
			}
		}
	}
	p.ElixirVersion, p.OTPVersion, p.DebianVersion = found["elixir"].value, found["otp"].value, found["debian"].value
	for kind, at := range files {
		p.Sources[kind+"_version"] = at
	}
	p.VersionSource = strings.Join(sources, ", ")
	if p.VersionSource == "" {
		p.VersionSource = "built-in default"
	}
	return nil
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
