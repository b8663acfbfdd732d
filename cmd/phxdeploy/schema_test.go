package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// Every JSON object phxdeploy prints follows docs/report.schema.json, whose objects admit no
// field it does not document.
func TestJSONFollowsTheSchema(t *testing.T) {
	file := filepath.Join(testtools.RepoRoot(), "docs", "report.schema.json")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(file, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(file)
	if err != nil {
		t.Fatal(err)
	}
	kept := fixture(t, "phx18_postgres")
	if err := os.WriteFile(filepath.Join(kept, "Dockerfile"), []byte(ownImage), 0o644); err != nil {
		t.Fatal(err)
	}
	updated := initialised(t)
	edit(t, updated, "Dockerfile", "EXPOSE 4000\n", "EXPOSE 4001\n")
	all := []string{"--target", "fly,docker,systemd,k8s", "--image", "registry.example.com/shop:1.0.0", "--host", "shop.example.com", "--yes", "--json"}
	for name, args := range map[string][]string{
		"init, all targets":     append([]string{"init", "--dir", fixture(t, "phx18_postgres"), "--dry-run"}, all...),
		"init, sqlite":          append([]string{"init", "--dir", fixture(t, "phx18_sqlite")}, all...),
		"init, kept Dockerfile": append([]string{"init", "--dir", kept}, all...),
		"update with conflict":  {"update", "--dir", updated, "--port", "4100", "--json"},
		"check with drift":      {"check", "--dir", initialised(t), "--port", "4200", "--json"},
		"usage error":           {"init", "--json", "--nope"},
		"not a project":         {"init", "--json", "--dir", t.TempDir(), "--yes", "--target", "fly"},
	} {
		r := run(t, "", args...)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(r.stdout)))
		if err != nil {
			t.Errorf("%s: stdout is not JSON (%v):\n%s", name, err, r.stdout)
			continue
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		var probe map[string]any
		if json.Unmarshal([]byte(r.stdout), &probe) != nil || probe["schema_version"] != float64(JSONSchemaVersion) {
			t.Errorf("%s: schema_version %v", name, probe["schema_version"])
		}
	}
}
