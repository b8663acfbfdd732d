// Package testtools finds the real tools tests validate output with (elixir, shellcheck,
// systemd-analyze). A missing tool skips its test with a message naming the Debian package,
// unless PHXDEPLOY_REQUIRE_TOOLS=1 (set by .ci/run), which turns the skip into a failure.
package testtools

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Require returns the path of tool, or skips (fails under PHXDEPLOY_REQUIRE_TOOLS=1) naming the
// package that provides it.
func Require(t testing.TB, tool, debianPackage string) string {
	t.Helper()
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

// CheckElixir parses every file with Elixir's own parser and checks that `mix format` would not
// change it. files are paths relative to dir.
func CheckElixir(t testing.TB, dir string, files []string) {
	t.Helper()
	if len(files) == 0 {
		return
	}
	if !CheckElixirParses(t, dir, files) {
		return
	}
	args := append([]string{"format", "--check-formatted", "--dot-formatter", FormatterFile()}, files...)
	cmd := exec.Command("mix", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MIX_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("mix format --check-formatted: %v\n%s", err, out)
	}
}

// CheckElixirParses parses every file with Elixir's own parser.
func CheckElixirParses(t testing.TB, dir string, files []string) bool {
	t.Helper()
	if len(files) == 0 {
		return true
	}
	Require(t, "elixir", "elixir")
	script := `for f <- System.argv() do
  case Code.string_to_quoted(File.read!(f), file: f) do
    {:ok, _} -> :ok
    {:error, {meta, msg, token}} -> IO.puts("#{f}:#{inspect(meta)}: #{inspect(msg)} #{inspect(token)}"); System.halt(1)
  end
end`
	cmd := exec.Command("elixir", append([]string{"-e", script}, files...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("elixir cannot parse a rendered file: %v\n%s", err, out)
		return false
	}
	return true
}

// CheckShell runs `sh -n` and shellcheck on a script given as content.
func CheckShell(t testing.TB, name string, content []byte) {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("sh", "-n")
	cmd.Stdin = bytes.NewReader(content)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("%s: sh -n: %v\n%s", name, err, stderr.String())
	}
	Require(t, "shellcheck", "shellcheck")
	cmd = exec.Command("shellcheck", "--shell=sh", "--severity=style", "-")
	cmd.Stdin = bytes.NewReader(content)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: shellcheck:\n%s", name, out)
	}
}

// RenderEEx renders the EEx tags of rel/env.sh.eex the way `mix release` does for a release
// named release, so that the result can be checked as a shell script.
func RenderEEx(content []byte, release, version string) []byte {
	s := strings.ReplaceAll(string(content), "<%= @release.name %>", release)
	s = strings.ReplaceAll(s, "<%= @release.version %>", version)
	return []byte(s)
}

// Unformatted returns the files (relative to dir) that `mix format --check-formatted` would
// change, using the Phoenix-aware formatter file.
func Unformatted(t testing.TB, dir string, files []string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if len(files) == 0 {
		return out
	}
	Require(t, "mix", "elixir")
	args := append([]string{"format", "--check-formatted", "--dot-formatter", FormatterFile()}, files...)
	cmd := exec.Command("mix", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MIX_HOME="+t.TempDir())
	b, err := cmd.CombinedOutput()
	if err == nil {
		return out
	}
	found := false
	for _, line := range strings.Split(string(b), "\n") {
		if f, ok := strings.CutPrefix(strings.TrimSpace(line), "* "); ok {
			out[f] = true
			found = true
		}
	}
	if !found {
		t.Fatalf("mix format failed without listing files: %v\n%s", err, b)
	}
	return out
}
