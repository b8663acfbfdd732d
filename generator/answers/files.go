package answers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/generator/safefs"
	"github.com/phxdeploy/phxdeploy/internal/match"
)

// SavedFile is where init keeps the answers it was given, for later runs.
const SavedFile = ".phxdeploy/answers.yaml"

// DefaultsFile is the name of an organization directory's default answers.
const DefaultsFile = "defaults.yaml"

// Choices are the answers about the project itself, chosen before any question: which release
// to deploy and which endpoint is the public one, when the project has several. --release and
// --endpoint (or the prompt for the endpoint) give them; they are saved with the answers, so that
// update and check deploy the same ones. Only the project's answers file holds them.
var Choices = []string{"release", "endpoint"}

func validChoice(key, val string) error {
	switch {
	case key == "release" && !project.ValidAtom(val):
		return fmt.Errorf("%q is not a release name (lowercase letters, digits and underscores, starting with a letter)", val)
	case key == "endpoint" && !match.Module(val):
		return fmt.Errorf("%q is not a module name", val)
	}
	return nil
}

// FileError names a defaults or answers file that cannot be used, and the fix.
type FileError struct {
	File string
	Msg  string
	Fix  string
}

func (e *FileError) Error() string { return e.File + ": " + e.Msg + "\n  fix: " + e.Fix }

// read reads a YAML mapping of question keys (init's long flag names) to values. An unknown key
// or an invalid value is an error naming the file and the key.
func (t Table) read(file string, b []byte, choices bool) (map[string]string, error) {
	var raw map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, &FileError{File: file, Msg: "not a YAML mapping: " + err.Error(), Fix: "write one `flag-name: value` per line"}
	}
	out := map[string]string{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		q := t.Lookup(k)
		choice := choices && slices.Contains(Choices, k)
		if q == nil && !choice {
			return nil, &FileError{File: file, Msg: fmt.Sprintf("unknown key %q", k), Fix: "use the long name of one of init's flags: " + strings.Join(t.Keys(), ", ")}
		}
		var val string
		switch v := raw[k].(type) {
		case []any:
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = fmt.Sprint(x)
			}
			val = strings.Join(parts, ",")
		case nil:
			val = ""
		default:
			val = fmt.Sprint(v)
		}
		check := validChoice
		if q != nil {
			check = func(_, val string) error { return q.Validate(val) }
		}
		if err := check(k, val); err != nil {
			return nil, &FileError{File: file, Msg: fmt.Sprintf("%s: %v", k, err), Fix: "correct the value of " + k}
		}
		out[k] = val
	}
	return out, nil
}

// LoadSaved adds the answers the project saved on an earlier run as fallbacks (they rank below
// flags and prompts and above organization defaults).
func (t Table) LoadSaved(projectDir string, v *Values) error {
	return t.loadFallbacks(projectDir, SavedFile, func(string) string { return SourceSaved }, v, true)
}

// SavedChoices returns the Choices the project saved: none when it has no answers file, and an
// error when the file cannot be used (a directory that cannot be opened is left to the reader
// of the project to report).
func (t Table) SavedChoices(projectDir string) (map[string]string, error) {
	d, err := safefs.Open(projectDir)
	if err != nil {
		return nil, nil
	}
	d.Close()
	v := NewValues()
	if err := t.loadFallbacks(projectDir, SavedFile, func(string) string { return SourceSaved }, v, true); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, k := range Choices {
		if f, ok := v.fallback[k]; ok && f[0] != "" {
			out[k] = f[0]
		}
	}
	return out, nil
}

// LoadOrganizationDefaults adds each organization directory's defaults.yaml as fallbacks; the
// first directory given wins.
func (t Table) LoadOrganizationDefaults(dirs []string, v *Values) error {
	for _, d := range dirs {
		source := func(file string) string { return SourceOrganization + " (" + file + ")" }
		if err := t.loadFallbacks(d, DefaultsFile, source, v, false); err != nil {
			return err
		}
	}
	return nil
}

// loadFallbacks reads an answers file of dir, when it exists, into v's fallbacks: through
// safefs, so that a link to a file outside dir, a FIFO or a huge file is refused, never read.
func (t Table) loadFallbacks(dir, name string, source func(file string) string, v *Values, choices bool) error {
	file := filepath.Join(dir, filepath.FromSlash(name))
	d, err := safefs.Open(dir)
	if err != nil {
		return &FileError{File: dir, Msg: err.Error(), Fix: "give a readable directory"}
	}
	defer d.Close()
	b, err := d.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var se *safefs.Error
	if errors.As(err, &se) {
		return &FileError{File: file, Msg: se.Problem, Fix: "put the file itself there, or remove it"}
	}
	if err != nil {
		return &FileError{File: file, Msg: err.Error(), Fix: "make it readable"}
	}
	answers, err := t.read(file, b, choices)
	if err != nil {
		return err
	}
	for k, val := range answers {
		v.SetFallback(k, val, source(file))
	}
	return nil
}

// Saved renders the answers given by flags and prompts (and those saved before) for SavedFile,
// or nil when there are none, after the record lines (how the files were made: phxdeploy's
// version, the template layers), as comments. Defaults and detected values are not saved, so
// that a later phxdeploy's better defaults and the project's changes apply.
func (t Table) Saved(v *Values, record []string) []byte {
	var b strings.Builder
	b.WriteString("# The answers a person gave `phxdeploy init` (flags, and prompts where the proposed value\n")
	b.WriteString("# was changed). Later runs reuse them; flags still win. Keys are init's long flag names.\n")
	for _, r := range record {
		b.WriteString("# " + r + "\n")
	}
	n := 0
	for _, q := range t {
		val, ok := v.Get(q.Key)
		src := v.Source(q.Key)
		if !ok || (src != SourceFlag && src != SourcePrompt && src != SourceSaved) {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", q.Key, strconv.Quote(val))
		n++
	}
	for _, k := range Choices {
		val, ok := v.Get(k)
		if src := v.Source(k); ok && val != "" && (src == SourceFlag || src == SourcePrompt || src == SourceSaved) {
			fmt.Fprintf(&b, "%s: %s\n", k, strconv.Quote(val))
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return []byte(b.String())
}
