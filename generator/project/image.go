package project

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/dockerfile"
	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// KeptImage is what the project's own Dockerfile builds, read as BuildKit reads it (package dockerfile): where the
// release lands, what the image runs by itself, as which user, on which ports, and the build
// arguments it needs. The targets that run the image follow it.
type KeptImage struct {
	File string `json:"file"`
	// Release: the image holds a Mix release (its final stage copies one from a build stage).
	Release bool `json:"release"`
	// ReleaseDir is where the release's root (bin/, lib/, releases/) is in the image; "" when
	// phxdeploy cannot tell.
	ReleaseDir string `json:"release_dir,omitempty"`
	// ReleaseName is the release the image holds, when the COPY names it.
	ReleaseName string `json:"release_name,omitempty"`
	// MixEnv is the MIX_ENV the build stage's `mix release` runs with ("" when phxdeploy cannot
	// tell): Plausible Community Edition builds with MIX_ENV=ce.
	MixEnv string `json:"mix_env,omitempty"`
	// Overlays: the build copies rel/ (or the whole project) before `mix release`, so the
	// release holds phxdeploy's overlay scripts (bin/migrate, bin/server).
	Overlays   bool     `json:"overlays"`
	Entrypoint []string `json:"entrypoint,omitempty"`
	Cmd        []string `json:"cmd,omitempty"`
	// Shell: ENTRYPOINT or CMD is in shell form (a shell is PID 1; signals stop at it).
	Shell bool   `json:"shell_form,omitempty"`
	User  string `json:"user,omitempty"`
	// UserIDs are the uids the image's stages give users they create (useradd --uid N NAME), by
	// name: a USER named so runs as that uid.
	UserIDs map[string]int `json:"user_ids,omitempty"`
	// Env is what the final stage's ENV instructions set (expanded).
	Env map[string]string `json:"env,omitempty"`
	// Workdir is the final stage's working directory.
	Workdir string   `json:"workdir,omitempty"`
	Expose  []string `json:"expose,omitempty"`
	// Volumes are the directories the final stage declares VOLUME: where the app writes.
	Volumes []string `json:"volumes,omitempty"`
	// BuildArgs are the ARGs without a default that the build uses: they must be passed.
	BuildArgs []string `json:"build_args,omitempty"`
	// Notes say what phxdeploy assumed from the file, for the report.
	Notes []string `json:"notes,omitempty"`
}

// phxdeployDockerfile marks the Dockerfile phxdeploy writes: a file that starts with it is
// phxdeploy's, whatever edits it has since.
const phxdeployDockerfile = "# Written by phxdeploy."

var (
	// `mix release` (in a `mix do` too; not mix release.init), and the words after it up to the
	// end of its command, for its name and --path
	mixReleaseRe = lazyre.New(`\bmix\s+(?:do\s+[^;&|]*?\brelease|release)(?:[\s,]|$)([^;&|\n]*)`)
	relCopyRe    = lazyre.New(`(?:^|/)_build(?:/[^/]+(?:/rel(?:/([^/]+))?)?)?/?$`)
	builtinArgs  = map[string]bool{"TARGETPLATFORM": true, "TARGETOS": true, "TARGETARCH": true, "TARGETVARIANT": true,
		"BUILDPLATFORM": true, "BUILDOS": true, "BUILDARCH": true, "BUILDVARIANT": true, "HTTP_PROXY": true, "HTTPS_PROXY": true,
		"NO_PROXY": true, "FTP_PROXY": true, "ALL_PROXY": true, "http_proxy": true, "https_proxy": true, "no_proxy": true}
)

// readImage reads the project's own Dockerfile (nil when there is none, or it is phxdeploy's).
func (p *Project) readImage(f *files) error {
	b, ok := ownDockerfile(f)
	if !ok {
		return nil
	}
	img, err := parseImage(b, p.Release)
	if err != nil {
		// Not a Dockerfile BuildKit reads: the targets cannot follow it.
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s: not a Dockerfile BuildKit can build (%v): the targets that run the image cannot follow it", f.name("Dockerfile"), err))
		p.KeptImage = &KeptImage{File: "Dockerfile", Notes: []string{"not a Dockerfile BuildKit can build"}}
		return nil
	}
	img.File = "Dockerfile"
	p.KeptImage = img
	return nil
}

