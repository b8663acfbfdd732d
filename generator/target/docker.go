package target

import (
	"fmt"
	"github.com/phxdeploy/phxdeploy/generator/patch"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"strings"
)

// docker runs the release with Docker Compose, with its database.
func docker() Target {
	return Target{
		Name: "docker", Title: "Docker Compose", BuildsImage: true, LocalHost: true,
		Files: []File{
			{Template: "docker/compose.yaml.tmpl", Path: func(d *Data) string { return d.ComposeFile }, Mode: 0o644},
			{Template: "docker/env.prod.example.tmpl", Path: At(".env.prod.example"), Mode: 0o644},
		},
		Edits: append(keptEdits("docker"), Edit{ // compose's secrets stay out of git
			Path: func(*project.Project, *Data) string { return ".gitignore" },
			Patch: func(src, _ string, _ *project.Project, _ *Data) (string, error) {
				return patch.Ignore(src, ".env.prod", "secrets for docker compose (phxdeploy)")
			},
		}),
		Derive: func(d *Data) {
			// A compose.yaml beside the project's docker-compose.yml would win over it and break
			// its development setup: phxdeploy's goes to compose.prod.yaml then.
			d.ComposeFile = "compose.yaml"
			for _, f := range d.composeFiles {
				if f != "compose.yaml" {
					d.ComposeFile = "compose.prod.yaml"
				}
			}
		},
		NextSteps: func(_ *project.Project, d *Data) []Step {
			up := "docker compose --env-file .env.prod"
			if d.ComposeFile != "compose.yaml" {
				up += " -f " + d.ComposeFile
			}
			steps := []Step{run("cp .env.prod.example .env.prod")}
			env := d.EnvFor("docker")
			fill := names(append(given(env, true), given(env, false)...))
			if d.NetworkDatabase {
				fill = strings.TrimSpace(strings.Join(d.ComposePasswords(), " ") + " " + fill)
			}
			if fill != "" {
				steps = append(steps, say("fill in .env.prod (it holds secrets: never commit it): %s", fill))
			}
			if len(d.BuildArgs) > 0 {
				steps = append(steps, say("the build reads %s at compile time: set them in .env.prod too", strings.Join(d.BuildArgs, " ")))
			}
			if fill != "" {
				// Refuse to start while a required line is empty: Compose would pass "", which an
				// app's `System.get_env(...) || raise` accepts.
				empty := "^(" + strings.ReplaceAll(fill, " ", "|") + ")=$"
				steps = append(steps, run(fmt.Sprintf("if grep -nE '%s' .env.prod; then echo 'fill in the values above in .env.prod first'; else %s up --build; fi", empty, up)))
			} else {
				steps = append(steps, run(up+" up --build"))
			}
			if d.secondDatabase != "" {
				steps = append(steps, say("%s names a second database, which Compose does not run: point it at a server in .env.prod", d.secondDatabase))
			}
			return steps
		},
		LibclusterHint: hostLibclusterHint,
	}
}

// hostLibclusterHint is the libcluster strategy for nodes named after their host.
func hostLibclusterHint(d *Data) string {
	return "list the nodes (" + d.Release + "@<host>) with Cluster.Strategy.Epmd, or use DNSPoll"
}
