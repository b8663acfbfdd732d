package engine

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"text/template/parse"
	"time"

	"github.com/phxdeploy/phxdeploy/templates"
)

// TestTemplatesAreHermetic: a template that calls a function whose result depends on the clock,
// randomness or the environment fails to parse, naming the function, instead of rendering
// something different on every run (every second init would then be a conflict).
func TestTemplatesAreHermetic(t *testing.T) {
	for _, fn := range []string{"now", "randAlphaNum 8", "randInt 1 9", "uuidv4", "genPrivateKey \"rsa\"", "env \"HOME\"",
		"expandenv \"$HOME\"", "getHostByName \"example.com\"", "shuffle \"abc\"", "bcrypt \"x\"", "date \"2006\" 0", "ago 0", "toDate \"2006\" \"2024\""} {
		name := strings.Fields(fn)[0]
		layer := Layer{Name: "organization", Dir: "/org", FS: fstest.MapFS{"fly/fly.toml.tmpl": {Data: []byte("app = \"{{ " + fn + " }}\"\n")}}}
		_, err := New([]Layer{layer, Embedded()}).Render("fly/fly.toml.tmpl", nil)
		if err == nil || !strings.Contains(err.Error(), `function "`+name+`" not defined`) {
			t.Errorf("%s: %v; want an error naming the function", fn, err)
		}
	}
	// What stays is deterministic: the same data renders the same text.
	body := `{{ "x" | sha256sum }} {{ list 3 1 2 | sortAlpha }} {{ "a,b" | splitList "," | join "-" }} {{ exCall 0 "config" (list ":app") (list) }}`
	e := New([]Layer{{Name: "organization", Dir: "/org", FS: fstest.MapFS{"x/t.tmpl": {Data: []byte(body)}}}})
	a, err := e.Render("x/t.tmpl", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.Render("x/t.tmpl", nil)
	if string(a) != string(b) {
		t.Errorf("two renders differ: %q %q", a, b)
	}
}

// TestRenderBudget: a template from someone else cannot hang phxdeploy or exhaust its memory.
func TestRenderBudget(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		// Two includes per level, 30 levels deep: 2^30 renders within the depth limit.
		"doubly recursive": {`{{ define "r" }}{{ if lt (len .) 30 }}{{ include "r" (append . 1) }}{{ include "r" (append . 1) }}{{ end }}{{ end }}{{ include "r" list }}`,
			"more than 10000 includes"},
		"output bomb":    {`{{ range until 100000 }}{{ repeat 10000 "x" }}{{ end }}`, "elements"},
		"output written": {`{{ range until 5000 }}{{ printf "%01000d" 0 }}{{ end }}`, "larger than 4 MiB"},
		"endless loop":   {`{{ $l := until 1000 }}{{ range $l }}{{ range $l }}{{ range $l }}{{ end }}{{ end }}{{ end }}`, "longer than"},
		"huge indent":    {`{{ "a" | indent 100000000 }}`, "elements"},
		"doubling":       {`{{ $s := "x" }}{{ range until 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ len $s }}`, "larger than 4 MiB"},
		"huge exCall":    {`{{ exCall 6000000000 "config" (list ":app") (list) }}`, "not a column"},
		"random order":   {`{{ $d := dict "b" 1 "a" 2 "c" 3 }}{{ if ne (keys $d | join ",") "a,b,c" }}{{ fail "keys unsorted" }}{{ end }}{{ fail "sorted" }}`, "sorted"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			layer := Layer{Name: "organization", Dir: "/org", FS: fstest.MapFS{"x/t.tmpl": {Data: []byte(c.body)}}}
			e := New([]Layer{layer})
			e.Budget.Time = 300 * time.Millisecond
			start := time.Now()
			out, err := e.Render("x/t.tmpl", nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("rendered %d bytes, err %v; want an error saying %q", len(out), err, c.want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s to give up", d)
			}
		})
	}
}

// TestFunctionsInEveryPlace: a render installs only the functions its templates name, so each
// place a function can be named must be found (an action, if/range/with and their else, a
// template call's argument, a chain, a variable, a partial).
func TestFunctionsInEveryPlace(t *testing.T) {
	body := `{{ if upper "a" }}1{{ else if lower "b" }}2{{ end }}` +
		`{{ range $i, $x := (list 1 2 3) }}{{ if eq $i 0 }}{{ continue }}{{ end }}{{ $x | add1 }}{{ break }}{{ else }}{{ "none" | quote }}{{ end }}` +
		`{{ with $v := trim " x " }}{{ $v | squote }}{{ else with title "y" }}{{ end }}` +
		`{{ template "p" (dict "a" (add 1 2)) }}{{ (dict "k" (sub 5 1)).k }}{{ include "q" 7 | trimSuffix "!" }}` +
		`{{ define "p" }}{{ .a | toString | printf "<%s>" }}{{ end }}`
	layer := Layer{Name: "organization", Dir: "/org", FS: fstest.MapFS{
		"x/t.tmpl":  {Data: []byte(body)},
		"x/_q.tmpl": {Data: []byte(`{{ define "q" }}{{ mul . 2 }}!{{ end }}(a partial)`)},
	}}
	out, err := New([]Layer{layer}).Render("x/t.tmpl", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "13'x'<3>414"; string(out) != want {
		t.Errorf("rendered %q, want %q", out, want)
	}
	// The walk knows every node of the embedded templates (an unknown one makes a render
	// install every function, which works, only slower).
	e := FromFS(templates.FS)
	_ = fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		b, _ := fs.ReadFile(templates.FS, p)
		trees, err := parse.Parse(p, string(b), "", "", e.funcs, builtinFuncs())
		if err != nil {
			t.Fatal(err)
		}
		for _, tree := range trees {
			if !identifiers(tree.Root, map[string]bool{}) {
				t.Errorf("%s: a node the walk for function names does not know", p)
			}
		}
		return nil
	})
}
