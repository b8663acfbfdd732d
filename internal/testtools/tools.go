// Package testtools finds the real tools tests validate output with (elixir, shellcheck,
// systemd-analyze, kube-score). A missing tool skips its test with a message naming the Debian
// package, unless PHXDEPLOY_REQUIRE_TOOLS=1 (set by .ci/run), which turns the skip into a
// failure. `go test -short` skips them all, for a quick loop.
package testtools

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Require returns the path of tool, or skips (fails under PHXDEPLOY_REQUIRE_TOOLS=1) naming the
// package that provides it. `go test -short` skips every check that needs an external tool.
func Require(t testing.TB, tool, debianPackage string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the checks that need " + tool)
	}
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	msg := tool + " is not installed (apt-get install " + debianPackage + "): this check cannot run"
	if os.Getenv("PHXDEPLOY_REQUIRE_TOOLS") == "1" {
		t.Fatal("PHXDEPLOY_REQUIRE_TOOLS=1: " + msg)
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

// RepoRoot returns the repository root (where go.mod is).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// FormatterFile is a .formatter.exs that knows Phoenix's locals_without_parens, for checking
// files with `mix format` outside their project (whose own formatter needs its deps).
func FormatterFile() string {
	return filepath.Join(RepoRoot(), "testdata", "phoenix.formatter.exs")
}

var (
	kubeScoreOnce sync.Once
	kubeScorePath string
	kubeScoreErr  error
)

// KubeScore builds the kube-score pinned in tools/go.mod once and returns its path.
func KubeScore(t testing.TB) string {
	t.Helper()
	Require(t, "go", "golang")
	kubeScoreOnce.Do(func() {
		dir, err := os.MkdirTemp("", "phxdeploy-tools-")
		if err != nil {
			kubeScoreErr = err
			return
		}
		kubeScorePath = filepath.Join(dir, "kube-score")
		cmd := exec.Command("go", "build", "-o", kubeScorePath, "github.com/zegl/kube-score/cmd/kube-score")
		cmd.Dir = filepath.Join(RepoRoot(), "tools")
		if out, err := cmd.CombinedOutput(); err != nil {
			kubeScoreErr = fmt.Errorf("building kube-score: %v\n%s", err, out)
		}
	})
	if kubeScoreErr != nil {
		t.Fatal(kubeScoreErr)
	}
	return kubeScorePath
}

// CheckKubeScore runs kube-score with its default checks on the manifests and fails on any
// CRITICAL or WARNING.
func CheckKubeScore(t testing.TB, manifests []string) {
	t.Helper()
	bin := KubeScore(t)
	cmd := exec.Command(bin, append([]string{"score", "--output-format", "ci"}, manifests...)...)
	out, _ := cmd.CombinedOutput() // exits non-zero when it finds anything; the lines say what
	var bad []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "[CRITICAL]") || strings.HasPrefix(line, "[WARNING]") {
			bad = append(bad, line)
		}
	}
	if len(bad) > 0 {
		t.Errorf("kube-score:\n%s", strings.Join(bad, "\n"))
	}
	if !strings.Contains(string(out), "[OK]") {
		t.Errorf("kube-score checked nothing:\n%s", out)
	}
}

// CopyTree copies a directory (a fixture) into a fresh temporary directory that the test removes.
func CopyTree(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Fixture copies testdata/<name> into a fresh temporary directory.
func Fixture(t testing.TB, name string) string {
	t.Helper()
	return CopyTree(t, filepath.Join(RepoRoot(), "testdata", name))
}

var spaces = regexp.MustCompile(`(\S)  +`)

// Spaced collapses runs of spaces between words to two (indentation stays), so that a test can
// look for a row of an aligned table ("port  4000") whatever the column widths.
func Spaced(s string) string { return spaces.ReplaceAllString(s, "$1  ") }

// BigRouter returns the router of testdata/phx18_postgres grown to about n lines: scopes of
// their own, each with a pipeline, twenty routes, a live route and resources, before the
// router's last end (the shape of a large application's router).
func BigRouter(t testing.TB, n int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(RepoRoot(), "testdata", "phx18_postgres", "lib", "shop_web", "router.ex"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	end := strings.LastIndex(src, "end\n")
	var out strings.Builder
	out.WriteString(src[:end])
	lines := strings.Count(src, "\n")
	for i := 0; lines < n; i++ {
		fmt.Fprintf(&out, "\n  scope \"/area%d\", ShopWeb.Area%d do\n    pipe_through :browser\n\n", i, i)
		for j := range 20 {
			fmt.Fprintf(&out, "    get \"/page%d/:id\", PageController, :show%d\n", j, j)
		}
		fmt.Fprintf(&out, "    live \"/live%d\", DashboardLive, :index\n    resources \"/items%d\", ItemController, only: [:index, :show]\n  end\n", i, i)
		lines += 28
	}
	out.WriteString(src[end:])
	return out.String()
}

// HealthForward is a health forward as phxdeploy inserts it into a router, and where: before
// src's first scope (at a line start). Tests and benchmarks of the patched router use it.
func HealthForward(src string) (at int, text string) {
	return strings.Index(src, "\n  scope") + 1, "  # Health checks (phxdeploy)\n  forward \"/health\", ShopWeb.Health\n\n"
}

// BigRouterFixture copies testdata/phx18_postgres into a fresh temporary directory with its
// router grown to about n lines (BigRouter).
func BigRouterFixture(t testing.TB, n int) string {
	t.Helper()
	dir := Fixture(t, "phx18_postgres")
	router := filepath.Join(dir, "lib", "shop_web", "router.ex")
	if err := os.WriteFile(router, []byte(BigRouter(t, n)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
