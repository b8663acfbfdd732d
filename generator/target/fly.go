package target

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/patch"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/internal/match"
)

var (
	regionRe = match.Func(match.Region)
	vmSizeRe = match.Func(match.VMSize)
)

// memoryMB reads a Fly machine's memory (512mb, 1gb) in MB; 0 when it is not a memory size.
func memoryMB(s string) int {
	number, unit, ok := match.Memory(s)
	if !ok {
		return 0
	}
	mb, _ := strconv.Atoi(number)
	if unit == "gb" {
		mb *= 1024
	}
	return mb
}

// validateMemory checks a Fly machine's memory: at least 256 MB, in steps of 256 MB.
func validateMemory(s string) error {
	mb := memoryMB(s)
	if mb == 0 {
		return fmt.Errorf("%q is not a memory size (e.g. 512mb, 1gb)", s)
	}
	if mb < 256 || mb%256 != 0 {
		return fmt.Errorf("%q: Fly machines take 256mb or more, in steps of 256mb", s)
	}
	return nil
}

// maxVolumeName is Fly's limit on volume names.
const maxVolumeName = 30

const (
	// smallMachineMB and swapMB: a machine of 1gb or less gets 512 MB of swap (swap_size_mb),
	// for the BEAM's memory spikes at boot and in the release command, which would otherwise
	// get it OOM-killed.
	smallMachineMB = 1024
	swapMB         = 512
	// snapshotRetention is how many days Fly keeps each daily snapshot of a volume: its default
	// (fly volumes create --snapshot-retention, 1 to 60), written out so that it is seen.
	snapshotRetention = 5
)

