package validate

import (
	"strings"
	"testing"
)

const testService = `apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector:
    app: shop
  ports:
    - name: http
      port: 80
      targetPort: http
`

// testDeployment is a minimal workload; env is its container's env list.
func testDeployment(env string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        - name: web
          image: r.example.com/shop:1.0.0
          ports:
            - name: http
              containerPort: 4000
          startupProbe:
            tcpSocket:
              port: http
          livenessProbe:
            tcpSocket:
              port: http
          readinessProbe:
            tcpSocket:
              port: http
          env:
` + env
}

const testIngress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  tls:
    - hosts: ["shop.example.com"]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  name: http
`

func k8sProblems(files map[string]string) []string {
	in := map[string][]byte{}
	var resources []string
	for name, content := range files {
		in[name] = []byte(content)
		resources = append(resources, "  - "+name)
	}
	in["kustomization.yaml"] = []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" + strings.Join(resources, "\n") + "\n")
	_, problems := K8s(in)
	return problems
}

func TestK8sEnvReferencesMustComeAfterTheirVariable(t *testing.T) {
	namespace := `            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
`
	query := `            - name: DNS_CLUSTER_QUERY
              value: "shop-headless.$(POD_NAMESPACE).svc.cluster.local"
`
	for _, tc := range []struct {
		name, env string
		want      string // a problem that must be reported ("" for none)
	}{
		{"defined before", namespace + query, ""},
		{"defined after", query + namespace, "env DNS_CLUSTER_QUERY refers to $(POD_NAMESPACE), which no earlier env entry defines"},
		{"never defined", query, "refers to $(POD_NAMESPACE)"},
		{"escaped", "            - name: PRICE\n              value: \"$$(POD_NAMESPACE) and $$5\"\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems := k8sProblems(map[string]string{"deployment.yaml": testDeployment(tc.env), "service.yaml": testService})
			joined := strings.Join(problems, "\n")
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Errorf("unexpected problems:\n%s", joined)
			case tc.want != "" && !strings.Contains(joined, tc.want):
				t.Errorf("want a problem containing %q, got:\n%s", tc.want, joined)
			}
		})
	}
}

func TestK8sIngressIsDecodedStrictlyAndRoutesToTheSet(t *testing.T) {
	env := "            - name: PORT\n              value: \"4000\"\n"
	for _, tc := range []struct {
		name, ingress string
		want          string
	}{
		{"valid", testIngress, ""},
		{"unknown key", strings.Replace(testIngress, "  ingressClassName: nginx\n", "  ingressClassName: nginx\n  ingressClass: nginx\n", 1), `unknown field "ingressClass"`},
		{"no class", strings.Replace(testIngress, "  ingressClassName: nginx\n", "", 1), "no ingressClassName"},
		{"unknown Service", strings.Replace(testIngress, "                name: shop\n", "                name: shop-web\n", 1), `routes to Service "shop-web", which is not in the set`},
		{"unknown port", strings.Replace(testIngress, "                  name: http\n", "                  name: https\n", 1), "routes to a port Service shop does not have"},
		{"TLS host not routed", strings.Replace(testIngress, `["shop.example.com"]`, `["www.example.com"]`, 1), `TLS host "www.example.com" is not the host of any rule`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems := k8sProblems(map[string]string{"deployment.yaml": testDeployment(env), "service.yaml": testService, "ingress.yaml": tc.ingress})
			joined := strings.Join(problems, "\n")
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Errorf("unexpected problems:\n%s", joined)
			case tc.want != "" && !strings.Contains(joined, tc.want):
				t.Errorf("want a problem containing %q, got:\n%s", tc.want, joined)
			}
		})
	}
}
