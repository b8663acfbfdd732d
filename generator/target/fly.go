package target

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// fly deploys to Fly.io: fly.toml, with migrations as a release command (SQLite: at boot, on a
// volume).
func fly() Target {
	return Target{
		Name: "fly", Title: "Fly.io", BuildsImage: true, SQLiteVolume: true,
		PublicHost: func(name string) string { return name + ".fly.dev" },
		Questions: []*answers.Question{
			{Key: "region", Title: "Fly.io primary region", Help: "Fly.io primary region", Kind: answers.KindString,
				Default: answers.Fixed("iad"), Validate: answers.Matches(regexp.MustCompile(`^[a-z]{3}$`), "Fly region code (three letters, e.g. iad, fra)")},
			{Key: "vm-size", Title: "Fly.io VM size", Help: "Fly.io machine size", Kind: answers.KindString,
				Default: answers.Fixed("shared-cpu-1x"), Validate: answers.Matches(regexp.MustCompile(`^(shared-cpu|performance)-\d+x$`), "Fly VM size (e.g. shared-cpu-1x, performance-2x)")},
			{Key: "vm-memory", Title: "Fly.io VM memory", Help: "Fly.io machine memory (e.g. 1gb, 512mb)", Kind: answers.KindString,
				Default: answers.Fixed("1gb"), Validate: answers.Matches(regexp.MustCompile(`^\d+(mb|gb)$`), "memory size (e.g. 512mb, 1gb)")},
		},
		Files: []File{{Template: "fly/fly.toml.tmpl", Path: At("fly.toml"), Mode: 0o644}},
		Derive: func(d *Data) {
			d.ReleaseCommand = d.NetworkDatabase
			d.FlyVolumeStage = d.Database == "sqlite" && d.Selected("fly")
			d.VolumeName = strings.ReplaceAll(d.Name, "-", "_") + "_data"
		},
		NextSteps: func(_ *project.Project, d *Data) []string {
			secrets := d.Env["SECRET_KEY_BASE"] + "=$(mix phx.gen.secret)"
			if d.Clustering {
				secrets += " RELEASE_COOKIE=$(mix phx.gen.secret 32)"
			}
			steps := []string{"fly apps create " + d.Name, fmt.Sprintf("fly secrets set --app %s %s", d.Name, secrets)}
			if d.NetworkDatabase {
				steps = append(steps, fmt.Sprintf("fly secrets set --app %s %s=<your database URL>", d.Name, d.Env["DATABASE_URL"]))
			}
			if d.Database == "sqlite" {
				return append(steps,
					fmt.Sprintf("fly volumes create %s --app %s --region %s --size %d", d.VolumeName, d.Name, d.Region, d.VolumeSize),
					"fly deploy --ha=false   # one machine: the SQLite volume lives on one host")
			}
			return append(steps, "fly deploy")
		},
		LibclusterHint: func(d *Data) string {
			return fmt.Sprintf(`use Cluster.Strategy.DNSPoll with query: "%s.internal" and node_basename: "%s" (the node name rel/env.sh.eex sets once RELEASE_COOKIE is a secret)`, d.Name, d.Name)
		},
	}
}
