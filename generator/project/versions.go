package project

import (
	"regexp"
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
	otpSuffixRe    = regexp.MustCompile(`^(.*)-otp-(\d+)$`)
)

// readVersions reads .tool-versions, mise.toml or .elixir-version; anything not pinned falls
// back to the built-in default.
func readVersions(f *files) (elixirV, otpV, source string, err error) {
	try := []struct {
		file string
		re   *regexp.Regexp
	}{{".tool-versions", toolVersionsRe}, {"mise.toml", miseRe}, {".mise.toml", miseRe}}
	for _, t := range try {
		b, ok, err := f.read(t.file)
		if err != nil {
			return "", "", "", err
		}
		if !ok {
			continue
		}
		for _, m := range t.re.FindAllStringSubmatch(string(b), -1) {
			switch m[1] {
			case "elixir":
				if elixirV == "" {
					elixirV = m[2]
				}
			case "erlang":
				if otpV == "" {
					otpV = m[2]
				}
			}
		}
		if elixirV != "" || otpV != "" {
			source = t.file
			break
		}
	}
	if elixirV == "" {
		b, ok, err := f.read(".elixir-version")
		if err != nil {
			return "", "", "", err
		}
		if ok {
			elixirV = strings.TrimSpace(string(b))
			source = ".elixir-version"
		}
	}
	// asdf writes elixir versions such as 1.17.3-otp-27: the suffix is the OTP major it was built for.
	if m := otpSuffixRe.FindStringSubmatch(elixirV); m != nil {
		elixirV = m[1]
	}
	elixirV = strings.TrimPrefix(elixirV, "v")
	otpV = strings.TrimPrefix(strings.TrimPrefix(otpV, "OTP-"), "v")
	if source == "" {
		source = "built-in default"
	}
	return elixirV, otpV, source, nil
}
