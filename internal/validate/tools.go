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

// SystemdUnits runs `systemd-analyze verify` on a set of units together (any output is a
// problem: it exits 0 on unknown keys and bad values; a unit that Requires= another of the set
// finds it beside it, and one it does not find is a problem), and `security --offline=true` on
// each, when systemd-analyze is installed. units maps file names (shop.service) to contents. The
// check runs on copies pointed at a temporary tree that has the units' executables.
func SystemdUnits(units map[string][]byte, installDir string) (exposure map[string]float64, problems []string) {
	if !Have("systemd-analyze") || len(units) == 0 {
		return nil, nil
	}
	root, err := os.MkdirTemp("", "phxdeploy-unit-")
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer os.RemoveAll(root)
	fake := filepath.Join(root, strings.TrimPrefix(installDir, "/"))
	if err := os.MkdirAll(filepath.Join(fake, "bin"), 0o755); err != nil {
		return nil, []string{err.Error()}
	}
	for _, exe := range []string{"server", "migrate"} {
		if err := os.WriteFile(filepath.Join(fake, "bin", exe), []byte("#!/bin/sh\n"), 0o755); err != nil {
			return nil, []string{err.Error()}
		}
	}
	names := make([]string, 0, len(units))
	for name := range units {
		names = append(names, name)
	}
	sort.Strings(names)
	paths := make([]string, len(names))
	for i, name := range names {
		if name != filepath.Base(name) || !strings.HasSuffix(name, ".service") {
			return nil, []string{fmt.Sprintf("%q is not a unit file name", name)}
		}
		paths[i] = filepath.Join(root, name)
		if err := os.WriteFile(paths[i], bytes.ReplaceAll(units[name], []byte(installDir+"/"), []byte(fake+"/")), 0o644); err != nil {
			return nil, []string{err.Error()}
		}
	}
	if out, err := exec.Command("systemd-analyze", append([]string{"verify"}, paths...)...).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		problems = append(problems, fmt.Sprintf("%s: systemd-analyze verify: %v %s", strings.Join(names, " "), err, strings.TrimSpace(strings.ReplaceAll(string(out), root, ""))))
	}
	exposure = map[string]float64{}
	for i, name := range names {
		out, _ := exec.Command("systemd-analyze", "security", "--offline=true", paths[i]).CombinedOutput()
		m := exposureRe.FindSubmatch(out)
		if m == nil {
			problems = append(problems, name+": systemd-analyze security printed no exposure level")
			continue
		}
		e, _ := strconv.ParseFloat(string(m[1]), 64)
		exposure[name] = e
		if e > 1.5 {
			problems = append(problems, fmt.Sprintf("%s: systemd-analyze security exposure %.1f, above 1.5", name, e))
		}
	}
	return exposure, problems
}
