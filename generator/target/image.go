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
	d.imageProblems = map[string][]string{}
	problem := func(targets []string, format string, args ...any) {
		for _, t := range targets {
			if d.Selected(t) {
				d.imageProblems[t] = append(d.imageProblems[t], fmt.Sprintf(format, args...))
			}
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
		if len(img.Entrypoint) > 0 {
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
	case ok:
		notes = append(notes, fmt.Sprintf("it runs as root; Kubernetes runs it as uid %d (runAsNonRoot)", d.UID))
	default:
		notes = append(notes, fmt.Sprintf("it runs as the user %q; Kubernetes runs it as uid %d", img.User, d.UID))
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

// imageEdit reports, for a target that runs the image, what it cannot agree on with the
// project's Dockerfile: a manual step on the Dockerfile.
func imageEdit(target string) Edit {
	return Edit{
		Path: func(*project.Project, *Data) string { return "Dockerfile" },
		When: func(_ *project.Project, d *Data) bool { return len(d.imageProblems[target]) > 0 },
		Patch: func(_, _ string, _ *project.Project, d *Data) (string, error) {
			return "", patch.StepBack(target+": "+strings.Join(d.imageProblems[target], "; "),
				"phxdeploy keeps the Dockerfile and does not know how this target can run its image\n")
		},
	}
}
