package target

import (
	"fmt"
	"slices"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

// validateImage checks an image reference; "{name}" stands for the deploy name (organization
// defaults use it as a pattern, such as registry.acme.com/{name}:1.0.0).
func validateImage(s string) error {
	s = strings.ReplaceAll(s, "{name}", "name")
	if err := answers.Matches(imageRe, "image reference (registry/name:tag)")(s); err != nil {
		return err
	}
	last := s[strings.LastIndex(s, "/")+1:]
	if !strings.Contains(last, ":") && !strings.Contains(s, "@") {
		return fmt.Errorf("%q has no tag: give an explicit version tag such as %s:1.0.0", s, s)
	}
	if strings.HasSuffix(last, ":latest") {
		return fmt.Errorf("%q uses the latest tag, which Kubernetes cannot roll back: give a version tag", s)
	}
	return nil
}

func k8sFile(name string) File {
	return File{Template: "k8s/" + name + ".tmpl", Path: At("deploy/k8s/" + name), Mode: 0o644}
}

// k8s deploys to Kubernetes: kustomize manifests under deploy/k8s.
func k8s() Target {
	return Target{
		Name: "k8s", Title: "Kubernetes", BuildsImage: true, SQLiteVolume: true,
		Questions: []*answers.Question{
			{Key: "image", Title: "Container image reference with a version tag (registry/name:tag)", Help: "image the Kubernetes Deployment runs, with a version tag (required for k8s)", Kind: answers.KindString,
				Default: answers.NoDefault, Validate: validateImage},
			{Key: "namespace", Title: "Kubernetes namespace", Help: "Kubernetes namespace", Kind: answers.KindString,
				Default: func(_ *project.Project, v *answers.Values) (string, string, bool) {
					return v.String("name"), answers.SourceDefault, true
				}, Validate: func(s string) error {
					if err := answers.Matches(dnsLabelRe, "namespace")(s); err != nil {
						return err
					}
					if slices.Contains(yamlWords, s) {
						return fmt.Errorf("%q is a word YAML reads as a boolean or null: give another namespace", s)
					}
					return nil
				}},
			{Key: "replicas", Title: "Kubernetes replicas", Help: "number of pods (1 with SQLite)", Kind: answers.KindInt,
				Default: func(p *project.Project, v *answers.Values) (string, string, bool) {
					switch {
					case v.String("database") == "sqlite":
						return "1", answers.SourceDefault, true
					case p.SingleInstance != "":
						return "1", answers.SourceDetected + ": " + p.SingleInstance, true
					}
					return "2", answers.SourceDefault, true
				}, Validate: answers.IntRange(1, 1000)},
			// Only dns_cluster's query names it; most clusters keep the default.
			{Key: "cluster-domain", Title: "Kubernetes cluster domain", Help: "the cluster's DNS domain, for the clustering query", Kind: answers.KindString,
				Default: answers.Fixed("cluster.local"), Validate: validateClusterDomain,
				Ask: func(p *project.Project, v *answers.Values) bool {
					return v.Bool("clustering") && !p.Libcluster && !p.OwnNodeNames
				}},
			{Key: "ingress-class", Title: "Kubernetes IngressClass for an Ingress (empty: no Ingress)", Help: "IngressClass of an Ingress for --host with TLS (empty: no Ingress)", Kind: answers.KindString,
				Default: answers.Fixed(""), Validate: validateIngressClass},
		},
		Edits: keptEdits("k8s"),
		Files: []File{
			k8sFile("kustomization.yaml"),
			{Template: "k8s/workload.yaml.tmpl", Path: func(d *Data) string { return "deploy/k8s/" + d.WorkloadFile }, Mode: 0o644},
			k8sFile("service.yaml"),
			{Template: "k8s/service-headless.yaml.tmpl", Path: At("deploy/k8s/service-headless.yaml"), When: func(d *Data) bool { return d.HeadlessService }, Mode: 0o644},
			k8sFile("pdb.yaml"),
			k8sFile("networkpolicy.yaml"),
			{Template: "k8s/ingress.yaml.tmpl", Path: At("deploy/k8s/ingress.yaml"), When: func(d *Data) bool { return d.IngressClass != "" }, Mode: 0o644},
		},
		Derive: func(d *Data) {
			d.SecretName, d.ConfigMapName = d.Name, d.Name+"-config"
			// One pod that owns its volume (SQLite), or an app that must run as one instance: a
			// StatefulSet never runs two, even during a rollout.
			d.StatefulSet = d.Database == "sqlite" || d.SingleInstance != "" && d.Replicas == 1
			d.WorkloadFile = map[bool]string{true: "statefulset.yaml", false: "deployment.yaml"}[d.StatefulSet]
			d.HeadlessService = d.Clustering || d.StatefulSet
			d.GraceSeconds = preStopSeconds + drainSeconds + 10
			d.MigrationLock = migrationLock(d)
		},
		Check: func(_ *project.Project, v *answers.Values) error {
			if r := v.String("replicas"); v.String("database") == "sqlite" && r != "1" {
				return &answers.UsageError{Msg: fmt.Sprintf("--replicas %s: SQLite keeps its database on one volume that one pod mounts; use --replicas 1 or a network database", r)}
			}
			return nil
		},
		NextSteps: func(_ *project.Project, d *Data) []Step {
			env := d.EnvFor("k8s")
			secrets, plain := given(env, true), given(env, false)
			if d.Clustering {
				secrets = append(secrets, cookie)
			}
			literal := func(n, v string) string { return "--from-literal=" + n + "=" + v }
			steps := []Step{run(fmt.Sprintf("docker build%s -t %s . && docker push %s", d.buildArgWords(), d.Image, d.Image)),
				run("kubectl create namespace " + d.Namespace)}
			steps = append(steps, exportFirst(append(append([]EnvVar{}, secrets...), plain...))...)
			if len(secrets) > 0 {
				steps = append(steps, run(setCommand(fmt.Sprintf("kubectl -n %s create secret generic %s", d.Namespace, d.SecretName), secrets, literal)))
			}
			if len(plain) > 0 {
				steps = append(steps, run(setCommand(fmt.Sprintf("kubectl -n %s create configmap %s", d.Namespace, d.ConfigMapName), plain, literal)))
			}
			steps = append(steps, run("kubectl apply -k deploy/k8s"))
			for _, o := range d.OtherDatabases {
				where := "add its port to the egress of deploy/k8s/networkpolicy.yaml"
				if o.Port > 0 {
					where = fmt.Sprintf("deploy/k8s/networkpolicy.yaml lets the pods reach port %d (that of the default in the code); change it if yours differs", o.Port)
				}
				steps = append(steps, say("%s connects to a database phxdeploy does not run: %s (in the Secret above) must name it; %s", o.Repo, o.Var, where))
			}
			for _, v := range d.ImageVolumes {
				steps = append(steps, say("the image declares VOLUME %s: each pod mounts an emptyDir there (the root filesystem is read-only), whose content goes with the pod; mount a PersistentVolumeClaim there instead (deploy/k8s/%s, volume %s) if it must last", v.Path, d.WorkloadFile, v.Name))
			}
			if d.IngressClass != "" {
				steps = append(steps, say("the Ingress serves https://%s with the certificate in the Secret %s-tls: annotate it for cert-manager (see deploy/k8s/ingress.yaml) or create the Secret with: kubectl -n %s create secret tls %s-tls --cert=FILE --key=FILE", d.Host, d.Name, d.Namespace, d.Name))
			}
			if d.Ecto && !d.StatefulSet {
				lock := ""
				if d.Database == "postgres" {
					lock = ", and when to set migration_lock: :pg_advisory_lock"
				}
				steps = append(steps, say("every pod migrates in its initContainer, one at a time under Ecto's migration lock: the comment above it in deploy/k8s/%s says how%s", d.WorkloadFile, lock))
			}
			if !d.StatefulSet {
				// A note, not a command: the script stays the same when pasted whole. The HPA
				// owns the replica count from then on; a replicas: that kubectl apply sends
				// again would reset it on every deploy.
				steps = append(steps, say("to scale on CPU (needs metrics-server), delete replicas: from deploy/k8s/%s, then run: kubectl -n %s autoscale deployment %s --cpu-percent=70 --min=%d --max=%d",
					d.WorkloadFile, d.Namespace, d.Name, d.Replicas, max(2*d.Replicas, d.Replicas+2)))
			}
			return steps
		},
		LibclusterHint: func(d *Data) string {
			// A name without a dot: :inet_res.getbyname, which the strategy calls, completes it
			// with the search list of the pod's resolv.conf, whose first entry is the pod's own
			// namespace in the cluster's domain.
			return fmt.Sprintf(`use Cluster.Strategy.Kubernetes.DNS with service: "%s-headless", application_name: "%s" (a short name that the pod's DNS search list completes in its own namespace)`, d.Name, d.Release)
		},
	}
}

// validateClusterDomain checks a cluster domain: a DNS name without the trailing dot, short
// enough that "<name>-headless.<namespace>.svc." leaves room for it.
func validateClusterDomain(s string) error {
	if !clusterDomainRe.MatchString(s) || len(s) > 100 {
		return fmt.Errorf("%q is not a cluster domain such as cluster.local", s)
	}
	return nil
}

// validateIngressClass checks an IngressClass name (a DNS subdomain); empty means no Ingress.
func validateIngressClass(s string) error {
	if s != "" && (!clusterDomainRe.MatchString(s) || len(s) > 253) {
		return fmt.Errorf("%q is not an IngressClass name (lowercase letters, digits, '-' and '.'), or empty for no Ingress", s)
	}
	return nil
}

// migrationLock says how pods that start together migrate one at a time: every pod's
// initContainer runs bin/migrate, and Ecto SQL's migrator holds its adapter's lock while it reads
// schema_migrations and runs what is pending, so a later pod finds nothing left to run. ""
// without Ecto.
func migrationLock(d *Data) string {
	if !d.Ecto {
		return ""
	}
	switch d.Database {
	case "postgres":
		return "Every pod's initContainer runs bin/migrate before the pod takes traffic; Ecto SQL's migrator locks schema_migrations (LOCK TABLE ... IN SHARE UPDATE EXCLUSIVE MODE in a transaction, migration_lock: :table_lock, the default), so pods that start together migrate one at a time and the later ones find nothing left to run. A migration with @disable_migration_lock (for CREATE INDEX CONCURRENTLY) runs without that lock in every pod: set migration_lock: :pg_advisory_lock on the repo (Ecto SQL 3.9 or later), which serialises without a transaction, and such a migration needs only @disable_ddl_transaction"
	case "mysql":
		return "Every pod's initContainer runs bin/migrate before the pod takes traffic; Ecto SQL's migrator holds the named lock GET_LOCK('ecto_<Repo>', -1), waiting as long as it takes, so pods that start together migrate one at a time and the later ones find nothing left to run (a migration with @disable_migration_lock runs without it)"
	case "mssql":
		return "Every pod's initContainer runs bin/migrate before the pod takes traffic; Ecto SQL's migrator holds an exclusive sp_getapplock on 'ecto_<Repo>' in a transaction, so pods that start together migrate one at a time and the later ones find nothing left to run (a migration with @disable_migration_lock runs without it)"
	case "sqlite":
		return "The pod's initContainer runs bin/migrate before the pod takes traffic; ecto_sqlite3 takes no migration lock, which is safe because the StatefulSet never runs a second pod on the volume"
	}
	return ""
}
