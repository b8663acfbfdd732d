package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// exportBaseDir keeps, inside an organization directory, the embedded templates as they were
// when they were exported: `templates diff` compares them with today's.
const exportBaseDir = ".phxdeploy-base"

var exportMarkRe = regexp.MustCompile(`^\{\{/\* phxdeploy export of (\S+) sha256:([0-9a-f]{16}) \*/\}\}\n`)

func shortHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// Export copies embedded templates into dir as a starting point for overrides. Each copy starts
// with a comment recording which embedded version it came from, and that version is kept under
// .phxdeploy-base/ so that later changes upstream can be shown.
func Export(names []string, dir string) ([]string, error) {
	emb := Embedded()
	var changes []Change
	var written []string
	for _, name := range names {
		body, err := fs.ReadFile(emb.FS, name)
		if err != nil {
			return nil, fmt.Errorf("%s: no such embedded template (see `phxdeploy templates list`)", name)
		}
		dest := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Stat(dest); err == nil {
			return nil, fmt.Errorf("%s already exists; phxdeploy does not overwrite an override", dest)
		}
		mark := fmt.Sprintf("{{/* phxdeploy export of %s sha256:%s */}}\n", name, shortHash(body))
		changes = append(changes,
			Change{Path: name, Action: Create, Mode: 0o644, Content: append([]byte(mark), body...)},
			Change{Path: exportBaseDir + "/" + name, Action: Overwrite, Mode: 0o644, Content: body})
		written = append(written, dest)
	}
	// All or nothing, through the same safe writes as init.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := Apply(dir, changes); err != nil {
		return nil, err
	}
	return written, nil
}

// staleness explains when a file exported from an embedded template no longer matches it.
func (e *Engine) staleness(f layerFile) string {
	if f.layer.Dir == "" {
		return ""
	}
	m := exportMarkRe.FindStringSubmatch(f.body)
	if m == nil {
		return ""
	}
	current, err := fs.ReadFile(Embedded().FS, m[1])
	if err != nil {
		return fmt.Sprintf("exported from %s, which phxdeploy no longer has", m[1])
	}
	if shortHash(current) != m[2] {
		return fmt.Sprintf("exported from an older %s; `phxdeploy templates diff %s` shows what changed upstream", m[1], m[1])
	}
	return ""
}

// StaleOverrides lists the overrides in the layers that were exported from an embedded template
// that has changed since.
func (e *Engine) StaleOverrides() []string {
	names, err := e.TemplateNames()
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range names {
		for _, l := range e.layers {
			if l.Dir == "" {
				continue
			}
			b, err := fs.ReadFile(l.FS, n)
			if err != nil {
				continue
			}
			if s := e.staleness(layerFile{layer: l, name: n, body: string(b)}); s != "" {
				out = append(out, l.display(n)+": "+s)
			}
		}
	}
	return out
}

// UpstreamDiff shows how the embedded template name changed since an override was exported from
// it: the version kept under .phxdeploy-base/ against today's.
func (e *Engine) UpstreamDiff(name string) (string, error) {
	current, err := fs.ReadFile(Embedded().FS, name)
	if err != nil {
		return "", fmt.Errorf("%s: no such embedded template", name)
	}
	for _, l := range e.layers {
		if l.Dir == "" {
			continue
		}
		old, err := os.ReadFile(filepath.Join(l.Dir, exportBaseDir, filepath.FromSlash(name)))
		if err != nil {
			continue
		}
		if string(old) == string(current) {
			return "", nil
		}
		return unifiedDiff("exported/"+name, "embedded/"+name, old, current)
	}
	return "", fmt.Errorf("%s: no layer records the version it was exported from (%s/%s); export it with `phxdeploy templates export`", name, exportBaseDir, name)
}
