package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/phxdeploy/phxdeploy/generator"
)

// NewUpdateCmd is `phxdeploy update`: init again with the saved answers, merging each file
// phxdeploy wrote with the user's version.
func NewUpdateCmd(ios *IOStreams) *cobra.Command {
	var conflict string
	cmd := NewInitCmd(ios, func(opts *InitOptions) error {
		if conflict != string(generator.ConflictMarkers) && conflict != string(generator.ConflictRej) {
			return usageError("--conflict %q: give markers or rej", conflict)
		}
		opts.Update, opts.Conflict = true, conflict
		return runInit(opts)
	})
	cmd.Use = "update"
	cmd.Short = "Re-render the files with the saved answers, merging phxdeploy's changes with yours"
	cmd.Long = `Re-renders every file with the answers in .phxdeploy/answers.yaml (flags win) and, for
each file phxdeploy wrote before (it keeps what it rendered under .phxdeploy/base):

  untouched since               -> update: replaced with the new rendering
  edited by you, ours unchanged -> yours: left as you have it
  both changed, no overlap      -> merge: both sets of changes
  both changed, overlapping     -> conflict: conflict markers in the file (or, with
                                   --conflict=rej, the file as you have it and phxdeploy's
                                   hunks in <file>.rej); exit 3
  deleted by you                -> deleted: stays deleted unless --force names it

Files phxdeploy edits in place (runtime.exs, mix.exs, the router, ...) are patched again, which
changes nothing when they already have what phxdeploy adds. --dry-run shows the result as a
patch and writes nothing.`
	cmd.Example = `  phxdeploy update
  phxdeploy update --dry-run
  # Change one answer; overlapping edits go to <file>.rej instead of markers in the file
  phxdeploy update --port 4100 --conflict=rej
  # Take phxdeploy's fly.toml over yours
  phxdeploy update --force fly.toml`
	cmd.Flags().StringVar(&conflict, "conflict", string(generator.ConflictMarkers), "how overlapping changes are left: markers (in the file) or rej (in <file>.rej beside it)")
	_ = cmd.Flags().MarkHidden("check")
	return cmd
}

// NewCheckCmd is `phxdeploy check`: for CI, whether an update would change the project.
func NewCheckCmd(ios *IOStreams) *cobra.Command {
	cmd := NewInitCmd(ios, runCheck)
	cmd.Use = "check"
	cmd.Short = "Exit 1 when an update would change the project (for CI); write nothing"
	cmd.Long = `Renders as phxdeploy update would, writes nothing, and prints what would change as a patch
(or, with --json, the report with a "drift" list). Exit 0 when nothing would change, 1 when
something would (a template or answer change not applied yet, a generated file missing or
deleted), 2 on a usage or project error. Your own edits to generated files are not drift, nor
are files phxdeploy never wrote, nor edits it can only describe (manual).`
	cmd.Example = `  # In CI, in a project where phxdeploy init was run and its files committed
  phxdeploy check
  phxdeploy check --json > drift.json`
	_ = cmd.Flags().MarkHidden("check")
	return cmd
}

// runCheck plans an update, writes nothing, and exits 1 on drift. Every error is a 2: CI must
// tell "drifted" from "could not check".
func runCheck(opts *InitOptions) error {
	ios := opts.IO
	dirs, err := orgDirs(ios, opts.Templates)
	if err != nil {
		return err
	}
	res, err := generator.Run(context.Background(), generator.Request{
		Dir: opts.Dir, Release: opts.Release, Endpoint: opts.Endpoint, Given: opts.Given, TemplateDirs: dirs,
		DryRun: true, Update: true, Waiting: waiting(ios), HealthRoutes: !opts.JSON,
	}, nil)
	if err != nil {
		return &exitError{code: generator.ExitUsage, err: err}
	}
	drift := generator.Drift(res.Changes)
	if opts.JSON {
		out := struct {
			*generator.Report
			Drift []generator.Change `json:"drift"`
		}{res.Report, drift}
		if out.Drift == nil {
			out.Drift = []generator.Change{}
		}
		if err := writeJSON(ios, out); err != nil {
			return &exitError{code: generator.ExitUsage, err: err}
		}
	} else if err := generator.WriteDiff(ios.Out, drift); err != nil {
		return &exitError{code: generator.ExitUsage, err: err}
	}
	if len(drift) == 0 {
		fmt.Fprintln(ios.ErrOut, "phxdeploy check: up to date")
		return nil
	}
	for _, c := range drift {
		fmt.Fprintf(ios.ErrOut, "%16s  %s\n", c.Action, generator.Printable(c.Path))
	}
	return &exitError{code: generator.ExitFailed, reported: opts.JSON, err: fmt.Errorf("phxdeploy check: %d file(s) would change: run phxdeploy update", len(drift))}
}
