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
