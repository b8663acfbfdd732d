package generator

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// Exit codes of `phxdeploy init`, documented in the README.
const (
	ExitOK       = 0 // everything written or already identical
	ExitFailed   = 1 // nothing written
	ExitUsage    = 2 // bad flags or arguments
	ExitConflict = 3 // done, except files left in conflict or edits left to do by hand
)

// Step is one thing for the user to do after phxdeploy ran.
type Step struct {
	Target string `json:"target"`
	Text   string `json:"text"`
}

// Report is what `init` prints, as text or JSON.
type Report struct {
	Project   *Project       `json:"project"`
	Answers   []AnswerReport `json:"answers"`
	Changes   []Change       `json:"changes"`
	NextSteps []Step         `json:"next_steps"`
	DryRun    bool           `json:"dry_run"`
	ExitCode  int            `json:"exit_code"`
}

// NewReport assembles the report for a plan.
func NewReport(p *Project, v *Values, s *Settings, changes []Change, dryRun bool) *Report {
	r := &Report{Project: p, Answers: v.Report(), Changes: changes, NextSteps: NextSteps(p, s), DryRun: dryRun}
	counts := Counts(changes)
	if counts[Conflict] > 0 || counts[Manual] > 0 {
		r.ExitCode = ExitConflict
	}
	return r
}

// WriteJSON prints the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText prints aligned status lines, the snippets for manual edits, and the next steps.
func (r *Report) WriteText(w io.Writer) {
	for _, c := range r.Changes {
		verb := string(c.Action)
		if r.DryRun && c.Writes() {
			verb = "would " + verb
		}
		fmt.Fprintf(w, "%16s  %s\n", verb, c.Path)
	}
	for _, c := range r.Changes {
		if c.Action != Manual {
			continue
		}
		fmt.Fprintf(w, "\nmanual: %s: %s\n", c.Path, c.Reason)
		for _, line := range strings.Split(strings.TrimRight(c.Snippet, "\n"), "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	if len(r.Answers) > 0 {
		fmt.Fprintln(w, "\nAnswers:")
		for _, a := range r.Answers {
			fmt.Fprintf(w, "  %-16s %-36s (%s)\n", a.Key, orDefault(a.Value, `""`), a.Source)
		}
	}
	conflicts := Counts(r.Changes)[Conflict]
	if conflicts > 0 {
		fmt.Fprintf(w, "\n%d file(s) differ from what phxdeploy would write and were left untouched. Review them with --dry-run; replace them with --force.\n", conflicts)
	}
	if len(r.NextSteps) > 0 {
		fmt.Fprintln(w, "\nNext steps:")
		last := ""
		for _, s := range r.NextSteps {
			if s.Target != last {
				fmt.Fprintf(w, "  %s:\n", s.Target)
				last = s.Target
			}
			fmt.Fprintf(w, "    %s\n", s.Text)
		}
	}
}

// WriteDiff prints a unified diff for every change that writes or is in conflict.
func WriteDiff(w io.Writer, changes []Change) error {
	for _, c := range changes {
		if !c.Writes() && c.Action != Conflict {
			continue
		}
		from := "a/" + c.Path
		if c.Old == nil {
			from = "/dev/null"
		}
		diff, err := unifiedDiff(from, "b/"+c.Path, c.Old, c.Content)
		if err != nil {
			return err
		}
		if c.Action == Conflict {
			fmt.Fprintf(w, "# conflict: %s (what --force would write)\n", c.Path)
		}
		if _, err := io.WriteString(w, diff); err != nil {
			return err
		}
	}
	return nil
}

func unifiedDiff(from, to string, a, b []byte) (string, error) {
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(a)), B: difflib.SplitLines(string(b)), FromFile: from, ToFile: to, Context: 3,
	})
}

