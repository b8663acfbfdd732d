package target

import (
	"path"

	"github.com/phxdeploy/phxdeploy/generator/project"
)

// Deployment is the contract every target renders from, in one place: where the release lives
// and how it starts and migrates (in the image, on a host), as which user, on which ports, how
// nodes are named, and what the build needs. Each part says where it comes from: phxdeploy's own
// files, or a file the project keeps.
type Deployment struct {
	Image        *ImageContract `json:"image,omitempty"` // when a selected target runs the image
	Host         *HostContract  `json:"host,omitempty"`  // systemd
	HTTPPort     int            `json:"http_port"`
	Distribution *DistContract  `json:"distribution,omitempty"` // when nodes cluster
}

// ImageContract is how the targets that run the image use it.
type ImageContract struct {
	From       string   `json:"from"` // "phxdeploy's Dockerfile" or "the project's Dockerfile"
	ReleaseDir string   `json:"release_dir,omitempty"`
	Entrypoint []string `json:"entrypoint,omitempty"`
	Cmd        []string `json:"cmd,omitempty"`
	// Migrate is the command compose and Kubernetes run (replacing the ENTRYPOINT, or as its
	// arguments when the ENTRYPOINT is phxdeploy's init); FlyReleaseCommand is Fly's, which
	// runs through the ENTRYPOINT.
	Migrate           []string `json:"migrate,omitempty"`
	FlyReleaseCommand []string `json:"fly_release_command,omitempty"`
	UID               int      `json:"uid"`
	BuildArgs         []string `json:"build_args,omitempty"`
}

// HostContract is how systemd runs the release on a host.
type HostContract struct {
	ReleaseDir string   `json:"release_dir"`
	User       string   `json:"user"`
	Start      []string `json:"start"`
	Migrate    []string `json:"migrate,omitempty"`
}

// DistContract is how nodes find and reach each other.
type DistContract struct {
	From      string            `json:"from"` // "phxdeploy's rel/env.sh.eex", the project's, or its vm.args
	Port      int               `json:"port"`
	EPMDPort  int               `json:"epmd_port"`
	NodeNames map[string]string `json:"node_names,omitempty"` // per target, phxdeploy's rule
}

// Deployment assembles the contract from the data the templates render.
func (d *Data) Deployment(p *project.Project) Deployment {
	out := Deployment{HTTPPort: d.Port}
	if d.imageBuilt {
		img := &ImageContract{From: "phxdeploy's Dockerfile", ReleaseDir: d.ReleaseDir, Entrypoint: d.ImageInit,
			Cmd: []string{path.Join(d.ReleaseDir, "bin", "server")}, UID: d.UID, BuildArgs: d.BuildArgs}
		if d.KeptImage && p.KeptImage != nil {
			img.From, img.Entrypoint, img.Cmd = "the project's Dockerfile", p.KeptImage.Entrypoint, p.KeptImage.Cmd
		}
		if d.Ecto {
			img.Migrate, img.FlyReleaseCommand = d.MigrateCommand, d.FlyMigrateCommand
		}
		out.Image = img
	}
	if d.Selected("systemd") {
		h := &HostContract{ReleaseDir: d.InstallDir, User: d.ServiceUser, Start: []string{path.Join(d.InstallDir, "bin", "server")}}
		if d.Ecto {
			h.Migrate = []string{path.Join(d.InstallDir, "bin", "migrate")}
		}
		out.Host = h
	}
	if d.Clustering {
		dist := &DistContract{From: "phxdeploy's rel/env.sh.eex", Port: d.DistPort, EPMDPort: 4369, NodeNames: map[string]string{}}
		switch {
		case p.OwnNodeNames:
			dist.From = "the project's " + p.Sources["node_naming"]
		case p.KeptEnvSh != nil:
			dist.From = "the project's " + p.KeptEnvSh.File
		default:
			for _, t := range []string{"fly", "k8s"} {
				if d.Selected(t) {
					dist.NodeNames[t] = nodeHint(t, d.Release)
				}
			}
			if d.Selected("systemd") || d.Selected("docker") {
				dist.NodeNames["elsewhere"] = d.Release + "@${RELEASE_HOST:-$(uname -n)} (a short name when it has no dot)"
			}
		}
		out.Distribution = dist
	}
	return out
}
