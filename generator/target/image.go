package target

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/patch"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// imageTargets are the targets that run the image the Dockerfile builds.
var imageTargets = []string{"fly", "docker", "k8s"}

// image makes the targets that run the image follow the project's own Dockerfile: where its
// release is, how migrations run in it, its user and build arguments. What they cannot agree
// on is a manual step per target, never a silent guess.
func (d *Data) image(p *project.Project) {
	img := p.KeptImage
	if img == nil || !d.imageBuilt {
		return
	}
	d.KeptImage = true
	d.keptImageUser, d.keptImageEnv = img.UID, img.Env
	for _, v := range img.Volumes {
		if v == "/" || v == "/tmp" || strings.HasPrefix(v, "/tmp/") || d.Database == "sqlite" && v == d.DataDir {
			continue
		}
		d.ImageVolumes = append(d.ImageVolumes, ImageVolume{Name: fmt.Sprintf("image-volume-%d", len(d.ImageVolumes)+1), Path: v})
	}
	problem := func(targets []string, format string, args ...any) {
		for _, t := range targets {
			d.keptProblem("Dockerfile", t, format, args...)
		}
	}
	// What the image's ENV sets applies wherever it runs: Fly's IPv6 settings break the others.
	ipv6 := or(d.Env["ECTO_IPV6"], "ECTO_IPV6")
	// only where the release reads it (supabase/realtime's image sets it, and nothing reads it)
	readsIPv6 := slices.ContainsFunc(d.EnvVars, func(v EnvVar) bool { return v.Name == ipv6 })
	for _, t := range []string{"docker", "k8s"} {
		if readsIPv6 && strings.Contains(img.Env[ipv6], "true") {
			problem([]string{t}, "the project's Dockerfile sets ENV %s=%s for every platform: the repo then connects over IPv6 only and %s's database is unreachable over IPv4; set it on Fly alone (fly.toml [env], or rel/env.sh.eex under `if [ -n \"${FLY_APP_NAME:-}\" ]`)", ipv6, img.Env[ipv6], t)
		}
		if d.Clustering && strings.Contains(img.Env["ERL_AFLAGS"]+img.Env["ELIXIR_ERL_OPTIONS"], "inet6_tcp") {
			problem([]string{t}, "the project's Dockerfile sets -proto_dist inet6_tcp in its ENV for every platform: distribution then listens on IPv6 only; set it on Fly alone")
		}
	}
	notes := append([]string{}, img.Notes...)
	switch {
	case !img.Release:
		problem(imageTargets, "the project's Dockerfile builds no Mix release (its final stage copies none from a build stage), so the release's start and migrate commands do not exist in its image: replace it with `--force Dockerfile`, or make it build a release")
	case img.ReleaseDir == "":
		problem(imageTargets, "phxdeploy cannot tell where the project's Dockerfile puts the release: replace it with `--force Dockerfile`, or copy the release to a fixed directory")
	default:
		d.ReleaseDir = img.ReleaseDir
		release := img.ReleaseName
		if release == "" {
			release = d.Release
		}
		// The release holds phxdeploy's bin/migrate only when the build copies rel/ before
		// `mix release`; otherwise migrations run through the release's own eval.
		if img.Overlays && d.Ecto {
			d.MigrateCommand = []string{path.Join(img.ReleaseDir, "bin", "migrate")}
		} else {
			d.MigrateCommand = []string{path.Join(img.ReleaseDir, "bin", release), "eval", d.ReleaseModule + ".migrate"}
		}
		notes = append(notes, "the release is in "+img.ReleaseDir)
		if d.Ecto {
			notes = append(notes, "migrations run "+strings.Join(d.MigrateCommand, " "))
		}
		script := path.Join(img.ReleaseDir, "bin", release)
		d.FlyMigrateCommand = d.MigrateCommand
		switch {
		case len(img.Entrypoint) == 1 && !img.Shell && (img.Entrypoint[0] == script || path.Join(img.Workdir, img.Entrypoint[0]) == script):
			// The release's script is the ENTRYPOINT: Fly's release_command gives it arguments.
			d.FlyMigrateCommand = []string{"eval", d.ReleaseModule + ".migrate"}
			notes = append(notes, "its ENTRYPOINT is the release's script, so Fly's release_command is `eval "+d.ReleaseModule+".migrate`")
		case len(img.Entrypoint) > 0:
			problem([]string{"fly"}, "the project's Dockerfile has an ENTRYPOINT (%s), which Fly runs release_command through: check that `%s` migrates under it, or move the ENTRYPOINT into CMD", strings.Join(img.Entrypoint, " "), strings.Join(d.MigrateCommand, " "))
		}
	}
	if img.RunsItself() {
		notes = append(notes, "the image's own command ("+strings.Join(append(append([]string{}, img.Entrypoint...), img.Cmd...), " ")+") starts it as it is: if it migrates too, migrations also run at every start")
	}
	if img.Shell {
		d.warnings = append(d.warnings, "the project's Dockerfile runs its command in shell form: SIGTERM stops at the shell, so the release is killed at the end of the grace period instead of draining; use the exec form, CMD [\"...\"]")
	}
	switch uid, ok := img.UID(); {
	case ok && uid != 0:
		d.UID = uid
		notes = append(notes, fmt.Sprintf("it runs as %s (uid %d)", img.User, uid))
	case ok && d.Selected("k8s"):
		notes = append(notes, fmt.Sprintf("it runs as root; Kubernetes runs it as uid %d (runAsNonRoot)", d.UID))
	case ok:
		notes = append(notes, "it runs as root")
	case d.Selected("k8s"):
		notes = append(notes, fmt.Sprintf("it runs as the user %q; Kubernetes runs it as uid %d", img.User, d.UID))
	default:
		notes = append(notes, fmt.Sprintf("it runs as the user %q", img.User))
	}
	for _, port := range img.Expose {
		if strings.TrimSuffix(port, "/tcp") != fmt.Sprint(d.Port) && !strings.Contains(port, "$") {
			d.warnings = append(d.warnings, fmt.Sprintf("the project's Dockerfile exposes %s; the platforms route to %d (--port)", port, d.Port))
		}
	}
	for _, a := range img.BuildArgs {
		if !slices.Contains(d.BuildArgs, a) {
			d.BuildArgs = append(d.BuildArgs, a)
		}
	}
	if len(img.BuildArgs) > 0 {
		notes = append(notes, "its build needs "+strings.Join(img.BuildArgs, " ")+" (the next steps pass them)")
	}
	d.keptImage = "the project's own Dockerfile, which the other files follow: " + strings.Join(notes, "; ")
}

