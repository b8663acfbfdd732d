package validate

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Have reports whether a tool is on PATH.
func Have(tool string) bool {
	_, err := exec.LookPath(tool)
	return err == nil
}

// Shell runs `sh -n` and, when installed, shellcheck on a script.
func Shell(name string, content []byte) []string {
	var problems []string
	cmd := exec.Command("sh", "-n")
	cmd.Stdin = bytes.NewReader(content)
	if out, err := cmd.CombinedOutput(); err != nil {
		problems = append(problems, fmt.Sprintf("%s: sh -n: %v %s", name, err, strings.TrimSpace(string(out))))
	}
	if Have("shellcheck") {
		cmd = exec.Command("shellcheck", "--shell=sh", "--severity=style", "-")
		cmd.Stdin = bytes.NewReader(content)
		if out, err := cmd.CombinedOutput(); err != nil {
			problems = append(problems, fmt.Sprintf("%s: shellcheck:\n%s", name, strings.TrimSpace(string(out))))
		}
	}
	return problems
}

// RenderEEx renders the EEx tags of rel/env.sh.eex the way `mix release` does, so that the
// result can be checked as a shell script.
func RenderEEx(content []byte, release, version string) []byte {
	s := strings.ReplaceAll(string(content), "<%= @release.name %>", release)
	return []byte(strings.ReplaceAll(s, "<%= @release.version %>", version))
}

// ElixirParser parses Elixir files (name -> content) and returns the problems it finds.
type ElixirParser func(files map[string][]byte) []string

// ElixirParses parses every file (name -> content) with Elixir's own parser, when elixir is
// installed.
func ElixirParses(files map[string][]byte) []string {
	if !Have("elixir") || len(files) == 0 {
		return nil
	}
	dir, err := os.MkdirTemp("", "phxdeploy-lint-")
	if err != nil {
		return []string{err.Error()}
	}
	defer os.RemoveAll(dir)
	var paths []string
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return []string{err.Error()}
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return []string{err.Error()}
		}
		paths = append(paths, name)
	}
	sort.Strings(paths)
	script := `for f <- System.argv() do
  case Code.string_to_quoted(File.read!(f), file: f) do
    {:ok, _} -> :ok
    {:error, {meta, msg, token}} -> IO.puts("#{f}:#{meta[:line]}:#{meta[:column]}: #{inspect(msg)} #{inspect(token)}")
  end
end`
	cmd := exec.Command("elixir", append([]string{"-e", script}, paths...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var problems []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			problems = append(problems, l)
		}
	}
	if err != nil && len(problems) == 0 {
		problems = append(problems, "elixir: "+err.Error())
	}
	return problems
}

var exposureRe = regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)

// SystemdUnit runs `systemd-analyze verify` (any output is a problem: it exits 0 on unknown keys
// and bad values) and `security --offline=true` on a unit, when systemd-analyze is installed.
// The check runs on a copy pointed at a temporary tree that has the unit's executables.
func SystemdUnit(name string, unit []byte, installDir string) (exposure float64, problems []string) {
	if !Have("systemd-analyze") {
		return 0, nil
	}
	root, err := os.MkdirTemp("", "phxdeploy-unit-")
	if err != nil {
		return 0, []string{err.Error()}
	}
	defer os.RemoveAll(root)
	fake := filepath.Join(root, strings.TrimPrefix(installDir, "/"))
	if err := os.MkdirAll(filepath.Join(fake, "bin"), 0o755); err != nil {
		return 0, []string{err.Error()}
	}
	for _, exe := range []string{"server", "migrate"} {
		if err := os.WriteFile(filepath.Join(fake, "bin", exe), []byte("#!/bin/sh\n"), 0o755); err != nil {
			return 0, []string{err.Error()}
		}
	}
	path := filepath.Join(root, name)
	if err := os.WriteFile(path, bytes.ReplaceAll(unit, []byte(installDir+"/"), []byte(fake+"/")), 0o644); err != nil {
		return 0, []string{err.Error()}
	}
	if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		problems = append(problems, fmt.Sprintf("%s: systemd-analyze verify: %v %s", name, err, strings.TrimSpace(strings.ReplaceAll(string(out), root, ""))))
	}
	out, _ := exec.Command("systemd-analyze", "security", "--offline=true", path).CombinedOutput()
	m := exposureRe.FindSubmatch(out)
	if m == nil {
		return 0, append(problems, name+": systemd-analyze security printed no exposure level")
	}
	exposure, _ = strconv.ParseFloat(string(m[1]), 64)
	if exposure > 1.5 {
		problems = append(problems, fmt.Sprintf("%s: systemd-analyze security exposure %.1f, above 1.5", name, exposure))
	}
	return exposure, problems
}