// parseImage reads a Dockerfile's final stage (following the stages it is built FROM) and the
// build stages before it.
func parseImage(content []byte, release string) (*KeptImage, error) {
	df, err := dockerfile.Parse(content)
	if err != nil {
		return nil, err
	}
	stages := df.Stages
	if len(stages) == 0 {
		return nil, fmt.Errorf("no FROM")
	}
	img := &KeptImage{}
	// ARGs without a default (in any declaration) that the build refers to must be passed.
	hasDefault := map[string]bool{}
	declare := func(args []dockerfile.Pair) {
		for _, kv := range args {
			hasDefault[kv.Key] = hasDefault[kv.Key] || kv.Set
		}
	}
	declare(df.MetaArgs)
	for _, st := range stages {
		for _, c := range st.Commands {
			if c.Name == "arg" {
				declare(c.Pairs)
			}
		}
	}
	// Required: a FROM names it (the build cannot even start without it). Others are passed
	// empty when not given: a note names them.
	var optional []string
	for name, def := range hasDefault {
		if def || builtinArgs[name] {
			continue
		}
		inFrom := false
		for _, st := range stages {
			inFrom = inFrom || strings.Contains(st.BaseName, "$"+name) || strings.Contains(st.BaseName, "${"+name)
		}
		switch {
		case inFrom:
			img.BuildArgs = append(img.BuildArgs, name)
		case strings.Contains(string(content), "$"+name) || strings.Contains(string(content), "${"+name):
			optional = append(optional, name)
		}
	}
	sort.Strings(img.BuildArgs)
	sort.Strings(optional)
	if len(optional) > 0 {
		img.Notes = append(img.Notes, "build arguments without a default, passed empty unless given: "+strings.Join(optional, " "))
	}
	// Values for expanding WORKDIR and COPY paths: the defaults of ARGs, and ENVs, as the stages
	// set them.
	vars := map[string]string{}
	expand := func(word string) string {
		out, err := dockerfile.Expand(word, df.Escape, vars)
		if err != nil {
			return word
		}
		return out
	}
	for _, kv := range df.MetaArgs {
		if kv.Set {
			vars[kv.Key] = expand(kv.Value)
		}
	}

	// The chain of stages the final one is built on (FROM runtime AS fly: runtime first).
	byName := map[string]int{}
	for i, st := range stages {
		if st.Name != "" {
			byName[strings.ToLower(st.Name)] = i
		}
	}
	var chain []int
	for i, seen := len(stages)-1, map[int]bool{}; i >= 0 && !seen[i]; {
		seen[i] = true
		chain = append([]int{i}, chain...)
		base, ok := byName[strings.ToLower(stages[i].BaseName)]
		if !ok || base >= i {
			break
		}
		i = base
	}
	inChain := map[int]bool{}
	for _, i := range chain {
		inChain[i] = true
	}
	// Build stages: does one run `mix release`, and copy rel/ (or everything) before it? Where
	// does it put the release when `--path` says (releasedAt, by stage)?
	releasedAt := map[int]builtRelease{}
	stageDir := make([]string, len(stages)) // each stage's last WORKDIR
	stageVars := make([]map[string]string, len(stages))
	stageEnvSet := make([]map[string]bool, len(stages))
	stageEnv := map[int]string{} // the MIX_ENV of each stage that runs `mix release`
	// the MIX_ENV of the release a stage holds: its own `mix release`'s, else its base stage's
	envOfStage := func(i int) string {
		for seen := 0; i >= 0 && seen < len(stages); seen++ {
			if env, ok := stageEnv[i]; ok {
				return env
			}
			base, ok := byName[strings.ToLower(stages[i].BaseName)]
			if !ok || base >= i {
				break
			}
			i = base
		}
		return ""
	}
	for i, st := range stages {
		dir := "/"
		own := maps.Clone(vars) // the meta ARGs' defaults, then the stage's ARGs and ENVs
		envSet := map[string]bool{}
		if base, ok := byName[strings.ToLower(st.BaseName)]; ok && base < i {
			dir, own, envSet = stageDir[base], maps.Clone(stageVars[base]), maps.Clone(stageEnvSet[base])
		}
		for _, c := range st.Commands {
			switch c.Name {
			case "arg", "env":
				for _, kv := range c.Pairs {
					// an ENV wins over an ARG of the same name
					if c.Name == "arg" && (!kv.Set || envSet[kv.Key]) {
						continue
					}
					if v, err := dockerfile.Expand(kv.Value, df.Escape, own); err == nil {
						own[kv.Key] = v
						envSet[kv.Key] = envSet[kv.Key] || c.Name == "env"
					}
				}
			case "workdir":
				if wd := expand(c.Args[0]); path.IsAbs(wd) {
					dir = path.Clean(wd)
				} else {
					dir = path.Join(dir, wd)
				}
			}
			if c.Name == "run" {
				run := strings.Join(append(append([]string{}, c.Args...), c.Heredocs...), " ")
				if env, ok := mixEnvOf(run, own); ok {
					stageEnv[i] = env
				}
				if r, ok := releasePathOf(run, dir); ok && !inChain[i] {
					releasedAt[i] = r
				}
			}
		}
		stageDir[i], stageVars[i], stageEnvSet[i] = dir, own, envSet
	}
	for i, st := range stages {
		if inChain[i] {
			continue
		}
		copiedRel := false
		for _, c := range st.Commands {
			switch c.Name {
			case "copy":
				if c.From != "" {
					continue
				}
				for _, src := range c.Args {
					s := strings.TrimSuffix(strings.TrimPrefix(src, "./"), "/")
					if s == "rel" || s == "." || s == "" || strings.HasPrefix(s, "rel/overlays") {
						copiedRel = true
					}
				}
			case "run":
				// The command line, and the scripts of its here-documents (RUN <<EOF).
				run := strings.Join(append(append([]string{}, c.Args...), c.Heredocs...), " ")
				if mixReleaseRe.MatchString(run) && copiedRel {
					img.Overlays = true
				}
			}
		}
	}
	workdir := "/"
	for _, i := range chain {
		for _, c := range stages[i].Commands {
			switch c.Name {
			case "env":
				for _, kv := range c.Pairs {
					vars[kv.Key] = expand(kv.Value)
					if img.Env == nil {
						img.Env = map[string]string{}
					}
					img.Env[kv.Key] = vars[kv.Key]
				}
			case "arg":
				for _, kv := range c.Pairs {
					if kv.Set {
						vars[kv.Key] = expand(kv.Value)
					}
				}
			case "workdir":
				wd := expand(c.Args[0])
				workdir = path.Join(workdir, wd)
				if path.IsAbs(wd) {
					workdir = path.Clean(wd)
				}
			case "copy":
				if c.From == "" {
					continue
				}
				for _, src := range c.Args {
					src = expand(src)
					dest := expand(c.Dest)
					if !path.IsAbs(dest) {
						dest = path.Join(workdir, dest)
					}
					// a release built with --path, copied from there: its root is the destination
					if r, ok := releasedAt[stageIndex(byName, c.From)]; ok && path.Clean(src) == r.dir {
						img.Release, img.ReleaseName, img.ReleaseDir = true, r.name, path.Clean(dest)
						img.MixEnv = envOfStage(stageIndex(byName, c.From))
						continue
					}
					m := relCopyRe.FindStringSubmatch(strings.TrimSuffix(src, "/"))
					if m == nil {
						continue
					}
					// the release's MIX_ENV is that of the stage it is copied from
					img.MixEnv = envOfStage(stageIndex(byName, c.From))
					name := m[1]
					if strings.Contains(name, "$") {
						name = ""
					}
					tail := strings.TrimSuffix(src, "/")
					switch {
					case m[1] != "": // _build/<env>/rel/<release>: the release's own directory
						img.ReleaseDir = path.Clean(dest)
					case strings.HasSuffix(tail, "/rel"):
						img.ReleaseDir = path.Join(dest, release)
					case strings.HasSuffix(tail, "_build"):
						img.ReleaseDir = path.Join(dest, img.BuildEnv(), "rel", release)
					default: // _build/<env>
						img.ReleaseDir = path.Join(dest, "rel", release)
					}
					img.Release, img.ReleaseName = true, name
					if strings.Contains(img.ReleaseDir, "$") {
						img.Notes = append(img.Notes, "the release is copied to "+img.ReleaseDir+", which depends on a variable")
						img.ReleaseDir = ""
					}
				}
			case "entrypoint":
				img.Entrypoint, img.Cmd = c.Args, nil // ENTRYPOINT resets CMD
				img.Shell = c.Shell
			case "cmd":
				img.Cmd = c.Args
				img.Shell = img.Shell || c.Shell
			case "user":
				img.User = c.Args[0]
			case "run":
				for name, uid := range usersAdded(strings.Join(c.Args, " ")) {
					if img.UserIDs == nil {
						img.UserIDs = map[string]int{}
					}
					img.UserIDs[name] = uid
				}
			case "expose":
				img.Expose = append(img.Expose, c.Args...)
			case "volume":
				for _, v := range c.Args {
					if v = path.Clean(expand(v)); path.IsAbs(v) && !strings.Contains(v, "$") && !slices.Contains(img.Volumes, v) {
						img.Volumes = append(img.Volumes, v)
					}
				}
			}
		}
	}
	img.Workdir = workdir
	if !img.Release {
		// no release copied in: one the final stage (or a stage it is built on) builds itself
		img.MixEnv = envOfStage(chain[len(chain)-1])
	}
	return img, nil
}

