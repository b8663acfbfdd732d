// Package target is the registry of deployment targets. Each target is one Go file declaring
// what it asks (questions, which become init's flags, prompts and saved answers), what it writes
// (files rendered from its template folder), what it edits in the project, the template data it
// derives, the answers it refuses together, and the next steps it prints. common.go holds what
// every deploy needs (runtime.exs, the Release module, overlay scripts, env.sh, the health check,
// the image for the targets that run one).
//
// Adding a target (Render, Nomad, Kamal):
//
//  1. Write target/<name>.go with a constructor returning a Target: Name, Title, the capability
//     flags that apply (BuildsImage, SQLiteVolume, PublicHost, LocalHost), its Questions, Files
//     (template, path, when), Edits, Derive for any data field its templates need, Check and
//     NextSteps. Add the constructor to the list in Default.
//  2. Put its templates in templates/<name>/ (embedded without further change). Templates
//     receive Data; a new answer is also available as .Answers.<key>.
//  3. Add golden scenarios for it (generator/golden_test.go) and run `make golden`; read the diff.
//
// target_registry_test.go in generator/ does exactly this with a test-only target.
package target