// fly deploys to Fly.io: fly.toml, with migrations as a release command (SQLite: at boot, on a
// volume).
func fly() Target {
	return Target{
		Name: "fly", Title: "Fly.io", BuildsImage: true, SQLiteVolume: true,
		PublicHost: func(name string) string { return name + ".fly.dev" },
		Detected:   flyDetected,
		Questions: []*answers.Question{
			{Key: "region", Title: "Fly.io primary region", Help: "Fly.io primary region", Kind: answers.KindString,
				Default: func(p *project.Project, _ *answers.Values) (string, string, bool) {
					if r, where, ok := flyDetected(p, "region"); ok && validateRegion(r) == nil {
						return r, answers.DetectedAt(where), true
					}
					return "iad", answers.SourceDefault, true
				}, Validate: validateRegion},
			{Key: "vm-size", Title: "Fly.io VM size", Help: "Fly.io machine size", Kind: answers.KindString,
				Default: answers.Fixed("shared-cpu-1x"), Validate: answers.Matches(vmSizeRe, "Fly VM size (e.g. shared-cpu-1x, performance-2x)")},
			{Key: "vm-memory", Title: "Fly.io VM memory", Help: "Fly.io machine memory (e.g. 1gb, 512mb)", Kind: answers.KindString,
				Default: answers.Fixed("1gb"), Validate: validateMemory},
		},
		Files: []File{{Template: "fly/fly.toml.tmpl", Path: At("fly.toml"), Mode: 0o644, When: func(d *Data) bool { return len(d.flyConfigs) == 0 },
			Kept: func(d *Data) string { return d.keptFly }}},
		Edits: append(keptEdits("fly"), Edit{ // a project that keeps its Fly configs elsewhere keeps them: no root fly.toml
			Path: func(p *project.Project, _ *Data) string { return p.FlyConfigs[0] },
			When: func(p *project.Project, _ *Data) bool { return len(p.FlyConfigs) > 0 },
			Patch: func(_, file string, p *project.Project, d *Data) (string, error) {
				reason := fmt.Sprintf("the project keeps its Fly configs in %s; phxdeploy writes no fly.toml beside them (it would be the one `fly deploy` picks)", strings.Join(p.FlyConfigs, ", "))
				switch c := p.FlyConfig; {
				case c != nil && c.File == file && d.keptFly != "":
					reason += "; " + d.keptFly
				case c == nil && len(p.FlyConfigs) > 1:
					reason += "; with several, phxdeploy cannot tell which one deploys and takes the app, region and host from none (give them with --name, --region and --host)"
				}
				if problems := d.keptProblems[file]["fly"]; len(problems) > 0 {
					reason += "; " + strings.Join(problems, "; ")
				}
				return "", patch.StepBack(reason,
					"compare them with what phxdeploy would write: phxdeploy init --target fly --dry-run in a copy without them\n")
			},
		}),
		Check: func(_ *project.Project, v *answers.Values) error {
			if name := v.String("name"); v.String("database") == "sqlite" && len(volumeName(name)) > maxVolumeName {
				return &answers.UsageError{Msg: fmt.Sprintf("--name %s: the SQLite volume would be %s, longer than Fly's %d characters; give a --name of %d characters at most", name, volumeName(name), maxVolumeName, maxVolumeName-len("_data"))}
			}
			return nil
		},
		Derive: func(d *Data) {
			d.ReleaseCommand = d.NetworkDatabase
			// phxdeploy's Dockerfile has the stage; the project's own does not
			d.FlyVolumeStage = d.Database == "sqlite" && d.Selected("fly") && !d.KeptImage
			d.VolumeName = volumeName(d.Name)
			if d.flyVolume != "" {
				d.VolumeName = d.flyVolume // the volume the project's own Fly config mounts
			}
			if mb := memoryMB(d.VMMemory); mb > 0 && mb <= smallMachineMB {
				d.SwapSizeMB = swapMB
			}
			d.SnapshotRetention = snapshotRetention
		},
		NextSteps: func(_ *project.Project, d *Data) []Step {
			var env []EnvVar
			for _, v := range d.EnvFor("fly") {
				if _, ok := d.flyEnv[v.Name]; !ok { // the project's own Fly config sets it
					env = append(env, v)
				}
			}
			set := append(given(env, true), given(env, false)...)
			if d.Clustering {
				set = append(set, cookie)
			}
			var steps []Step
			several := d.flyConfigFile == "" && len(d.flyConfigs) > 1
			switch {
			case several:
				// supabase/realtime keeps deploy/fly/{prod,qa,staging}.toml: a bare `fly deploy`
				// finds no config, and which app deploys is the user's choice
				steps = []Step{say("the project keeps several Fly configs (%s) and phxdeploy cannot tell which one deploys: the commands below are for the app %s (--name); if it does not exist yet: fly apps create %s", strings.Join(d.flyConfigs, ", "), d.Name, d.Name)}
			case d.flyConfigOwn && d.flyConfigApp != d.Name:
				steps = []Step{say("%s deploys the app %s, not %s: settle the manual step on it first", d.flyConfigFile, or(d.flyConfigApp, "(none)"), d.Name),
					run("fly apps create " + d.Name)}
			case d.flyConfigOwn:
				// The project deploys with its own config already: its app most likely exists.
				steps = []Step{say("%s names the app %s: if the project deploys there already, it exists; skip the next command then", d.flyConfigFile, d.Name),
					run("fly apps create " + d.Name)}
			default:
				// Fly app names are global: a short one is most likely taken. update changes the
				// name everywhere (fly.toml merged, not a conflict) and saves it.
				steps = []Step{say("Fly app names are global: if fly apps create says %s is taken, run phxdeploy update --name %s-$(openssl rand -hex 3) (it renames the app in fly.toml and saves the name) and follow its next steps instead", d.Name, flyNameStem(d.Name)),
					run("fly apps create " + d.Name)}
			}
			if d.flyConfigOwn && len(set) > 0 {
				steps = append(steps, say("if %s runs already, it has its secrets: set only those it lacks (fly secrets list --app %s); a new SECRET_KEY_BASE signs everyone out", d.Name, d.Name))
			}
			steps = append(steps, exportFirst(set)...)
			if len(set) > 0 {
				// Values fly.toml cannot hold (secrets, and values phxdeploy does not know) are
				// Fly secrets; --stage sets them without restarting anything.
				steps = append(steps, run(setCommand("fly secrets set --stage --app "+d.Name, set, func(n, v string) string { return n + "=" + v })))
			}
			if several {
				return append(steps, say("then deploy with the config that names %s: fly deploy --config FILE%s, FILE one of %s", d.Name, d.buildArgWords(), strings.Join(d.flyConfigs, ", ")))
			}
			deploy := "fly deploy" + d.buildArgWords()
			if d.flyConfigFile != "" && d.flyConfigFile != "fly.toml" {
				deploy = "fly deploy --config " + d.flyConfigFile + d.buildArgWords()
			}
			if d.Database == "sqlite" {
				return append(steps,
					run(fmt.Sprintf("fly volumes create %s --app %s --region %s --size %d --snapshot-retention %d --yes", d.VolumeName, d.Name, d.Region, d.VolumeSize, d.SnapshotRetention)),
					say("one machine: the SQLite volume lives on one host"),
					run(deploy+" --ha=false"),
					say("Fly snapshots the volume daily and keeps each snapshot %d days; a snapshot taken while SQLite writes is no consistent backup: keep one with Litestream or sqlite3's .backup (--extra-packages sqlite3). The snapshots: %s",
						d.SnapshotRetention, listSnapshots(d.Name)))
			}
			return append(steps, run(deploy))
		},
		LibclusterHint: func(d *Data) string {
			return fmt.Sprintf(`use Cluster.Strategy.DNSPoll with query: "%s.internal" and node_basename: "%s" (the node name rel/env.sh.eex sets once RELEASE_COOKIE is a secret)`, d.Name, d.Name)
		},
	}
}

