package project

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// FlyConfig is what the project's Fly config says: the root fly.toml (the file `fly deploy`
// reads), or else the one config it keeps elsewhere (fly/production.toml). Like `fly launch` on
// an existing config, phxdeploy takes the app, the region, the host and the port from it, so
// that its next steps address the app `fly deploy` deploys.
type FlyConfig struct {
	File string `json:"file"`
	// Own: the project's own file, not one phxdeploy wrote (whose first line says so, or whose
	// merge base phxdeploy keeps): phxdeploy keeps it and follows it.
	Own           bool              `json:"own"`
	App           string            `json:"app,omitempty"`
	PrimaryRegion string            `json:"primary_region,omitempty"`
	Env           map[string]string `json:"env,omitempty"`
	// InternalPort is the port Fly routes HTTP to: [http_service]'s, or that of the one
	// [[services]] entry that serves the public ports 80 or 443 (0 when none, or several).
	InternalPort int `json:"internal_port,omitempty"`
	// ReleaseCommand is [deploy] release_command ("" when there is none).
	ReleaseCommand string `json:"release_command,omitempty"`
	// Mounts are the volumes it mounts ([mounts] or [[mounts]]).
	Mounts []FlyMount `json:"mounts,omitempty"`
	// Problem says why the file cannot be read as TOML ("" when it can); nothing else is set.
	Problem string `json:"problem,omitempty"`
	lines   map[string]int
	shown   string // the file as messages name it
}

// Err is the error a Fly config that is not valid TOML is, for a deploy to Fly: phxdeploy
// cannot tell which app `fly deploy` would deploy, and does not guess.
func (c *FlyConfig) Err() error {
	if c.Problem == "" {
		return nil
	}
	return &Error{Path: c.shown, Msg: "is not valid TOML (" + c.Problem + "): phxdeploy cannot read the app, region and host `fly deploy` would use, and flyctl cannot either",
		Fix: "correct it; or, to replace it with phxdeploy's fly.toml, pass --force " + c.File + " with --name, --region and --host"}
}

// FlyMount is one volume a Fly config mounts.
type FlyMount struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
}

// At is where a key of the config is set, as file:line ("fly.toml:7"; env.PHX_HOST for a key
// of [env]); the file alone when the key is not set.
func (c *FlyConfig) At(key string) string {
	if n, ok := c.lines[key]; ok {
		return c.File + ":" + itoa(n)
	}
	return c.File
}

// Has reports whether the config sets a key (env.PORT for a key of [env]).
func (c *FlyConfig) Has(key string) bool { _, ok := c.lines[key]; return ok }

// phxdeployFlyToml is in the first line of the fly.toml phxdeploy writes.
const phxdeployFlyToml = "written by phxdeploy"

// readFlyConfig reads the Fly config the project deploys with: fly.toml, else the only config it
// keeps elsewhere (with several, phxdeploy cannot tell which is deployed and reads none).
func (p *Project) readFlyConfig(f *files) error {
	file := "fly.toml"
	if !f.isFile(file) {
		if len(p.FlyConfigs) != 1 {
			return nil
		}
		file = p.FlyConfigs[0]
	}
	b, ok, err := f.read(file)
	if err != nil || !ok {
		return err
	}
	c := parseFlyConfig(file, b)
	first, _, _ := bytes.Cut(b, []byte("\n"))
	c.Own = file != "fly.toml" || !bytes.Contains(first, []byte(phxdeployFlyToml)) && !f.isFile(".phxdeploy/base/fly.toml")
	c.shown = f.name(file)
	p.FlyConfig = c
	for key, fact := range map[string]string{"app": "fly_app", "primary_region": "fly_region", "http_service.internal_port": "fly_internal_port", "deploy.release_command": "fly_release_command"} {
		if c.Has(key) {
			p.Sources[fact] = c.At(key)
		}
	}
	return nil
}