// builtRelease is where a build stage's `mix release --path` puts the release, and its name
// when the command gives one.
type builtRelease struct{ dir, name string }

// releasePathOf reads `mix release [name] --path dir` (or --path=dir) in a RUN's command line,
// the directory made absolute against the stage's WORKDIR; ok is false without --path, or with a
// directory phxdeploy cannot name (a variable, a ~).
// mixEnvOf is the MIX_ENV a RUN's `mix release` builds with: set on its command line
// (MIX_ENV=ce mix release, export MIX_ENV=ce), else the stage's ENV. ok is false when the RUN
// builds no release, or its MIX_ENV is not a plain name (a variable phxdeploy cannot follow, or
// none: Mix would build for dev).
func mixEnvOf(run string, env map[string]string) (string, bool) {
	m := mixReleaseRe.Re().FindStringIndex(run)
	if m == nil {
		return "", false
	}
	value, set := env["MIX_ENV"]
	before := run[:m[0]]
	for _, a := range mixEnvSetRe.Re().FindAllStringSubmatchIndex(before, -1) {
		// `export MIX_ENV=x` holds for the commands after it; `MIX_ENV=x cmd` for cmd alone
		if a[2] < 0 && !onlyAssignments.MatchString(before[a[1]:]) {
			continue
		}
		value, set = strings.Trim(before[a[4]:a[5]], `"'`), true
	}
	if !set || !mixEnvName.MatchString(value) {
		return "", false
	}
	return value, true
}

