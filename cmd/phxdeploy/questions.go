package main

import (
	"sync"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/target"
)

// questionFlag is what the command line needs of a question: its flag and the values it
// completes.
type questionFlag struct {
	Key, Help string
	Kind      answers.Kind
	Options   []string
}

// questionFlags is the question table as flags, built once: every command that takes the
// answers as flags (init, update, check and the debug commands) defines them, and building the
// registry for each cost more than the rest of `phxdeploy --help`.
var questionFlags = sync.OnceValue(func() []questionFlag {
	var out []questionFlag
	for _, q := range target.Default().Questions() {
		out = append(out, questionFlag{Key: q.Key, Help: q.Help, Kind: q.Kind, Options: q.Options})
	}
	return out
})
