package patch

import (
	"fmt"
	"strings"
	"testing"
)

// bigRuntime is a runtime.exs of about n lines: a prod block full of config calls, none of which
// provides what phxdeploy adds, so the patcher reads all of it and then edits.
func bigRuntime(n int) string {
	var b strings.Builder
	b.WriteString("import Config\n\nif config_env() == :prod do\n")
	for i := 0; b.Len() < n*40 && strings.Count(b.String(), "\n") < n-4; i++ {
		fmt.Fprintf(&b, "  config :shop, Shop.Service%d,\n    url: \"https://s%d.example.com\",\n    timeout: %d\n\n", i, i, i)
	}
	b.WriteString("end\n")
	return b.String()
}

// bigRouter is a router of about n lines with a scope full of routes.
func bigRouter(n int) string {
	var b strings.Builder
	b.WriteString("defmodule ShopWeb.Router do\n  use ShopWeb, :router\n\n  pipeline :browser do\n    plug :accepts, [\"html\"]\n  end\n\n")
	b.WriteString("  scope \"/\", ShopWeb do\n    pipe_through :browser\n\n")
	for i := 0; strings.Count(b.String(), "\n") < n-3; i++ {
		fmt.Fprintf(&b, "    get \"/page%d/:id\", PageController, :show%d\n", i, i)
	}
	b.WriteString("  end\nend\n")
	return b.String()
}

func benchmarkPatch(b *testing.B, make func(int) string, patch func(string) (string, error)) {
	for _, n := range []int{1000, 10000, 20000} {
		src := make(n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				out, err := patch(src)
				if err != nil || out == src {
					b.Fatalf("no edit: %v", err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(strings.Count(src, "\n")), "ns/line")
		})
	}
}

func BenchmarkPatchRuntime(b *testing.B) {
	benchmarkPatch(b, bigRuntime, func(s string) (string, error) { return Runtime(s, "config/runtime.exs", shop) })
}

func BenchmarkPatchRouter(b *testing.B) {
	benchmarkPatch(b, bigRouter, func(s string) (string, error) { return Router(s, "router.ex", "/health", "ShopWeb.Health") })
}