var (
	mixEnvSetRe     = lazyre.New(`(?:^|[\s;&|])(export\s+)?MIX_ENV=("[^"]*"|'[^']*'|[^\s;&|]*)`)
	onlyAssignments = lazyre.New(`^\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*$`)
	mixEnvName      = lazyre.New(`^[a-z][a-z0-9_]*$`)
)

// BuildEnv is the MIX_ENV the image's release is built with: MixEnv, or prod when phxdeploy
// cannot tell.
func (img *KeptImage) BuildEnv() string {
	if img == nil || img.MixEnv == "" {
		return "prod"
	}
	return img.MixEnv
}

func releasePathOf(run, workdir string) (builtRelease, bool) {
	for _, m := range mixReleaseRe.FindAllStringSubmatch(run, -1) {
		var r builtRelease
		found := false
		words := strings.Fields(m[1])
		for k := 0; k < len(words); k++ {
			w := words[k]
			switch {
			case w == "--path" && k+1 < len(words):
				r.dir, found = words[k+1], true
				k++
			case strings.HasPrefix(w, "--path="):
				r.dir, found = strings.TrimPrefix(w, "--path="), true
			case w == "--version":
				k++ // its value
			case !strings.HasPrefix(w, "-") && r.name == "" && ValidAtom(w):
				r.name = w // `mix release [options] NAME`
			}
		}
		r.dir = strings.Trim(r.dir, `"'`)
		if !found || r.dir == "" || strings.ContainsAny(r.dir, "$~`*?") {
			continue
		}
		if !path.IsAbs(r.dir) {
			r.dir = path.Join(workdir, r.dir)
		}
		r.dir = path.Clean(r.dir)
		return r, true
	}
	return builtRelease{}, false
}