// validateRegion checks a Fly region code.
func validateRegion(s string) error {
	return answers.Matches(regionRe, "Fly region code (three letters, e.g. iad, fra)")(s)
}

// flyDetected is what the Fly config the project deploys with settles: the app (the deploy
// name), the primary region, the host its [env] gives the app, and the port Fly routes to when
// [env] agrees. A host that is only the app's <app>.fly.dev follows the name instead.
func flyDetected(p *project.Project, key string) (string, string, bool) {
	c := p.FlyConfig
	if c == nil || c.Problem != "" {
		return "", "", false
	}
	names := p.Names()
	switch key {
	case "name":
		return c.App, c.At("app"), c.App != ""
	case "region":
		return c.PrimaryRegion, c.At("primary_region"), c.PrimaryRegion != ""
	case "host":
		v := or(names["PHX_HOST"], "PHX_HOST")
		h := hostOf(c.Env[v])
		return h, c.At("env." + v), h != "" && h != c.App+".fly.dev"
	case "port":
		v := or(names["PORT"], "PORT")
		if env, ok := c.Env[v]; c.InternalPort == 0 || ok && env != strconv.Itoa(c.InternalPort) {
			return "", "", false // Fly would route to a port the app does not listen on: no guess
		}
		return strconv.Itoa(c.InternalPort), c.At("http_service.internal_port"), true
	}
	return "", "", false
}

// hostOf is the host of a PHX_HOST value, which an app may read as a URL (https://host/).
func hostOf(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/:"); i >= 0 {
		s = s[:i]
	}
	return s
}

// listSnapshots is a command that lists the snapshots of every volume of the app.
func listSnapshots(app string) string {
	return fmt.Sprintf("for v in $(fly volumes list --app %s --json | jq -r '.[].id'); do fly volumes snapshots list \"$v\"; done", app)
}

func volumeName(name string) string { return strings.ReplaceAll(name, "-", "_") + "_data" }

// flyNameStem leaves room in a name for "-" and a 6-digit suffix (63 characters in all).
func flyNameStem(name string) string {
	return name[:min(len(name), 63-7)]
}
