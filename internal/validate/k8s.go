package validate

import (
	"fmt"
	"path"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// Kustomization is the subset of kustomize's config phxdeploy writes; unknown keys are errors.
type Kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace,omitempty"`
	Resources  []string `json:"resources"`
	Labels     []any    `json:"labels,omitempty"`
	Images     []any    `json:"images,omitempty"`
	Patches    []any    `json:"patches,omitempty"`
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// K8sSet is a decoded deploy/k8s directory.
type K8sSet struct {
	Kustomization *Kustomization
	Deployments   []*appsv1.Deployment
	StatefulSets  []*appsv1.StatefulSet
	Services      []*corev1.Service
	PDBs          []*policyv1.PodDisruptionBudget
	Policies      []*networkingv1.NetworkPolicy
	Claims        []*corev1.PersistentVolumeClaim
	Ingresses     []*networkingv1.Ingress
}

// K8s decodes every manifest (file name -> content) strictly into the k8s.io/api type of its
// kind, then checks that the pieces fit together: selectors match the pod labels, every named port
// that a probe, Service or NetworkPolicy uses exists, and the kustomization lists every file.
func K8s(files map[string][]byte) (*K8sSet, []string) {
	set := &K8sSet{}
	var problems []string
	bad := func(file, format string, args ...any) {
		problems = append(problems, file+": "+fmt.Sprintf(format, args...))
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		for i, doc := range splitYAML(files[name]) {
			var tm typeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				bad(name, "document %d: %v", i+1, err)
				continue
			}
			var target any
			switch tm.Kind {
			case "Kustomization":
				set.Kustomization = &Kustomization{}
				target = set.Kustomization
			case "Deployment":
				d := &appsv1.Deployment{}
				set.Deployments = append(set.Deployments, d)
				target = d
			case "StatefulSet":
				d := &appsv1.StatefulSet{}
				set.StatefulSets = append(set.StatefulSets, d)
				target = d
			case "Service":
				s := &corev1.Service{}
				set.Services = append(set.Services, s)
				target = s
			case "PodDisruptionBudget":
				p := &policyv1.PodDisruptionBudget{}
				set.PDBs = append(set.PDBs, p)
				target = p
			case "NetworkPolicy":
				p := &networkingv1.NetworkPolicy{}
				set.Policies = append(set.Policies, p)
				target = p
			case "Ingress":
				ing := &networkingv1.Ingress{}
				set.Ingresses = append(set.Ingresses, ing)
				target = ing
			case "PersistentVolumeClaim":
				c := &corev1.PersistentVolumeClaim{}
				set.Claims = append(set.Claims, c)
				target = c
			default:
				bad(name, "document %d: unexpected kind %q", i+1, tm.Kind)
				continue
			}
			if err := yaml.UnmarshalStrict(doc, target); err != nil {
				bad(name, "document %d (%s): %v", i+1, tm.Kind, err)
			}
		}
	}
	problems = append(problems, set.crossCheck(files)...)
	return set, problems
}

