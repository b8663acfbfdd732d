package validate

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of a Compose file the checks read.
type composeFile struct {
	Services map[string]struct {
		Image       string `yaml:"image"`
		Healthcheck *struct {
			Test any `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
}

// Compose decodes a Compose file strictly (no duplicate or malformed keys) and checks that each
// database's healthcheck asks the server over TCP. The postgres and mysql images first run
// their init scripts on a temporary server that listens on the Unix socket only
// (an empty listen_addresses, --skip-networking): a check over the socket passes then, and the
// services that wait for a healthy database (the migrations) start before the real server
// accepts connections over the network, and fail.
func Compose(name string, content []byte) []string {
	var doc map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(content))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	var cf composeFile
	if err := yaml.Unmarshal(content, &cf); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	var problems []string
	for _, svc := range sortedKeys(cf.Services) {
		s := cf.Services[svc]
		if s.Healthcheck == nil {
			continue
		}
		words := healthcheckWords(s.Healthcheck.Test)
		for i, w := range words {
			switch w {
			case "pg_isready":
				if host, ok := flagValue(words[i+1:], "-h", "--host"); !ok || host == "" || strings.HasPrefix(host, "/") {
					problems = append(problems, fmt.Sprintf("%s: service %s: pg_isready checks the Unix socket (give -h 127.0.0.1): the image's init server listens on the socket only, so the check passes before the server takes TCP connections", name, svc))
				}
			case "mysqladmin", "mariadb-admin":
				host, ok := flagValue(words[i+1:], "-h", "--host")
				proto, _ := flagValue(words[i+1:], "--protocol")
				if !strings.EqualFold(proto, "tcp") && (!ok || host == "" || host == "localhost") {
					problems = append(problems, fmt.Sprintf("%s: service %s: %s without -h 127.0.0.1 (or with -h localhost) pings the Unix socket: the image's init server runs with --skip-networking, so the check passes before the server takes TCP connections", name, svc, w))
				}
			}
		}
	}
	return problems
}

// healthcheckWords splits a healthcheck's test into words: ["CMD", ...] as given, and the
// shell forms (["CMD-SHELL", "..."] or a string) at white space.
func healthcheckWords(test any) []string {
	switch t := test.(type) {
	case string:
		return strings.Fields(t)
	case []any:
		var out []string
		for i, w := range t {
			s := fmt.Sprint(w)
			if i == 0 && (s == "CMD" || s == "CMD-SHELL" || s == "NONE") {
				continue
			}
			if len(t) > 0 && fmt.Sprint(t[0]) == "CMD-SHELL" {
				out = append(out, strings.Fields(s)...)
			} else {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// flagValue finds a flag's value in words: "-h X", "-hX", "--host X" or "--host=X".
func flagValue(words []string, names ...string) (string, bool) {
	for i, w := range words {
		for _, n := range names {
			switch {
			case w == n && i+1 < len(words):
				return words[i+1], true
			case strings.HasPrefix(n, "--") && strings.HasPrefix(w, n+"="):
				return strings.TrimPrefix(w, n+"="), true
			case !strings.HasPrefix(n, "--") && strings.HasPrefix(w, n) && len(w) > len(n):
				return strings.TrimPrefix(w, n), true
			}
		}
	}
	return "", false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
