package generator_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// A Fly config the project deploys with already (algora's tv, elixirschool's school_house): as
// `fly launch` on an existing config, phxdeploy takes its app, region, host and port as the
// answers' defaults, keeps the file, addresses its app in the next steps, and makes a manual
// step of what contradicts it.

// flyLaunchToml is the shape of a fly.toml `fly launch` wrote and the team edited since: its
// own app name (taken: another suffix), its region, a custom host and flyctl's port 8080.
const flyLaunchToml = `# fly.toml app configuration file generated for shop-prod on 2024-02-08T18:25:10+02:00

app = 'shop-prod'
primary_region = 'fra'
kill_signal = 'SIGTERM'

[build]

[deploy]
  release_command = '/app/bin/migrate'

[env]
  PHX_HOST = 'shop.example.com'
  PORT = '8080'

[http_service]
  internal_port = 8080
  force_https = true
  auto_stop_machines = 'stop'
  auto_start_machines = true
  min_machines_running = 0
  processes = ['app']

[[vm]]
  memory = '1gb'
  cpu_kind = 'shared'
  cpus = 1
`

// flySqliteToml keeps a SQLite app on Fly without a volume: every deploy would start with an
// empty database.
const flySqliteToml = `app = "shop-lite"
primary_region = "ams"

[env]
  DATABASE_PATH = "/data/shop.db"

[[services]]
  internal_port = 4000
  protocol = "tcp"

  [[services.ports]]
    handlers = ["http"]
    port = 80

  [[services.ports]]
    handlers = ["tls", "http"]
    port = 443
`

func wantAnswer(key, value, source string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		want(t, key, res.Values.String(key), value)
		want(t, key+"'s source", res.Values.Source(key), source)
	}
}

func wantNoStep(target, part string) func(*testing.T, *generator.Result) {
	return func(t *testing.T, res *generator.Result) {
		t.Helper()
		for _, s := range res.Report.NextSteps {
			if s.Target == target && strings.Contains(s.Command+s.Text, part) {
				t.Errorf("a next step of %s says %q: %s%s", target, part, s.Command, s.Text)
			}
		}
	}
}

var flyConfigScenarios = []scenario{
	// fly.toml's facts are the defaults, with where they are set; the file is kept, agrees with
	// everything, and the next steps address its app.
	{name: "fly_toml_of_the_project", fixture: "phx18_postgres", mutate: withFile("fly.toml", flyLaunchToml),
		answers: map[string]string{"target": "fly"},
		facts: keptFacts(
			wantAnswer("name", "shop-prod", "detected: fly.toml:3"),
			wantAnswer("region", "fra", "detected: fly.toml:4"),
			wantAnswer("host", "shop.example.com", "detected: fly.toml:13"),
			wantAnswer("port", "8080", "detected: fly.toml:17"),
			wantKept("fly.toml", "the app shop-prod", "in fra", "served on shop.example.com", "release_command (/app/bin/migrate)", "--force fly.toml"),
			wantNoManual("fly.toml", "fly"),
			wantStep("fly", "fly apps create shop-prod"),
			wantStep("fly", "fly secrets set --stage --app shop-prod"),
			wantNoStep("fly", "phxdeploy update --name"),
		)},
	// Answers given that contradict the kept fly.toml: each is a manual step naming the fix.
	{name: "fly_toml_contradicted_by_flags", fixture: "phx18_postgres", mutate: withFile("fly.toml", flyLaunchToml),
		answers: map[string]string{"target": "fly", "name": "shop-staging", "region": "ams", "host": "staging.example.com", "port": "4000"},
		facts: keptFacts(
			wantKept("fly.toml"),
			wantManual("fly.toml", "fly",
				"it deploys the app shop-prod (fly.toml:3), but the deploy name is shop-staging (--name)",
				"its primary_region is fra (fly.toml:4), but the region is ams (--region)",
				`its [env] sets PHX_HOST = "shop.example.com" (fly.toml:13), but the host is staging.example.com (--host)`,
				"Fly routes HTTP to internal_port 8080 (fly.toml:17), but the endpoint listens on 4000 (--port)"),
			func(t *testing.T, res *generator.Result) {
				for _, c := range res.Changes {
					if c.Path == "fly.toml" && c.Action == generator.Manual && !strings.Contains(c.Snippet, "--force fly.toml") {
						t.Errorf("the manual step does not name --force fly.toml: %s", c.Snippet)
					}
				}
			},
		)},
	// SQLite kept on no volume, without migrations at boot; [[services]] gives the port.
	{name: "fly_toml_of_the_project_sqlite", fixture: "phx18_sqlite", mutate: withFile("fly.toml", flySqliteToml),
		answers: map[string]string{"target": "fly"},
		facts: keptFacts(
			wantAnswer("name", "shop-lite", "detected: fly.toml:1"),
			wantAnswer("port", "4000", "detected: fly.toml:8"),
			wantAnswer("host", "shop-lite.fly.dev", "default"),
			wantManual("fly.toml", "fly", "the SQLite database (/data/shop.db) is on no volume it mounts", "MIGRATE_ON_BOOT"),
		)},
	// Several targets: the Fly app's name is the deploy name of every target (one name), and
	// each target keeps its own host: Fly's from fly.toml, Compose's localhost.
	{name: "fly_toml_with_other_targets", fixture: "phx18_postgres", mutate: withFile("fly.toml", flyLaunchToml),
		answers: map[string]string{"target": "fly,docker"},
		facts: keptFacts(
			wantAnswer("name", "shop-prod", "detected: fly.toml:3"),
			wantAnswer("host", "shop.example.com", "detected: fly.toml:13"),
			func(t *testing.T, res *generator.Result) {
				for _, v := range res.Data.EnvFor("docker") {
					if v.Name == "PHX_HOST" && v.Value != "localhost" {
						t.Errorf("Compose's PHX_HOST is %q, want its own localhost", v.Value)
					}
				}
			},
		)},
}

