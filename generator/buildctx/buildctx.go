// Package buildctx checks a Dockerfile against the .dockerignore beside it: every file the build
// copies from the context (COPY and ADD without --from) must be in the context, and a path the
// ignore file excludes is not. The build would stop at that COPY ("not found"), or, for a
// directory an exception (!pattern) partly re-includes, copy only part of it.
//
// Both files are read the way BuildKit reads them: the Dockerfile with package dockerfile (checked
// against BuildKit's parser in its tests), the ignore file with moby's patternmatcher (the
// matcher BuildKit applies to the context).
package buildctx

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/phxdeploy/phxdeploy/generator/dockerfile"
)

// Excluded is one COPY (or ADD) source that the ignore file leaves out of the build context.
type Excluded struct {
	Line    int    // the instruction's line in the Dockerfile
	Source  string // as the Dockerfile writes it
	Path    string // the path in the context that is excluded (a glob's match, or Source cleaned)
	Pattern string // the ignore file's line that excludes it
	// Partly: the path is excluded but an exception (a !pattern) re-includes part of it.
	Partly bool
}

func (e Excluded) String() string {
	what := "excludes it"
	if e.Partly {
		what = "excludes it, except what a ! line re-includes"
	}
	src := e.Source
	if e.Path != strings.TrimSuffix(strings.TrimPrefix(src, "./"), "/") {
		src += " (" + e.Path + ")"
	}
	return fmt.Sprintf("Dockerfile:%d: COPY %s: .dockerignore %s (%s)", e.Line, src, what, e.Pattern)
}

// Check reports every source of a COPY or ADD from the build context (no --from) that the
// ignore file excludes. project, when not nil, is the build context: a source with a wildcard
// is expanded in it and each match checked (without it, wildcard sources are skipped).
// Sources that name a variable ($VAR) are skipped: their value is known only at build time.
func Check(dockerfileText, dockerignore []byte, project fs.FS) ([]Excluded, error) {
	patterns, err := ignorefile.ReadAll(bytes.NewReader(dockerignore))
	if err != nil {
		return nil, fmt.Errorf(".dockerignore: %w", err)
	}
	if len(patterns) == 0 {
		return nil, nil
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, fmt.Errorf(".dockerignore: %w", err)
	}
	df, err := dockerfile.Parse(dockerfileText)
	if err != nil {
		return nil, fmt.Errorf("Dockerfile: %w", err)
	}
	var out []Excluded
	for _, st := range df.Stages {
		for _, c := range st.Commands {
			if c.Name != "copy" && c.Name != "add" || c.From != "" {
				continue
			}
			sources, line := c.Args, c.Line
			for _, src := range sources {
				for _, p := range contextPaths(src, project) {
					excluded, err := pm.MatchesOrParentMatches(p)
					if err != nil {
						return nil, fmt.Errorf(".dockerignore: %w", err)
					}
					if !excluded {
						continue
					}
					out = append(out, Excluded{Line: line, Source: src, Path: p,
						Pattern: excludingPattern(p, patterns), Partly: reincluded(p, patterns)})
				}
			}
		}
	}
	return out, nil
}

// contextPaths turns a COPY source into the paths of the context it names: none for a URL, a
// git source, a variable or the whole context; a wildcard's matches in project (none without
// it); otherwise the path itself.
func contextPaths(src string, project fs.FS) []string {
	if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") || strings.Contains(src, "$") {
		return nil
	}
	p := strings.TrimPrefix(path.Clean("/"+src), "/")
	if p == "" {
		return nil // "." or "/": the whole context
	}
	if !strings.ContainsAny(p, "*?[") {
		return []string{p}
	}
	if project == nil {
		return nil
	}
	matches, err := fs.Glob(project, p)
	if err != nil {
		return nil
	}
	return matches
}

// excludingPattern names the last exclusion line that matches p or one of its parents (the one
// that decides, since later lines win).
func excludingPattern(p string, patterns []string) string {
	last := ""
	for _, pat := range patterns {
		if strings.HasPrefix(pat, "!") {
			continue
		}
		if ok, _ := patternmatcher.MatchesOrParentMatches(p, []string{pat}); ok {
			last = pat
		}
	}
	return last
}

// reincluded reports whether an exception re-includes something under the directory p.
func reincluded(p string, patterns []string) bool {
	for _, pat := range patterns {
		if rest, ok := strings.CutPrefix(pat, "!"); ok && strings.HasPrefix(rest, p+"/") {
			return true
		}
	}
	return false
}
