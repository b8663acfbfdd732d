package generator_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/internal/testtools"
	"github.com/phxdeploy/phxdeploy/internal/validate"
)

func k8sGiven(kv ...string) map[string]string {
	return with(map[string]string{"target": "k8s", "image": "registry.example.com/shop:1.4.2", "host": "shop.example.com"}, kv...)
}

// k8sRun renders deploy/k8s for a fixture and decodes it strictly.
func k8sRun(t *testing.T, fixture string, given map[string]string) (*generator.Result, *validate.K8sSet) {
	t.Helper()
	res := dryRun(t, copyTree(t, filepath.Join(testtools.RepoRoot(), "testdata", fixture)), given)
	files := map[string][]byte{}
	for _, c := range res.Changes {
		if strings.HasPrefix(c.Path, "deploy/k8s/") {
			files[strings.TrimPrefix(c.Path, "deploy/k8s/")] = c.Content
		}
	}
	set, problems := validate.K8s(files)
	for _, p := range problems {
		t.Error(p)
	}
	return res, set
}

var envRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// podEnv is what the container's process sees, as the kubelet computes it: the downward API's
// fields for a pod in namespace, and $(NAME) expanded from the entries before it (a reference
// to a later or unknown entry stays as written). Secrets and ConfigMaps are left out.
func podEnv(c corev1.Container, namespace string) map[string]string {
	out := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.FieldRef != nil:
			out[e.Name] = map[string]string{"metadata.namespace": namespace, "status.podIP": "10.1.0.7"}[e.ValueFrom.FieldRef.FieldPath]
		case e.ValueFrom == nil:
			out[e.Name] = envRef.ReplaceAllStringFunc(e.Value, func(ref string) string {
				if v, ok := out[ref[2:len(ref)-1]]; ok {
					return v
				}
				return ref
			})
		}
	}
	return out
}

// The cluster query names the namespace the pod runs in, which a kustomize overlay may change
// from the one phxdeploy was told, in the cluster's own domain.
func TestK8sClusterQueryFollowsTheNamespaceThePodRunsIn(t *testing.T) {
	for _, tc := range []struct {
		given map[string]string
		want  string
	}{
		{k8sGiven(), "shop-headless.shop-staging.svc.cluster.local"},
		{k8sGiven("namespace", "shop-prod", "cluster-domain", "k8s.example"), "shop-headless.shop-staging.svc.k8s.example"},
	} {
		_, set := k8sRun(t, "phx18_postgres", tc.given)
		if len(set.Deployments) != 1 {
			t.Fatalf("want one Deployment, got %d", len(set.Deployments))
		}
		spec := set.Deployments[0].Spec.Template.Spec
		for _, c := range append(spec.InitContainers, spec.Containers...) {
			if got := podEnv(c, "shop-staging")["DNS_CLUSTER_QUERY"]; got != tc.want {
				t.Errorf("%v: container %s: DNS_CLUSTER_QUERY is %q in namespace shop-staging, want %q", tc.given, c.Name, got, tc.want)
			}
		}
	}
}

func TestK8sIngressOnlyWhenAnIngressClassIsGiven(t *testing.T) {
	res, set := k8sRun(t, "phx18_postgres", k8sGiven())
	if changed(res, "deploy/k8s/ingress.yaml") != nil || len(set.Ingresses) != 0 || strings.Contains(string(changed(res, "deploy/k8s/kustomization.yaml").Content), "ingress") {
		t.Error("an Ingress was written without --ingress-class")
	}
	res, set = k8sRun(t, "phx18_postgres", k8sGiven("ingress-class", "nginx"))
	if !strings.Contains(string(changed(res, "deploy/k8s/kustomization.yaml").Content), "  - ingress.yaml\n") {
		t.Error("kustomization.yaml does not list ingress.yaml")
	}
	if len(set.Ingresses) != 1 {
		t.Fatalf("want one Ingress, got %d", len(set.Ingresses))
	}
	ing := set.Ingresses[0].Spec
	want(t, "ingressClassName", *ing.IngressClassName, "nginx")
	want(t, "host", ing.Rules[0].Host, "shop.example.com")
	want(t, "TLS Secret", ing.TLS[0].SecretName, "shop-tls")
	want(t, "backend", ing.Rules[0].HTTP.Paths[0].Backend.Service.Name, "shop")
	if !strings.Contains(string(changed(res, "deploy/k8s/ingress.yaml").Content), "cert-manager.io/cluster-issuer") {
		t.Error("ingress.yaml has no cert-manager hint")
	}
}

func TestK8sMigrationLockAndAutoscalingHints(t *testing.T) {
	for _, tc := range []struct {
		fixture, workload string
		lock              string // in the comment above the migrate initContainer
		autoscale         string // in the next steps ("" for none)
	}{
		{"phx18_postgres", "deployment.yaml", "migration_lock: :pg_advisory_lock", "kubectl -n shop autoscale deployment shop --cpu-percent=70 --min=2 --max=4"},
		{"phx16_mysql", "deployment.yaml", "GET_LOCK('ecto_<Repo>', -1)", "kubectl -n shop autoscale deployment shop --cpu-percent=70 --min=2 --max=4"},
		{"phx18_sqlite", "statefulset.yaml", "ecto_sqlite3 takes no migration lock", ""},
	} {
		res, _ := k8sRun(t, tc.fixture, k8sGiven())
		workload := changed(res, "deploy/k8s/"+tc.workload)
		if workload == nil {
			t.Fatalf("%s: no %s", tc.fixture, tc.workload)
		}
		comment := regexp.MustCompile(`(?m)((?:^ *#.*\n)+) *- name: migrate\n`).FindStringSubmatch(string(workload.Content))
		if comment == nil || !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(comment[1], "#", "")), " "), tc.lock) {
			t.Errorf("%s: the comment above the migrate initContainer does not say %q:\n%v", tc.fixture, tc.lock, comment)
		}
		var steps []string
		for _, s := range res.Report.NextSteps {
			steps = append(steps, s.Text+s.Command)
		}
		all := strings.Join(steps, "\n")
		switch {
		case tc.autoscale == "" && strings.Contains(all, "autoscale"):
			t.Errorf("%s: a StatefulSet got an autoscaling hint:\n%s", tc.fixture, all)
		case tc.autoscale != "" && !strings.Contains(all, tc.autoscale):
			t.Errorf("%s: the next steps lack %q:\n%s", tc.fixture, tc.autoscale, all)
		}
	}
}
