package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/phxdeploy/phxdeploy/generator/answers"
)

// helpTopics are `phxdeploy help <topic>`: commands without a run function, which cobra lists as
// additional help topics. Their help is the text and the examples (cobra shows a usage section,
// and with it the examples, only for a command that runs).
func helpTopics() []*cobra.Command {
	topics := []*cobra.Command{
		{Use: "environment", Short: "Environment variables phxdeploy reads, and those the release reads", Long: `phxdeploy itself reads:
  PHXDEPLOY_TEMPLATES  organization template directories (a path list), when --templates is not given
  ACCESSIBLE           any value: plain line-by-line prompts (as --accessible)
  TERM=dumb            plain line-by-line prompts
  NO_COLOR             any value: no colour in prompts

The release reads what the project's own config reads: 'phxdeploy debug env' lists every
variable, whether it is required or secret, where it is read (file:line), and what each target
sets; 'init --json' lists them under "environment".`,
			Example: `  phxdeploy help environment
  # the organization's template layer for every run, without --templates
  PHXDEPLOY_TEMPLATES=~/acme-templates phxdeploy templates list
  # plain prompts, answers piped in: docker, done, take the proposals, write
  printf '2\n0\n1\ny\n' | ACCESSIBLE=1 phxdeploy init`},
		{Use: "exit-codes", Short: "What phxdeploy's exit codes mean", Long: `init, update:
  0    done: every file written, already identical, kept, or yours
  1    failed: nothing written (not a Phoenix project, unreadable file, template error, write error)
  2    usage error: unknown flag or command, invalid value, a required answer missing without a
       terminal, uncommitted changes in files to write (without --allow-dirty)
  3    done, except files left in conflict or edits listed as manual
  130  stopped by SIGINT (Ctrl-C, or the end of the input at a prompt): nothing more written,
       what was written restored
  143  stopped by SIGTERM: the same

check (and init --check):
  0    an update would change nothing
  1    an update would change something (printed as a patch, or in --json's "drift")
  2    usage or project error

templates: 0 done, 1 a problem (a lint finding, a template error), 2 usage error.`,
			Example: `  phxdeploy help exit-codes
  # a script that takes "done, with files left for you to look at" (3) as success
  phxdeploy init --target fly --yes || [ $? -eq 3 ]`},
	}
	for _, t := range topics {
		t.SetHelpTemplate("{{.Long | trimTrailingWhitespaces}}\n\nExamples:\n{{.Example}}\n")
	}
	return topics
}

// cobraExamples gives cobra's help and completion commands (added to the tree by NewRootCmd)
// examples, as phxdeploy's own commands have.
func cobraExamples(root *cobra.Command) {
	examples := map[string]string{
		"help": `  phxdeploy help init
  phxdeploy help exit-codes`,
		"completion": `  source <(phxdeploy completion bash)
  mkdir -p ~/.zfunc && phxdeploy completion zsh > ~/.zfunc/_phxdeploy`,
		"completion bash": `  # in this shell
  source <(phxdeploy completion bash)
  # in every new shell (with the bash-completion package)
  mkdir -p ~/.local/share/bash-completion/completions &&
    phxdeploy completion bash > ~/.local/share/bash-completion/completions/phxdeploy`,
		"completion zsh": `  # then, in ~/.zshrc: fpath=(~/.zfunc $fpath); autoload -U compinit; compinit
  mkdir -p ~/.zfunc && phxdeploy completion zsh > ~/.zfunc/_phxdeploy`,
		"completion fish": `  mkdir -p ~/.config/fish/completions && phxdeploy completion fish > ~/.config/fish/completions/phxdeploy.fish`,
		"completion powershell": `  # then add . ~/phxdeploy.ps1 to your PowerShell profile
  phxdeploy completion powershell > ~/phxdeploy.ps1`,
	}
	for path, ex := range examples {
		if c, _, err := root.Find(strings.Fields(path)); err == nil && c != root {
			c.Example = ex
		}
	}
}

// completeAnswers completes the values of the questions with a closed set of answers (targets,
// database adapters), a comma-separated list for those that take several.
func completeAnswers(cmd *cobra.Command) {
	for _, q := range questionFlags() {
		if len(q.Options) == 0 {
			continue
		}
		options, list := q.Options, q.Kind == answers.KindList
		_ = cmd.RegisterFlagCompletionFunc(q.Key, func(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
			prefix := ""
			if i := strings.LastIndex(typed, ","); list && i >= 0 {
				prefix = typed[:i+1]
			}
			var out []string
			for _, o := range options {
				if !strings.Contains(","+prefix, ","+o+",") {
					out = append(out, prefix+o)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		})
	}
	_ = cmd.RegisterFlagCompletionFunc("dir", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
}
