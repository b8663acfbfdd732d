package engine

import (
	"strings"
	"testing"
	"text/template"
)

// sprig's float functions (shopspring/decimal underneath) give the same text whatever decimal's
// version: an organisation's template that computes with them renders the same after an upgrade.
func TestSprigFloatFunctions(t *testing.T) {
	const src = `{{ addf 1.5 2 }} {{ subf 1 0.1 }} {{ mulf 1.1 3 }} {{ divf 1 3 }} {{ divf 10 4 }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }} {{ add1f 0.2 }} {{ round 2.345 2 }} {{ floor 1.7 }} {{ ceil 1.2 }} {{ toDecimal "0777" }}`
	const want = `3.5 0.9 3.3 0.3333333333333333 2.5 2.5 1 1.2 2.35 1 2 511`
	tpl, err := template.New("t").Funcs(baseFuncs()).Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tpl.Execute(&b, nil); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
}

// A template's sortAlpha leaves the list it is given as it was: the data is shared by every
// file of a run, rendered side by side.
func TestSortAlphaLeavesTheDataAsItWas(t *testing.T) {
	data := struct{ Targets []string }{[]string{"fly", "docker", "k8s"}}
	tpl, err := template.New("t").Funcs(baseFuncs()).Parse(`{{ sortAlpha .Targets }} {{ .Targets }}`)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	if b.String() != "[docker fly k8s] [fly docker k8s]" || data.Targets[0] != "fly" {
		t.Errorf("rendered %q; data %q", b.String(), data.Targets)
	}
}
