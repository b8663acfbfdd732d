package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/phxdeploy/phxdeploy/generator"
	"github.com/phxdeploy/phxdeploy/generator/project"
	"github.com/phxdeploy/phxdeploy/internal/envcheck"
	"github.com/phxdeploy/phxdeploy/internal/refcheck"
)

// NewDebugCmd groups commands for checking phxdeploy itself on real projects.
func NewDebugCmd(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "debug", Short: "Check phxdeploy's output on a project", Hidden: true,
		Example: `  phxdeploy debug env --target fly --yes
  phxdeploy debug refs --target fly --yes`}
	refs := NewInitCmd(ios, func(opts *InitOptions) error { return runRefs(opts) })
	refs.Use = "refs"
	refs.Short = "Run init on a copy of the project and check what it wrote: every module it names exists, every probe is served"
	refs.Example = "  phxdeploy debug refs --dir ~/src/shop --target fly,docker,systemd,k8s --image r.example.com/app:1.0.0 --host app.example.com --yes"
	cmd.AddCommand(refs)
	env := NewInitCmd(ios, func(opts *InitOptions) error { return runEnv(opts) })
	env.Use = "env"
	env.Short = "Plan init (writing nothing) and compare the variables the release requires with those each target's files provide"
	env.Example = "  phxdeploy debug env --dir ~/src/shop --target fly,docker,systemd,k8s --image r.example.com/app:1.0.0 --host app.example.com --yes"
	cmd.AddCommand(env)
	return cmd
}

// runEnv plans init without writing and reports, per target, the required variables its files
// and next steps leave out. Exit 1 when one is.
func runEnv(opts *InitOptions) error {
	dirs, err := orgDirs(opts.IO, opts.Templates)
	if err != nil {
		return err
	}
	res, err := generator.Run(context.Background(), generator.Request{Dir: opts.Dir, Release: opts.Release, Endpoint: opts.Endpoint,
		Given: opts.Given, TemplateDirs: dirs, DryRun: true}, nil)
	if err != nil {
		return failed(err)
	}
	missing, err := envcheck.Missing(res)
	if err != nil {
		return failed(err)
	}
	required := envcheck.Required(res)
	fmt.Fprintf(opts.IO.Out, "required (%d): %s\n", len(required), strings.Join(required, " "))
	n := 0
	for _, t := range res.Data.Targets {
		if names, ok := missing[t]; ok {
			fmt.Fprintf(opts.IO.Out, "%s: missing %s\n", t, strings.Join(names, " "))
			n += len(names)
		} else {
			fmt.Fprintf(opts.IO.Out, "%s: provides every required variable\n", t)
		}
	}
	if n > 0 {
		return &exitError{code: generator.ExitFailed, err: fmt.Errorf("debug env: %d required variable(s) not provided", n)}
	}
	return nil
}

// runRefs copies the project, runs init on the copy, reads the copy again and reports each
// module a written file names that neither the project nor a dependency defines, and each probed
// path the router does not serve. Exit 1 when it finds one.
func runRefs(opts *InitOptions) error {
	tmp, err := os.MkdirTemp("", "phxdeploy-refs-")
	if err != nil {
		return failed(err)
	}
	defer os.RemoveAll(tmp)
	copyDir := filepath.Join(tmp, "project")
	if out, err := exec.Command("cp", "-R", opts.Dir, copyDir).CombinedOutput(); err != nil {
		return failed(fmt.Errorf("copying %s: %v %s", opts.Dir, err, out))
	}
	dirs, err := orgDirs(opts.IO, opts.Templates)
	if err != nil {
		return err
	}
	res, err := generator.Run(context.Background(), generator.Request{Dir: copyDir, Release: opts.Release, Endpoint: opts.Endpoint,
		Given: opts.Given, TemplateDirs: dirs, Force: opts.Force, Forced: opts.Forced}, nil)
	if err != nil {
		return failed(err)
	}
	after, err := project.Read(copyDir, project.Options{Release: res.Project.Release, Endpoint: res.Project.Endpoint})
	if err != nil {
		return failed(fmt.Errorf("reading the project after init: %w", err))
	}
	var written []refcheck.Written
	for _, c := range res.Changes {
		switch {
		case c.Writes():
			written = append(written, refcheck.Written{Path: c.Path, Old: c.Old, Content: c.Content})
		case c.Action == generator.Identical, c.Action == generator.Conflict:
			written = append(written, refcheck.Written{Path: c.Path, Old: c.Old, Content: c.Old})
		}
	}
	problems := append(refcheck.Modules(after, written), refcheck.Probes(after, refcheck.ProbePaths(written))...)
	for _, p := range problems {
		fmt.Fprintln(opts.IO.Out, p)
	}
	fmt.Fprintf(opts.IO.Out, "checked %d files: %d problem(s)\n", len(written), len(problems))
	if len(problems) > 0 {
		return &exitError{code: generator.ExitFailed, err: fmt.Errorf("debug refs found %d problem(s)", len(problems))}
	}
	return nil
}
