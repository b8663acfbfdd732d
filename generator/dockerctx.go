package generator

import (
	"fmt"
	"io/fs"

	"github.com/phxdeploy/phxdeploy/generator/buildctx"
)

// FinalContent is what the file at rel holds once the plan is applied (nil when the plan has no
// such file or it cannot be read), and whether that is phxdeploy's rendering.
func FinalContent(changes []Change, rel string) (content []byte, ours bool) {
	for _, c := range changes {
		if c.Path != rel {
			continue
		}
		switch c.Action {
		case Create, Overwrite, Patch, Identical:
			return c.Content, true
		default: // conflict, kept, manual: the project's file stays
			return c.Old, false
		}
	}
	return nil, false
}

// ExcludedCopies checks the Dockerfile against the .dockerignore as the plan leaves them: every
// COPY source (without --from) that the ignore file leaves out of the build context. root is the
// project (wildcard sources are expanded in it).
func ExcludedCopies(changes []Change, root fs.FS) ([]buildctx.Excluded, error) {
	df, _ := FinalContent(changes, "Dockerfile")
	di, _ := FinalContent(changes, ".dockerignore")
	if df == nil || di == nil {
		return nil, nil
	}
	return buildctx.Check(df, di, root)
}

// excludedCopyWarnings warns when the build would not find what the Dockerfile copies because
// the .dockerignore leaves it out, and at least one of the two is phxdeploy's: the project kept
// its own .dockerignore (a conflict, or identical), the project's Dockerfile is kept beside
// phxdeploy's .dockerignore, or an organization's override copies a file the ignore file
// excludes.
func excludedCopyWarnings(root fs.FS, changes []Change) []string {
	_, dfOurs := FinalContent(changes, "Dockerfile")
	_, diOurs := FinalContent(changes, ".dockerignore")
	if !dfOurs && !diOurs {
		return nil // both are the project's: phxdeploy changes nothing in its build
	}
	found, err := ExcludedCopies(changes, root)
	if err != nil {
		return []string{fmt.Sprintf("cannot check the Dockerfile against .dockerignore: %v", err)}
	}
	whose := "the .dockerignore excludes what the Dockerfile copies (check the template overrides)"
	switch {
	case !diOurs:
		whose = "the project's .dockerignore, which phxdeploy leaves as it is, excludes what phxdeploy's Dockerfile copies"
	case !dfOurs:
		whose = "phxdeploy's .dockerignore excludes what the project's Dockerfile copies"
	}
	var out []string
	for _, e := range found {
		out = append(out, fmt.Sprintf("%s: %s; the build would not find it: remove that line from .dockerignore or add !%s after it", e, whose, e.Path))
	}
	return out
}
