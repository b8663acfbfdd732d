package project

import (
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// BenchmarkReadBigRouter reads the 1.8 fixture with a router of 20,000 lines: the project's
// part of BenchmarkInitDryRunBigRouter (the router's parse, index and routes).
func BenchmarkReadBigRouter(b *testing.B) {
	dir := testtools.BigRouterFixture(b, 20_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoutesBigRouter reads the routes of the same router (15,700 routes in 700 scopes).
func BenchmarkRoutesBigRouter(b *testing.B) {
	tree, err := elixir.Parse(testtools.BigRouter(b, 20_000))
	if err != nil {
		b.Fatal(err)
	}
	ix := &index{modules: map[string]*Module{}}
	ix.add("lib/shop_web/router.ex", tree)
	m := ix.modules["ShopWeb.Router"]
	b.ReportAllocs()
	for b.Loop() {
		if rs, _ := routes(m, false); len(rs) < 15_000 {
			b.Fatalf("%d routes", len(rs))
		}
	}
}
