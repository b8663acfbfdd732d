package project

import (
	"os"
	"path/filepath"
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

// detectVersions reads .tool-versions, mise.toml or .elixir-version; anything not pinned falls
// back to the built-in default.
func detectVersions(dir string) (elixirV, otpV, source string) {
	try := []struct {
		file string
		re   *regexp.Regexp
	}{{".tool-versions", toolVersionsRe}, {"mise.toml", miseRe}, {".mise.toml", miseRe}}
	for _, f := range try {
		b, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			continue
		}
		for _, m := range f.re.FindAllStringSubmatch(string(b), -1) {
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
			source = f.file
			break
		}
	}
	if elixirV == "" {
		if b, err := os.ReadFile(filepath.Join(dir, ".elixir-version")); err == nil {
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
	return elixirV, otpV, source
}