func splitYAML(b []byte) [][]byte {
	var out [][]byte
	for _, part := range strings.Split("\n"+string(b), "\n---") {
		if strings.TrimSpace(stripComments(part)) != "" {
			out = append(out, []byte(part))
		}
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func (set *K8sSet) crossCheck(files map[string][]byte) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if set.Kustomization == nil {
		bad("kustomization.yaml: missing")
	} else {
		listed := map[string]bool{}
		for _, r := range set.Kustomization.Resources {
			listed[r] = true
			if _, ok := files[r]; !ok {
				bad("kustomization.yaml: lists %s, which does not exist", r)
			}
		}
		for name := range files {
			if name != "kustomization.yaml" && !listed[path.Base(name)] {
				bad("kustomization.yaml: does not list %s", name)
			}
		}
	}
	var name string
	var selector *metav1.LabelSelector
	var tmpl corev1.PodTemplateSpec
	switch {
	case len(set.Deployments) == 1 && len(set.StatefulSets) == 0:
		d := set.Deployments[0]
		name, selector, tmpl = "Deployment "+d.Name, d.Spec.Selector, d.Spec.Template
	case len(set.StatefulSets) == 1 && len(set.Deployments) == 0:
		st := set.StatefulSets[0]
		name, selector, tmpl = "StatefulSet "+st.Name, st.Spec.Selector, st.Spec.Template
		found := false
		for _, svc := range set.Services {
			found = found || svc.Name == st.Spec.ServiceName && svc.Spec.ClusterIP == corev1.ClusterIPNone
		}
		if !found {
			bad("%s: serviceName %q is not a headless Service of the set", name, st.Spec.ServiceName)
		}
	default:
		bad("expected one Deployment or StatefulSet, found %d and %d", len(set.Deployments), len(set.StatefulSets))
		return problems
	}
	podLabels := tmpl.Labels
	if selector == nil || !selects(selector.MatchLabels, podLabels) {
		bad("%s: selector does not match the pod template's labels", name)
	}
	ports := map[string]bool{}
	for _, c := range tmpl.Spec.Containers {
		for _, p := range c.Ports {
			ports[p.Name] = true
		}
	}
	checkPort := func(where string, p intstr.IntOrString) {
		if p.Type == intstr.String && !ports[p.StrVal] {
			bad("%s: named port %q is not declared by any container", where, p.StrVal)
		}
	}
	for _, c := range tmpl.Spec.Containers {
		for what, probe := range map[string]*corev1.Probe{"startupProbe": c.StartupProbe, "livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe} {
			if probe == nil {
				bad("%s: container %s has no %s", name, c.Name, what)
				continue
			}
			if probe.HTTPGet != nil {
				checkPort(fmt.Sprintf("%s: container %s: %s", name, c.Name, what), probe.HTTPGet.Port)
			}
			if probe.TCPSocket != nil {
				checkPort(fmt.Sprintf("%s: container %s: %s", name, c.Name, what), probe.TCPSocket.Port)
			}
		}
	}
	for _, c := range append(append([]corev1.Container{}, tmpl.Spec.InitContainers...), tmpl.Spec.Containers...) {
		for _, problem := range envReferences(c.Env) {
			bad("%s: container %s: %s", name, c.Name, problem)
		}
	}
	for _, s := range set.Services {
		if !selects(s.Spec.Selector, podLabels) {
			bad("Service %s: selector does not match the %s pods", s.Name, name)
		}
		for _, p := range s.Spec.Ports {
			checkPort("Service "+s.Name, p.TargetPort)
		}
	}
	for _, p := range set.PDBs {
		if p.Spec.Selector == nil || !selects(p.Spec.Selector.MatchLabels, podLabels) {
			bad("PodDisruptionBudget %s: selector does not match the %s pods", p.Name, name)
		}
	}
	for _, np := range set.Policies {
		if !selects(np.Spec.PodSelector.MatchLabels, podLabels) {
			bad("NetworkPolicy %s: podSelector does not match the %s pods", np.Name, name)
		}
		for _, rule := range np.Spec.Ingress {
			for _, p := range rule.Ports {
				if p.Port != nil {
					checkPort("NetworkPolicy "+np.Name, *p.Port)
				}
			}
		}
	}
	for _, ing := range set.Ingresses {
		problems = append(problems, set.checkIngress(ing)...)
	}
	return problems
}

// envReferences finds the $(NAME) references in env values that Kubernetes would leave as they
// are: it expands only variables defined earlier in the same container's env ("$$" escapes).
func envReferences(env []corev1.EnvVar) []string {
	var problems []string
	defined := map[string]bool{}
	for _, e := range env {
		v := e.Value
		for i := 0; i < len(v); i++ {
			if v[i] != '$' || i+1 >= len(v) {
				continue
			}
			switch v[i+1] {
			case '$':
				i++ // an escaped dollar
			case '(':
				end := strings.IndexByte(v[i+2:], ')')
				if end < 0 {
					continue
				}
				ref := v[i+2 : i+2+end]
				if !defined[ref] {
					problems = append(problems, fmt.Sprintf("env %s refers to $(%s), which no earlier env entry defines: Kubernetes leaves it unexpanded", e.Name, ref))
				}
				i += 2 + end
			}
		}
		defined[e.Name] = true
	}
	return problems
}

// checkIngress checks that an Ingress names its class and routes to a Service of the set, on a
// port that Service has, and that its TLS hosts are hosts it routes.
func (set *K8sSet) checkIngress(ing *networkingv1.Ingress) []string {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, "Ingress "+ing.Name+": "+fmt.Sprintf(format, args...))
	}
	if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName == "" {
		bad("no ingressClassName: which controller serves it depends on the cluster's default class")
	}
	hosts := map[string]bool{}
	for _, rule := range ing.Spec.Rules {
		hosts[rule.Host] = true
		if rule.HTTP == nil {
			bad("rule for %q has no http paths", rule.Host)
			continue
		}
		for _, p := range rule.HTTP.Paths {
			if p.Backend.Service == nil {
				bad("path %s has no Service backend", p.Path)
				continue
			}
			var svc *corev1.Service
			for _, s := range set.Services {
				if s.Name == p.Backend.Service.Name {
					svc = s
				}
			}
			if svc == nil {
				bad("path %s routes to Service %q, which is not in the set", p.Path, p.Backend.Service.Name)
				continue
			}
			port, found := p.Backend.Service.Port, false
			for _, sp := range svc.Spec.Ports {
				found = found || port.Name != "" && sp.Name == port.Name || port.Name == "" && sp.Port == port.Number
			}
			if !found {
				bad("path %s routes to a port Service %s does not have", p.Path, svc.Name)
			}
		}
	}
	for _, tls := range ing.Spec.TLS {
		if tls.SecretName == "" {
			bad("a TLS entry names no Secret")
		}
		for _, h := range tls.Hosts {
			if !hosts[h] {
				bad("TLS host %q is not the host of any rule", h)
			}
		}
	}
	return problems
}
