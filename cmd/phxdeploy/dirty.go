package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator"
)

// dirtyFiles lists the files among changes that git reports as changed and uncommitted in dir
// (nil when dir is not in a git work tree, or git is not installed: then there is nothing to
// protect, and nothing to say).
func dirtyFiles(dir string, changes []generator.Change) []string {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil
	}
	if out, err := exec.Command(git, "-C", dir, "rev-parse", "--is-inside-work-tree").Output(); err != nil || strings.TrimSpace(string(out)) != "true" {
		return nil
	}
	args := []string{"-C", dir, "status", "--porcelain", "-z", "--"}
	n := 0
	for _, c := range changes {
		if c.Writes() {
			args = append(args, ":(literal)"+c.Path)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out, err := exec.Command(git, args...).Output()
	if err != nil {
		return nil
	}
	var dirty []string
	for _, entry := range bytes.Split(out, []byte{0}) {
		if len(entry) > 3 && string(entry[:2]) != "??" { // untracked files are not edits to lose
			dirty = append(dirty, string(entry[3:]))
		}
	}
	return dirty
}

// guardDirty stops a run that would write over uncommitted changes: on a terminal it asks,
// otherwise it refuses and names --allow-dirty.
func guardDirty(opts *InitOptions, ask *asker) func([]generator.Change) error {
	return func(changes []generator.Change) error {
		dirty := dirtyFiles(opts.Dir, changes)
		if len(dirty) == 0 {
			return nil
		}
		list := strings.Join(dirty, ", ")
		if ask != nil {
			fmt.Fprintf(opts.IO.ErrOut, "warning: uncommitted changes in files phxdeploy is about to change: %s\n", generator.Printable(list))
			ok, err := ask.within(func() (string, error) {
				yes, err := ask.pr.Confirm("Uncommitted changes in "+generator.Printable(list)+": continue anyway?", false)
				return fmt.Sprint(yes), err
			})
			if err != nil {
				return err
			}
			if ok == "true" {
				return nil
			}
			return &exitError{code: generator.ExitUsage, err: fmt.Errorf("nothing written: commit or stash your changes to %s first, or pass --allow-dirty", list)}
		}
		return &exitError{code: generator.ExitUsage, err: fmt.Errorf("uncommitted changes in files phxdeploy would change: %s: commit or stash them first (git shows what phxdeploy changed), or pass --allow-dirty; nothing written", list)}
	}
}
