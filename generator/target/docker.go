package target

import (
	"github.com/phxdeploy/phxdeploy/generator/patch"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// docker runs the release with Docker Compose, with its database.
func docker() Target {
	return Target{
		Name: "docker", Title: "Docker Compose", BuildsImage: true, LocalHost: true,
		Files: []File{
			{Template: "docker/compose.yaml.tmpl", Path: func(d *Data) string { return d.ComposeFile }, Mode: 0o644},
			{Template: "docker/env.prod.example.tmpl", Path: At(".env.prod.example"), Mode: 0o644},
		},
		Edits: []Edit{{ // compose's secrets stay out of git
			Path: func(*project.Project, *Data) string { return ".gitignore" },
			Patch: func(src, _ string, _ *project.Project, _ *Data) (string, error) {
				return patch.Ignore(src, ".env.prod", "secrets for docker compose (phxdeploy)")
			},
		}},
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
		NextSteps: func(_ *project.Project, d *Data) []string {
			up := "docker compose up --build"
			if d.ComposeFile != "compose.yaml" {
				up = "docker compose -f " + d.ComposeFile + " up --build"
			}
			return []string{
				"cp .env.prod.example .env.prod and fill it in (it holds secrets: never commit it)",
				up,
			}
		},
		LibclusterHint: hostLibclusterHint,
	}
}

// hostLibclusterHint is the libcluster strategy for nodes named after their host.
func hostLibclusterHint(d *Data) string {
	return "list the nodes (" + d.Release + "@<host>) with Cluster.Strategy.Epmd, or use DNSPoll"
}