func init() { scenarios = append(scenarios, flyConfigScenarios...) }

// TestFlyConfigNotTOML: a fly.toml that is not TOML fails a deploy to Fly, naming the file and
// the line (phxdeploy cannot tell which app it deploys); other targets do not read it; --force
// fly.toml replaces it, with a warning that nothing was read from it.
func TestFlyConfigNotTOML(t *testing.T) {
	dir := scenarioDir(t, scenario{fixture: "phx18_postgres", mutate: withFile("fly.toml", "app = 'shop-prod'\nprimary_region = fra\n")})
	_, err := generator.Run(context.Background(), generator.Request{Dir: dir, DryRun: true, Given: map[string]string{"target": "fly"}}, nil)
	var perr *project.Error
	if !errors.As(err, &perr) || !strings.Contains(err.Error(), "fly.toml: is not valid TOML (line 2") || !strings.Contains(err.Error(), "--force fly.toml") {
		t.Fatalf("want an error naming fly.toml, its line and the fix; got %v", err)
	}
	if generator.ExitCode(err) != generator.ExitFailed {
		t.Errorf("exit code %d, want %d", generator.ExitCode(err), generator.ExitFailed)
	}
	res := dryRun(t, dir, map[string]string{"target": "docker"})
	want(t, "docker's name", res.Values.String("name"), "shop")

	res, err = generator.Run(context.Background(), generator.Request{Dir: dir, DryRun: true, Given: map[string]string{"target": "fly"}, Forced: []string{"fly.toml"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want(t, "name", res.Values.String("name"), "shop")
	if c := changed(res, "fly.toml"); c == nil || c.Action != generator.Overwrite {
		t.Errorf("fly.toml is not replaced: %+v", c)
	}
	if !hasWarning(res, "fly.toml is not valid TOML") {
		t.Errorf("no warning that nothing was read from fly.toml: %q", res.Report.Warnings)
	}
}

// TestFlyConfigForcedKeepsItsApp: --force fly.toml replaces the project's fly.toml with
// phxdeploy's for the same app, region and host (as fly launch does with an existing config).
func TestFlyConfigForcedKeepsItsApp(t *testing.T) {
	dir := scenarioDir(t, scenario{fixture: "phx18_postgres", mutate: withFile("fly.toml", flyLaunchToml)})
	res, err := generator.Run(context.Background(), generator.Request{Dir: dir, DryRun: true, Given: map[string]string{"target": "fly"}, Forced: []string{"fly.toml"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := changed(res, "fly.toml")
	if c == nil || c.Action != generator.Overwrite {
		t.Fatalf("fly.toml is not replaced: %+v", c)
	}
	for _, line := range []string{`app = "shop-prod"`, `primary_region = "fra"`, `PHX_HOST = "shop.example.com"`, "internal_port = 8080"} {
		if !strings.Contains(string(c.Content), line) {
			t.Errorf("phxdeploy's fly.toml lacks %s", line)
		}
	}
	if manualFor(res, "fly.toml", "fly") != "" {
		t.Error("a replaced fly.toml has a manual step")
	}
}

// TestFlyConfigOfPhxdeploy: phxdeploy's own fly.toml is read too (its app stays the deploy name
// when the release is renamed), but it is phxdeploy's to update: renaming the app through
// --name renames it there, and the host that was only <app>.fly.dev follows the new name.
func TestFlyConfigOfPhxdeploy(t *testing.T) {
	dir := scenarioDir(t, scenario{fixture: "phx18_postgres"})
	res := dryRun(t, dir, map[string]string{"target": "fly"})
	if err := generator.Apply(dir, res.Changes); err != nil {
		t.Fatal(err)
	}
	res = dryRun(t, dir, map[string]string{"target": "fly"})
	wantAnswer("name", "shop", "detected: fly.toml:5")(t, res)
	wantAnswer("host", "shop.fly.dev", "default")(t, res)
	if c := changed(res, "fly.toml"); c == nil || c.Action != generator.Identical {
		t.Errorf("fly.toml: %+v, want identical", c)
	}
	res = dryRun(t, dir, map[string]string{"target": "fly", "name": "shop-a1b2c3"})
	c := changed(res, "fly.toml")
	if c == nil || c.Action != generator.Update || !strings.Contains(string(c.Content), `app = "shop-a1b2c3"`) || !strings.Contains(string(c.Content), `PHX_HOST = "shop-a1b2c3.fly.dev"`) {
		t.Errorf("fly.toml is not renamed: %+v\n%s", c, c.Content)
	}
}

// TestFlyConfigHostOfEveryTarget: with a target that needs --host (Kubernetes), the host given
// is every target's, so the fix for a fly.toml that serves another is to change it there.
func TestFlyConfigHostOfEveryTarget(t *testing.T) {
	dir := scenarioDir(t, scenario{fixture: "phx18_postgres", mutate: withFile("fly.toml", flyLaunchToml)})
	res := dryRun(t, dir, map[string]string{"target": "fly,k8s", "image": "registry.example.com/shop:1.4.2", "host": "k8s.example.com"})
	wantManual("fly.toml", "fly", `set PHX_HOST = "k8s.example.com" there (one --host serves every target, and another target needs one)`)(t, res)
	wantAnswer("name", "shop-prod", "detected: fly.toml:3")(t, res)
	want(t, "k8s namespace", res.Values.String("namespace"), "shop-prod")
}

// TestSeveralFlyConfigsDeployNothingBlindly: with several Fly configs and no fly.toml
// (supabase/realtime's deploy/fly/{prod,qa,staging}.toml), a bare `fly deploy` finds no config
// and `fly apps create` may create a second app: the next steps say which config to deploy with
// instead of running either.
func TestSeveralFlyConfigsDeployNothingBlindly(t *testing.T) {
	dir := scenarioDir(t, scenario{fixture: "phx18_postgres", mutate: both(
		withFile("deploy/fly/prod.toml", "app = \"shop-prod\"\nprimary_region = \"sea\"\n"),
		withFile("deploy/fly/staging.toml", "app = \"shop-staging\"\nprimary_region = \"sea\"\n"))})
	res := dryRun(t, dir, map[string]string{"target": "fly", "name": "shop-prod"})
	said := false
	for _, s := range res.Report.NextSteps {
		if strings.HasPrefix(s.Command, "fly deploy") || strings.HasPrefix(s.Command, "fly apps create") {
			t.Errorf("next step runs %q", s.Command)
		}
		said = said || strings.Contains(s.Text, "fly deploy --config FILE, FILE one of deploy/fly/prod.toml, deploy/fly/staging.toml")
	}
	if !said {
		t.Errorf("no step says which config to deploy with: %+v", res.Report.NextSteps)
	}
}