// NextSteps lists, per target, the secrets to set and the commands to run.
func NextSteps(p *Project, s *Settings) []Step {
	d := NewData(p, s)
	var out []Step
	add := func(target, format string, args ...any) {
		out = append(out, Step{Target: target, Text: fmt.Sprintf(format, args...)})
	}
	if p.ReleasesExs {
		out = append(out, Step{Target: "all", Text: "config/releases.exs is the Elixir 1.9-1.10 name; phxdeploy edited it, and `git mv config/releases.exs config/runtime.exs` (then phxdeploy init again) brings it up to date"})
	}
	for _, t := range s.Targets {
		if d.Clustering && d.Libcluster {
			add(t, "libcluster stays as it is: %s", libclusterHint(t, d))
		}
		switch t {
		case "fly":
			add(t, "fly apps create %s", d.Name)
			secrets := d.Env["SECRET_KEY_BASE"] + "=$(mix phx.gen.secret)"
			if d.Clustering {
				secrets += " RELEASE_COOKIE=$(mix phx.gen.secret 32)"
			}
			add(t, "fly secrets set --app %s %s", d.Name, secrets)
			if d.NetworkDatabase {
				add(t, "fly secrets set --app %s %s=<your database URL>", d.Name, d.Env["DATABASE_URL"])
			}
			if d.Database == "sqlite" {
				add(t, "fly volumes create %s --app %s --region %s --size %d", d.VolumeName, d.Name, d.Region, d.VolumeSize)
			}
			if d.Database == "sqlite" {
				add(t, "fly deploy --ha=false   # one machine: the SQLite volume lives on one host")
			} else {
				add(t, "fly deploy")
			}
		case "docker":
			add(t, "cp .env.prod.example .env.prod and fill it in (it holds secrets: never commit it)")
			add(t, "docker compose up --build")
		case "systemd":
			add(t, "MIX_ENV=prod mix release%s, then copy _build/prod/rel/%s to %s on the host", releaseArg(d), d.Release, d.InstallDir)
			add(t, "useradd --system --home-dir /var/lib/%s --shell /usr/sbin/nologin %s", d.Name, d.ServiceUser)
			add(t, "install -D -m 0600 deploy/systemd/%s.env.example %s, then fill in every value", d.Name, d.EnvFile)
			add(t, "install -m 0644 deploy/systemd/%s.service /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now %s", d.Name, d.Name)
		case "k8s":
			add(t, "docker build -t %s . && docker push %s", d.Image, d.Image)
			add(t, "kubectl create namespace %s", d.Namespace)
			secret := fmt.Sprintf("kubectl -n %s create secret generic %s --from-literal=%s=$(mix phx.gen.secret)", d.Namespace, d.SecretName, d.Env["SECRET_KEY_BASE"])
			if d.NetworkDatabase {
				secret += " --from-literal=" + d.Env["DATABASE_URL"] + "=<your database URL>"
			}
			if d.Clustering {
				secret += " --from-literal=RELEASE_COOKIE=$(mix phx.gen.secret 32)"
			}
			add(t, "%s", secret)
			add(t, "kubectl apply -k deploy/k8s")
		}
	}
	return out
}

func releaseArg(d *Data) string {
	if d.HasReleasesConfig {
		return " " + d.Release
	}
	return ""
}

// libclusterHint names the libcluster strategy that fits a target's node naming.
func libclusterHint(target string, d *Data) string {
	switch target {
	case "fly":
		return fmt.Sprintf(`use Cluster.Strategy.DNSPoll with query: "%s.internal" and node_basename: "%s" (the node name rel/env.sh.eex sets once RELEASE_COOKIE is a secret)`, d.Name, d.Name)
	case "k8s":
		return fmt.Sprintf(`use Cluster.Strategy.Kubernetes.DNS with service: "%s-headless", application_name: "%s"`, d.Name, d.Release)
	default:
		return fmt.Sprintf("list the nodes (%s@<host>) with Cluster.Strategy.Epmd, or use DNSPoll", d.Release)
	}
}
