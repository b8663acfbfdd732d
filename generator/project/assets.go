package project

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// Assets is how the project builds its front end.
type Assets struct {
	// Manager is the package manager its lock file names: npm, yarn, pnpm or bun ("" without a
	// package.json).
	Manager string `json:"manager,omitempty"`
	// Lock is the lock file, when there is one.
	Lock string `json:"lock,omitempty"`
	// Berry is set for Yarn 2 and later (.yarnrc.yml).
	Berry bool `json:"berry,omitempty"`
	// Scripts are the script names of package.json.
	Scripts []string `json:"scripts,omitempty"`
	// Deploy and Setup are the commands of the assets.deploy and assets.setup aliases.
	Deploy []string `json:"deploy,omitempty"`
	Setup  []string `json:"setup,omitempty"`
}

var lockFiles = []struct{ file, manager string }{
	{"package-lock.json", "npm"}, {"npm-shrinkwrap.json", "npm"}, {"yarn.lock", "yarn"},
	{"pnpm-lock.yaml", "pnpm"}, {"bun.lock", "bun"}, {"bun.lockb", "bun"},
}

// readAssets reads the assets directory's package.json and lock file, and the aliases that build
// the assets.
func (p *Project) readAssets(f *files, mix *mixFile) error {
	dir := join(p.WebDir(), "assets")
	b, ok, err := f.read(join(dir, "package.json"))
	if err != nil {
		return err
	}
	if mix != nil {
		p.AssetsBuild.Deploy = mix.aliasCommands("assets.deploy")
		p.AssetsBuild.Setup = mix.aliasCommands("assets.setup")
	}
	if !ok {
		return nil
	}
	var pkg struct {
		Scripts map[string]any `json:"scripts"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return &Error{Path: f.name(join(dir, "package.json")), Msg: "is not JSON: " + err.Error(), Fix: "check that npm can read it"}
	}
	for name := range pkg.Scripts {
		p.AssetsBuild.Scripts = append(p.AssetsBuild.Scripts, name)
	}
	sort.Strings(p.AssetsBuild.Scripts)
	p.AssetsBuild.Manager = "npm"
	for _, l := range lockFiles {
		if f.isFile(join(dir, l.file)) || f.isFile(l.file) {
			p.AssetsBuild.Manager, p.AssetsBuild.Lock = l.manager, l.file
			break
		}
	}
	p.AssetsBuild.Berry = p.AssetsBuild.Manager == "yarn" && (f.isFile(join(dir, ".yarnrc.yml")) || f.isFile(".yarnrc.yml"))
	// A script an alias runs must exist, or the image build fails there.
	for _, c := range append(append([]string{}, p.AssetsBuild.Setup...), p.AssetsBuild.Deploy...) {
		if script := scriptRun(c); script != "" && !slices.Contains(p.AssetsBuild.Scripts, script) {
			p.Warnings = append(p.Warnings, fmt.Sprintf("mix.exs runs %q, but %s has no %q script: the image build fails there", c, join(dir, "package.json"), script))
		}
	}
	return nil
}

var scriptRunRe = lazyre.New(`(?:npm|pnpm|bun)\s+(?:--\S+\s+\S+\s+)*run\s+([A-Za-z0-9:_.-]+)|yarn\s+(?:--\S+\s+\S+\s+)*(?:run\s+)?([A-Za-z0-9:_.-]+)`)

// scriptRun returns the package.json script an alias command runs, or "".
func scriptRun(command string) string {
	m := scriptRunRe.FindStringSubmatch(command)
	switch {
	case m == nil:
		return ""
	case m[1] != "":
		return m[1]
	case m[2] == "install" || m[2] == "add" || strings.HasPrefix(m[2], "-"):
		return ""
	}
	return m[2]
}

var composeNames = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

var flyMarkerRe = lazyre.New(`(?m)^\s*(app|primary_region)\s*=|^\s*\[(http_service|\[services\])\]`)

// readDeployFiles finds the Compose files the project keeps, and Fly configs it keeps somewhere
// other than fly.toml (fly.production.toml, fly/staging.toml, ...).
func (p *Project) readDeployFiles(f *files) error {
	for _, n := range composeNames {
		if f.d.Exists(n) {
			p.ComposeFiles = append(p.ComposeFiles, n)
		}
	}
	var candidates []string
	for _, dir := range []string{".", "fly", ".fly", "deploy", "deploy/fly", "config"} {
		if !f.isDir(dir) {
			continue
		}
		entries, err := f.d.ReadDir(dir)
		if err != nil {
			return &Error{Path: f.name(dir), Msg: "cannot be read: " + err.Error()}
		}
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() || !strings.HasSuffix(n, ".toml") || dir == "." && (n == "fly.toml" || !strings.HasPrefix(n, "fly")) {
				continue
			}
			candidates = append(candidates, join(dir, n))
		}
	}
	for _, c := range candidates {
		b, _, err := f.read(c)
		if err != nil {
			return err
		}
		if flyMarkerRe.Match(b) {
			p.FlyConfigs = append(p.FlyConfigs, c)
		}
	}
	return nil
}

var (
	singleDocRe    = lazyre.New(`(?i)\b(single[- ]instance|one instance|only one (?:instance|node|machine|replica)|single[- ]node (?:deployment|setup|only)|not (?:horizontally )?scalable|cannot be (?:horizontally )?scaled)\b`)
	localStorageRe = lazyre.New(`\b(Waffle|Arc)\.Storage\.Local\b`)
	// A text the expressions match holds one of these words (ſ, long s, is an s to (?i) but not
	// to bytes.ToLower; \b keeps it from starting "single"). FuzzSingleInstanceWords checks it.
	singleDocWords    = []string{"single", "one", "scal", "ſcal"}
	localStorageWords = []string{"Storage.Local"}
	singleDocFiles    = []string{"README.md", "README", "readme.md", "docs/deployment.md", "docs/DEPLOYMENT.md", "DEPLOYMENT.md"}
	singleConfFiles   = []string{"config/config.exs", "config/prod.exs", "config/runtime.exs"}
)

// containsAnyFold reports whether b holds one of words, ignoring ASCII case.
func containsAnyFold(b []byte, words []string) bool {
	lower := bytes.ToLower(b)
	for _, w := range words {
		if bytes.Contains(lower, []byte(strings.ToLower(w))) {
			return true
		}
	}
	return false
}

// readSingleInstance finds signs that the app must run as one instance: its docs say so, or it
// keeps uploads on the local disk. Then phxdeploy proposes one replica and no clustering.
func (p *Project) readSingleInstance(f *files) error {
	for _, look := range []struct {
		files []string
		re    *lazyre.Regexp
		// may: a text without one of these words cannot match (the expression is not compiled
		// for a project whose files have none)
		may []string
		why func(file, match string) string
	}{
		{singleDocFiles, singleDocRe, singleDocWords, func(file, m string) string { return fmt.Sprintf("%s says %q", file, m) }},
		{singleConfFiles, localStorageRe, localStorageWords, func(file, m string) string {
			return fmt.Sprintf("%s stores uploads on the local disk (%s)", file, m)
		}},
	} {
		for _, file := range look.files {
			b, ok, err := f.read(file)
			if err != nil {
				return err
			}
			if !ok || !containsAnyFold(b, look.may) {
				continue
			}
			if m := look.re.FindIndex(b); m != nil {
				p.SingleInstance = look.why(file, string(b[m[0]:m[1]]))
				p.Sources["single_instance"] = file + ":" + itoa(1+strings.Count(string(b[:m[0]]), "\n"))
				return nil
			}
		}
	}
	return nil
}
