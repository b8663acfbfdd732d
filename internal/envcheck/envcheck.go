// Package envcheck reads, from the files phxdeploy renders and its next steps, the environment
// variables each selected target gives the release, and compares them with the variables the
// release requires (the environment contract). The golden tests run it on every scenario;
// `phxdeploy debug env` runs it on any project.
package envcheck

import (
	"bufio"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// Required returns the variables the report says the release cannot boot without, sorted.
func Required(res *generator.Result) []string {
	var out []string
	for _, v := range res.Report.Environment {
		if v.Required {
			out = append(out, v.Name)
		}
	}
	sort.Strings(out)
	return out
}

// flyPlatform are the variables Fly.io sets in every machine.
var flyPlatform = []string{"FLY_APP_NAME", "FLY_REGION", "FLY_PRIVATE_IP", "FLY_ALLOC_ID", "FLY_MACHINE_ID", "FLY_IMAGE_REF", "PRIMARY_REGION"}

var (
	assignRe    = lazyre.New(`(?:^|\s|--from-literal=)([A-Z][A-Z0-9_]*)="`)
	envLineRe   = lazyre.New(`^([A-Z][A-Z0-9_]*)=`)
	exportRe    = lazyre.New(`export ([A-Z][A-Z0-9_]*)=`)
	dockerENVRe = lazyre.New(`(?m)^(?:ENV\s+|\s+)([A-Z][A-Z0-9_]*)=`)
	unitEnvRe   = lazyre.New(`(?m)^Environment=([A-Z][A-Z0-9_]*)=`)
)

// Provided returns, for each selected target, the variables its files and next steps give the
// release: for Kubernetes, those every container (migrations included) gets; for systemd, those
// both units (the release's and the migrations') get. Files are read as phxdeploy renders them.
func Provided(res *generator.Result) (map[string][]string, error) {
	files := map[string]string{}
	for _, c := range res.Changes {
		if c.Content != nil {
			files[c.Path] = string(c.Content)
		}
	}
	steps := map[string][]string{}
	for _, s := range res.Report.NextSteps {
		steps[s.Target] = append(steps[s.Target], s.Command)
	}
	fromSteps := func(target string) []string {
		var out []string
		for _, cmd := range steps[target] {
			for _, m := range assignRe.FindAllStringSubmatch(cmd, -1) {
				out = append(out, m[1])
			}
		}
		return out
	}
	image := func() []string {
		var out []string
		for _, m := range dockerENVRe.FindAllStringSubmatch(files["Dockerfile"], -1) {
			out = append(out, m[1])
		}
		return out
	}
	envFile := func(name string) []string {
		var out []string
		sc := bufio.NewScanner(strings.NewReader(files[name]))
		for sc.Scan() {
			if m := envLineRe.FindStringSubmatch(sc.Text()); m != nil {
				out = append(out, m[1])
			}
		}
		return out
	}
	out := map[string][]string{}
	for _, target := range res.Data.Targets {
		var got []string
		switch target {
		case "fly":
			var cfg struct{ Env map[string]string }
			if c := res.Project.FlyConfig; c != nil && c.Own {
				cfg.Env = c.Env // the project's own Fly config, which phxdeploy keeps
			} else if err := toml.Unmarshal([]byte(files["fly.toml"]), &cfg); err != nil {
				return nil, fmt.Errorf("fly.toml: %w", err)
			}
			for k := range cfg.Env {
				got = append(got, k)
			}
			for _, m := range exportRe.FindAllStringSubmatch(files["rel/env.sh.eex"], -1) {
				got = append(got, m[1])
			}
			got = append(append(append(got, fromSteps("fly")...), image()...), flyPlatform...)
		case "docker":
			var compose struct {
				Services map[string]struct {
					Environment map[string]string
				}
			}
			if err := yaml.Unmarshal([]byte(files[res.Data.ComposeFile]), &compose); err != nil {
				return nil, fmt.Errorf("%s: %w", res.Data.ComposeFile, err)
			}
			for k := range compose.Services["web"].Environment {
				got = append(got, k)
			}
			got = append(append(got, envFile(".env.prod.example")...), image()...)
		case "systemd":
			for _, m := range unitEnvRe.FindAllStringSubmatch(files["deploy/systemd/"+res.Data.Name+".service"], -1) {
				got = append(got, m[1])
			}
			// The migrations read the runtime config too: what their unit lacks, neither has.
			if migrate, ok := files["deploy/systemd/"+res.Data.Name+"-migrate.service"]; ok {
				var names []string
				for _, m := range unitEnvRe.FindAllStringSubmatch(migrate, -1) {
					names = append(names, m[1])
				}
				got = slices.DeleteFunc(got, func(n string) bool { return !slices.Contains(names, n) })
			}
			got = append(got, envFile("deploy/systemd/"+res.Data.Name+".env.example")...)
		case "k8s":
			var workload struct {
				Spec struct {
					Template struct {
						Spec struct {
							InitContainers, Containers []struct {
								Env []struct{ Name string }
							}
						}
					}
				}
			}
			if err := yaml.Unmarshal([]byte(files["deploy/k8s/"+res.Data.WorkloadFile]), &workload); err != nil {
				return nil, fmt.Errorf("%s: %w", res.Data.WorkloadFile, err)
			}
			spec := workload.Spec.Template.Spec
			for i, c := range append(spec.InitContainers, spec.Containers...) {
				var names []string
				for _, e := range c.Env {
					names = append(names, e.Name)
				}
				if i == 0 {
					got = names
				} else {
					got = slices.DeleteFunc(got, func(n string) bool { return !slices.Contains(names, n) })
				}
			}
		default:
			continue
		}
		sort.Strings(got)
		out[target] = slices.Compact(got)
	}
	return out, nil
}

// Missing returns, per selected target, the required variables it does not provide.
func Missing(res *generator.Result) (map[string][]string, error) {
	provided, err := Provided(res)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for target, got := range provided {
		for _, name := range Required(res) {
			if !slices.Contains(got, name) {
				out[target] = append(out[target], name)
			}
		}
	}
	return out, nil
}
