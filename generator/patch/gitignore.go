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

// Ignored returns the .gitignore pattern that ignores the file rel (slash-separated, relative to
// the .gitignore's directory), or "" when none does. Later patterns win; a `!pattern` un-ignores.
func Ignored(gitignore, rel string) string {
	hit := ""
	for _, line := range strings.Split(strings.ReplaceAll(gitignore, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		negate := strings.HasPrefix(line, "!")
		pattern := strings.TrimPrefix(line, "!")
		if matchesIgnore(pattern, rel) {
			if negate {
				hit = ""
			} else {
				hit = line
			}
		}
	}
	return hit
}

// matchesIgnore applies one gitignore pattern to a path and each of its parent directories.
func matchesIgnore(pattern, rel string) bool {
	dirOnly := strings.HasSuffix(pattern, "/")
	pattern = strings.TrimSuffix(pattern, "/")
	anchored := strings.Contains(pattern, "/")
	pattern = strings.TrimPrefix(pattern, "/")
	parts := strings.Split(rel, "/")
	for i := range parts {
		prefix := strings.Join(parts[:i+1], "/")
		isDir := i < len(parts)-1
		if dirOnly && !isDir {
			continue
		}
		if anchored {
			if ok, _ := path.Match(pattern, prefix); ok {
				return true
			}
			if strings.HasPrefix(pattern, "**/") {
				if ok, _ := path.Match(strings.TrimPrefix(pattern, "**/"), parts[i]); ok {
					return true
				}
			}
			continue
		}
		if ok, _ := path.Match(pattern, parts[i]); ok {
			return true
		}
	}
	return false
}
