// Package generator is phxdeploy's pipeline. Data flows one way, through stages that each do one
// thing, and Run is the one place that strings them together:
//
//	project.Read(dir) ──► Project ──────────────────────────────┐
//	flags > prompts > saved > organization > built-in ──► Answers┤   (Answers, the precedence)
//	                                                             ▼
//	              target.Registry.NewData(project, answers) ──► Data
//	                                                             ▼
//	  Plan(registry, data, engine, project files) ──► []Change  (pure: create, identical,
//	                                                             ▼   conflict, patch, manual)
//	                       Apply(dir, changes) (the only writer) ──► Report (text or JSON)
//
// The stages live in packages of their own:
//
//	project/  reading the project into the model (read only, never runs Elixir)
//	answers/  questions, answers with their sources, defaults.yaml and answers.yaml
//	target/   the registry: one Go file per target (questions, files, edits, data, next steps)
//	engine/   layered templates: lookup, block overrides, hermetic functions, export
//	setting/  the runtime.exs settings table: render, patch and name the variables
//	patch/    edits to the project's files, each verified (parses, idempotent, not in a string)
//	elixir/   the scanner, the nesting tree, queries, mix format's layout of calls
//
// cmd/phxdeploy (cobra, prompts), internal/lint, the golden tests, the benchmarks and the e2e
// tests all call Run (or PlanFor, for project models without files) instead of repeating the
// stages. The generator never imports cobra or the prompt library.
package generator