// stageIndex is the stage a COPY --from names (by name or number), or -1.
func stageIndex(byName map[string]int, from string) int {
	if i, ok := byName[strings.ToLower(from)]; ok {
		return i
	}
	if n, err := strconv.Atoi(from); err == nil && n >= 0 {
		return n
	}
	return -1
}

// UID is the numeric user the image runs as: its USER when numeric (or nobody's 65534), 0 for
// root or none; ok is false for a name phxdeploy cannot resolve.
func (img *KeptImage) UID() (uid int, ok bool) {
	u := strings.SplitN(img.User, ":", 2)[0]
	switch u {
	case "", "root":
		return 0, true
	case "nobody":
		return 65534, true
	}
	if n, err := strconv.Atoi(u); err == nil {
		return n, true
	}
	n, ok := img.UserIDs[u]
	return n, ok
}

// usersAdded reads the users a RUN's command line creates with a fixed uid: `useradd ...
// --uid N ... NAME` (also -u N, --uid=N; and adduser, Debian's and BusyBox's, the same way).
// Commands are split at &&, ||, ; and |; a user whose name or uid phxdeploy cannot read (a
// variable) is passed over.
func usersAdded(run string) map[string]int {
	out := map[string]int{}
	for _, cmd := range strings.FieldsFunc(run, func(r rune) bool { return r == '&' || r == '|' || r == ';' || r == '\n' }) {
		words := strings.Fields(strings.ReplaceAll(cmd, "\\", " "))
		at := slices.IndexFunc(words, func(w string) bool { return w == "useradd" || w == "adduser" })
		if at < 0 || len(words) < at+2 {
			continue
		}
		uid := -1
		args := words[at+1:]
		for k, w := range args {
			switch {
			case (w == "--uid" || w == "-u") && k+1 < len(args):
				uid = atoiOr(args[k+1], -1)
			case strings.HasPrefix(w, "--uid="):
				uid = atoiOr(strings.TrimPrefix(w, "--uid="), -1)
			}
		}
		name := args[len(args)-1] // useradd [options] LOGIN
		if uid >= 0 && !strings.HasPrefix(name, "-") && !strings.ContainsAny(name, "$`\"'") {
			out[name] = uid
		}
	}
	return out
}

func atoiOr(s string, or int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return or
}

// RunsItself reports whether the image's own command runs something other than the release's
// start script (migrations and seeds before start, a script of its own).
func (img *KeptImage) RunsItself() bool {
	all := strings.Join(append(append([]string{}, img.Entrypoint...), img.Cmd...), " ")
	return strings.Contains(all, "migrate") || strings.Contains(all, "&&") || strings.Contains(all, ".sh")
}

// keptBuildEnv is the MIX_ENV the project's Dockerfile builds its release with ("" when it has
// none or it does not say): the runtime config's config_env() then. phxdeploy's own Dockerfile
// counts too: it was written to build what the project's built (--force Dockerfile keeps the
// MIX_ENV), so the next run reads the project as the first did.
func keptBuildEnv(f *files) string {
	b, ok, err := f.read("Dockerfile")
	if err != nil || !ok {
		return ""
	}
	img, err := parseImage(b, "")
	if err != nil {
		return ""
	}
	return img.MixEnv
}

// ownDockerfile is the project's own Dockerfile: ok is false when it has none or it is
// phxdeploy's. A Dockerfile phxdeploy may not read (a link out of the project, a FIFO) is
// reported when the plan reaches it: it is never read, never followed, never replaced.
func ownDockerfile(f *files) ([]byte, bool) {
	b, ok, err := f.read("Dockerfile")
	if err != nil || !ok || bytes.HasPrefix(b, []byte(phxdeployDockerfile)) || bytes.Contains(b[:min(len(b), 200)], []byte("\n"+phxdeployDockerfile)) {
		return nil, false
	}
	return b, true
}

// BuildEnv is the MIX_ENV the project's releases are built with: what its Dockerfile says, else
// prod.
func (p *Project) BuildEnv() string { return cmp.Or(p.buildEnv, "prod") }
