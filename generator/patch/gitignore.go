package patch

import (
	"path"
	"strings"
)

// Ignore appends entry to a .gitignore that does not already ignore it (an entry covering it
// with a wildcard, such as .env*, counts).
func Ignore(src, entry, why string) (string, error) {
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "!") {
			continue
		}
		if ok, _ := path.Match(strings.TrimPrefix(line, "/"), entry); ok {
			return src, nil
		}
	}
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
	}
	out := src
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += eol
	}
	return out + "# " + why + eol + "/" + entry + eol, nil
}
