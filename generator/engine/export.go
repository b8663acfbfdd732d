package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// BaseDir keeps, inside an organization directory, the embedded templates as they were when
// they were exported: `templates diff` compares them with today's.
const BaseDir = ".phxdeploy-base"

var exportMarkRe = lazyre.New(`^\{\{/\* phxdeploy export of (\S+) sha256:([0-9a-f]{16}) \*/\}\}\n`)

func shortHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// ExportFile is one file an export writes, relative to the export directory.
type ExportFile struct {
	Path    string
	Content []byte
	// Bookkeeping files (the base copies) are phxdeploy's own and may be replaced.
	Bookkeeping bool
}

// Export returns the files that copy embedded templates into a directory as a starting point
// for overrides. Each copy starts with a comment recording which embedded version it came from,
// and that version is kept under .phxdeploy-base/ so that later changes upstream can be shown.
func Export(names []string) ([]ExportFile, error) {
	emb := Embedded()
	var out []ExportFile
	for _, name := range names {
		body, err := fs.ReadFile(emb.FS, name)
		if err != nil {
			return nil, fmt.Errorf("%s: no such embedded template (see `phxdeploy templates list`)", name)
		}
		mark := fmt.Sprintf("{{/* phxdeploy export of %s sha256:%s */}}\n", name, shortHash(body))
		out = append(out,
			ExportFile{Path: name, Content: append([]byte(mark), body...)},
			ExportFile{Path: BaseDir + "/" + name, Content: body, Bookkeeping: true})
	}
	return out, nil
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
		// The command runs as printed: it names the layer the override is in.
		layer := "--templates " + shellWord(f.layer.Dir)
		if f.layer.Name == "project" {
			layer = "--dir " + shellWord(filepath.Dir(filepath.Dir(f.layer.Dir)))
		}
		return fmt.Sprintf("exported from an older %s; `phxdeploy templates diff %s %s` shows what changed upstream", m[1], layer, m[1])
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

// Upstream returns, for an override exported from the embedded template name, the version it
// was exported from and today's; equal contents mean nothing changed upstream.
func (e *Engine) Upstream(name string) (exported, current []byte, err error) {
	current, err = fs.ReadFile(Embedded().FS, name)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: no such embedded template", name)
	}
	for _, l := range e.layers {
		if l.Dir == "" {
			continue
		}
		old, err := fs.ReadFile(l.FS, BaseDir+"/"+name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return old, current, nil
	}
	return nil, nil, fmt.Errorf("%s: no layer records the version it was exported from (%s/%s); export it with `phxdeploy templates export`", name, BaseDir, name)
}

// shellWord quotes s for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
