package target

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// followFlyConfig follows the Fly config the project keeps (its own fly.toml, or its one config
// elsewhere): the next steps address its app and deploy with it, the variables its [env] sets
// are set, and what it contradicts (an answer, or what the release needs on Fly) is a manual
// step on it for the fly target, never a silent difference.
func (d *Data) followFlyConfig(p *project.Project, v *answers.Values) {
	c := p.FlyConfig
	if c == nil || c.Problem != "" || !d.Selected("fly") {
		return
	}
	d.flyConfigFile = c.File
	if !c.Own {
		return // phxdeploy's own fly.toml: rendered again, merged with the user's edits
	}
	d.flyConfigOwn, d.flyEnv, d.flyConfigApp = true, c.Env, c.App
	problem := func(format string, args ...any) { d.keptProblem(c.File, "fly", format, args...) }
	// given says where an answer came from, for a message.
	given := func(key string) string {
		switch src := v.Source(key); {
		case src == answers.SourceFlag:
			return "--" + key
		case src == answers.SourceSaved:
			return answers.SavedFile
		case answers.IsDetected(src):
			return strings.TrimPrefix(src, answers.SourceDetected+": ")
		default:
			return src
		}
	}
	var notes []string
	if c.App != "" {
		notes = append(notes, "it deploys the app "+c.App)
		if c.App != d.Name {
			problem("it deploys the app %s (%s), but the deploy name is %s (%s): `fly deploy` would deploy %s while the next steps create and configure %s; set app = %q there, or leave out --name",
				c.App, c.At("app"), d.Name, given("name"), c.App, d.Name, d.Name)
		}
	} else {
		problem("it names no app (app = ...): `fly deploy` would ask for one; add app = %q", d.Name)
	}
	if c.PrimaryRegion != "" {
		notes = append(notes, "in "+c.PrimaryRegion)
		if c.PrimaryRegion != d.Region {
			problem("its primary_region is %s (%s), but the region is %s (%s): set primary_region = %q there, or leave out --region", c.PrimaryRegion, c.At("primary_region"), d.Region, given("region"), d.Region)
		}
	}
	host := d.Host
	if h, ok := d.hostDefaults["fly"]; ok {
		host = h
	}
	hostVar := or(d.Env["PHX_HOST"], "PHX_HOST")
	if h, ok := c.Env[hostVar]; ok {
		notes = append(notes, "served on "+hostOf(h))
		if hostOf(h) != host {
			fix := ", or leave out --host"
			if d.hostNeeded {
				fix = " (one --host serves every target, and another target needs one)"
			}
			problem("its [env] sets %s = %q (%s), but the host is %s (%s): set %s = %q there%s", hostVar, h, c.At("env."+hostVar), host, given("host"), hostVar, host, fix)
		}
	}
	portVar := or(d.Env["PORT"], "PORT")
	if c.InternalPort > 0 && c.InternalPort != d.Port {
		problem("Fly routes HTTP to internal_port %d (%s), but the endpoint listens on %d (%s): set internal_port = %d there, or pass --port %d", c.InternalPort, c.At("http_service.internal_port"), d.Port, given("port"), d.Port, c.InternalPort)
	}
	if env, ok := c.Env[portVar]; ok && env != strconv.Itoa(d.Port) {
		problem("its [env] sets %s = %q (%s), but the endpoint listens on %d (%s): set %s = \"%d\" there, or pass --port %s", portVar, env, c.At("env."+portVar), d.Port, given("port"), portVar, d.Port, env)
	}
	migrate := strings.Join(d.FlyMigrateCommand, " ")
	switch {
	case c.ReleaseCommand != "":
		notes = append(notes, "migrations run its release_command ("+c.ReleaseCommand+")")
		if d.Database == "sqlite" && d.Ecto {
			problem("its release_command (%s) runs in a temporary machine without the volume, so it migrates a database nobody uses: remove it and migrate at boot (MIGRATE_ON_BOOT = \"true\" under [env])", c.At("deploy.release_command"))
		}
	case d.NetworkDatabase && !imageMigrates(p):
		problem("it runs no release_command, so migrations never run on Fly: add release_command = %q under [deploy]", migrate)
	}
	if d.Database == "sqlite" && d.Ecto {
		dbVar := or(d.Env["DATABASE_PATH"], "DATABASE_PATH")
		dbPath := or(c.Env[dbVar], d.DataDir+"/"+d.App+".db")
		mounted := false
		for _, m := range c.Mounts {
			if m.Destination != "" && strings.HasPrefix(dbPath, strings.TrimSuffix(m.Destination, "/")+"/") {
				mounted = true
				d.flyVolume = m.Source
			}
		}
		if !mounted {
			problem("the SQLite database (%s) is on no volume it mounts, so every deploy starts with an empty one: add a [[mounts]] with source = %q and destination = %q", dbPath, volumeName(d.Name), path.Dir(dbPath))
		}
		if c.Env["MIGRATE_ON_BOOT"] == "" && c.ReleaseCommand == "" {
			problem("its [env] does not set MIGRATE_ON_BOOT = \"true\", so migrations never run on Fly (the release command has no volume): add it under [env]")
		}
	}
	// What the release requires and phxdeploy's fly.toml would set in [env].
	for _, e := range d.EnvFor("fly") {
		if _, ok := c.Env[e.Name]; !ok && e.Required && !e.Secret && e.Value != "" && e.SetBy == "" {
			src := ""
			if len(e.Sources) > 0 {
				src = " (" + e.Sources[0] + ")"
			}
			problem("its [env] does not set %s, which the release requires%s: add %s = %q under [env]", e.Name, src, e.Name, e.Value)
		}
	}
	d.keptFly = fmt.Sprintf("the project's own %s, which phxdeploy keeps and reads: %s; replace it with --force %s", c.File, strings.Join(notes, ", "), c.File)
	if c.File != "fly.toml" {
		d.keptFly = fmt.Sprintf("phxdeploy follows %s: %s", c.File, strings.Join(notes, ", "))
	}
}

// imageMigrates reports whether the project's own image migrates when it starts (its command
// names a migration), so that Fly needs no release_command.
func imageMigrates(p *project.Project) bool {
	img := p.KeptImage
	if img == nil {
		return false
	}
	return strings.Contains(strings.Join(append(append([]string{}, img.Entrypoint...), img.Cmd...), " "), "migrat")
}