// parseFlyConfig reads a Fly config with a TOML parser (go-toml, as flyctl's own): what is not
// valid TOML is a Problem, never a guess.
func parseFlyConfig(file string, b []byte) *FlyConfig {
	c := &FlyConfig{File: file, lines: map[string]int{}}
	var doc map[string]any
	if err := toml.Unmarshal(b, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			c.Problem = fmt.Sprintf("line %d: %s", row, de.Error())
		} else {
			c.Problem = err.Error()
		}
		return c
	}
	c.lines = keyLines(b)
	c.App = scalar(doc["app"])
	c.PrimaryRegion = scalar(doc["primary_region"])
	if env, ok := doc["env"].(map[string]any); ok {
		c.Env = map[string]string{}
		for k, v := range env {
			c.Env[k] = scalar(v)
		}
	}
	if d, ok := doc["deploy"].(map[string]any); ok {
		c.ReleaseCommand = strings.TrimSpace(scalar(d["release_command"]))
	}
	// [mounts] is a table or an array of tables: flyctl takes both.
	var mounts []any
	switch m := doc["mounts"].(type) {
	case map[string]any:
		mounts = []any{m}
	case []any:
		mounts = m
	}
	for _, m := range mounts {
		if t, ok := m.(map[string]any); ok {
			c.Mounts = append(c.Mounts, FlyMount{Source: scalar(t["source"]), Destination: scalar(t["destination"])})
		}
	}
	if h, ok := doc["http_service"].(map[string]any); ok {
		c.InternalPort = port(h["internal_port"])
	} else if services, ok := doc["services"].([]any); ok {
		// The service that serves the public HTTP ports; with several, none is assumed.
		found := 0
		for i, s := range services {
			t, _ := s.(map[string]any)
			ports, _ := t["ports"].([]any)
			for _, pt := range ports {
				if pm, ok := pt.(map[string]any); ok && (port(pm["port"]) == 80 || port(pm["port"]) == 443) {
					if found++; found == 1 {
						c.InternalPort = port(t["internal_port"])
						if n, ok := c.lines[fmt.Sprintf("services[%d].internal_port", i)]; ok {
							c.lines["http_service.internal_port"] = n
						}
					}
					break
				}
			}
		}
		if found != 1 {
			c.InternalPort = 0
			delete(c.lines, "http_service.internal_port")
		}
	}
	return c
}

// scalar is a TOML value as text ("" for a table or an array).
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// port reads a port number (an integer, or a string of one); 0 when it is neither.
func port(v any) int {
	n, err := strconv.Atoi(scalar(v))
	if err != nil || n < 1 || n > 65535 {
		return 0
	}
	return n
}

// keyLines maps every key of a TOML document to the line that sets it: app, env.PHX_HOST,
// deploy.release_command, services[1].internal_port (the index of an array of tables counts
// its headers).
func keyLines(b []byte) map[string]int {
	out := map[string]int{}
	var p unstable.Parser
	p.Reset(b)
	table := ""
	arrays := map[string]int{}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			name := keyName(e.Key())
			if e.Kind == unstable.ArrayTable {
				// A nested array table ([[services.ports]]) belongs to the last entry of its parent.
				parent, last := arrayParent(name, arrays)
				arrays[name]++
				table = parent + last + "[" + itoa(arrays[name]-1) + "]"
			} else {
				parent, last := arrayParent(name, arrays)
				table = parent + last
			}
			out[table] = keyLine(&p, e)
		case unstable.KeyValue:
			key := keyName(e.Key())
			if table != "" {
				key = table + "." + key
			}
			if _, seen := out[key]; !seen {
				out[key] = keyLine(&p, e)
			}
		}
	}
	return out
}

// arrayParent rewrites a dotted table name so that its parts inside arrays of tables name their
// last entry: services.ports -> services[2]. + ports.
func arrayParent(name string, arrays map[string]int) (parent, last string) {
	parts := strings.Split(name, ".")
	prefix := ""
	for i, part := range parts[:len(parts)-1] {
		full := strings.Join(parts[:i+1], ".")
		prefix += part
		if n := arrays[full]; n > 0 {
			prefix += "[" + itoa(n-1) + "]"
		}
		prefix += "."
	}
	return prefix, parts[len(parts)-1]
}

// keyLine is the line of an expression's key.
func keyLine(p *unstable.Parser, e *unstable.Node) int {
	it := e.Key()
	it.Next()
	return p.Shape(it.Node().Raw).Start.Line
}

func keyName(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}