// keptFiles are the project's own files the targets follow, in the order their manual steps
// are reported.
var keptFiles = []string{"Dockerfile", "rel/env.sh.eex", "rel/overlays/bin/server", "rel/overlays/bin/migrate", "fly.toml"}

// keptProblem records what target cannot agree on with the project's own file (when the
// target is selected).
func (d *Data) keptProblem(file, target, format string, args ...any) {
	if !d.Selected(target) {
		return
	}
	if d.keptProblems == nil {
		d.keptProblems = map[string]map[string][]string{}
	}
	if d.keptProblems[file] == nil {
		d.keptProblems[file] = map[string][]string{}
	}
	d.keptProblems[file][target] = append(d.keptProblems[file][target], fmt.Sprintf(format, args...))
}

// keptEdits report, for a target, what it cannot agree on with the files the project keeps: a
// manual step on each such file, naming the target.
func keptEdits(target string) []Edit {
	var out []Edit
	for _, file := range keptFiles {
		out = append(out, Edit{
			Path: func(*project.Project, *Data) string { return file },
			When: func(_ *project.Project, d *Data) bool { return len(d.keptProblems[file][target]) > 0 },
			Patch: func(_, _ string, _ *project.Project, d *Data) (string, error) {
				return "", patch.StepBack(target+": "+strings.Join(d.keptProblems[file][target], "; "),
					"phxdeploy keeps "+file+" as it is: fix the lines above, or replace it with phxdeploy's\n(which every target agrees with) by running init again with --force "+file+"\n")
			},
		})
	}
	return out
}
