package patch

import (
	"fmt"
	"strings"

	"github.com/phxdeploy/phxdeploy/internal/lazyre"
)

// The markers around phxdeploy's block in rel/env.sh.eex.
const (
	EnvBlockBegin = "# >>> phxdeploy"
	EnvBlockEnd   = "# <<< phxdeploy"
)

var releaseNodeRe = lazyre.New(`(?m)^\s*(export\s+)?RELEASE_NODE=`)

// EnvSh brings phxdeploy's block into an existing rel/env.sh.eex: replaced in place when the file
// has it, appended otherwise, unless the user's own lines already set RELEASE_NODE. rendered is
// the file phxdeploy would write; its block is taken from there.
func EnvSh(existing, rendered string) (string, error) {
	block, ok := markedBlock(rendered)
	if !ok {
		return "", fmt.Errorf("rel/env.sh.eex template: the %q ... %q block is missing", EnvBlockBegin, EnvBlockEnd)
	}
	eol := lineEnding(existing)
	block = strings.ReplaceAll(block, "\n", eol)
	if from, to, ok := markedSpan(existing); ok {
		return existing[:from] + block + existing[to:], nil
	}
	if releaseNodeRe.MatchString(existing) {
		return existing, nil // the project names its nodes itself
	}
	out := existing
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += eol
	}
	return out + eol + block, nil
}

// markedSpan finds phxdeploy's block in text: from the start of its first line to the end of
// its last (line break included).
func markedSpan(text string) (from, to int, ok bool) {
	from = strings.Index(text, EnvBlockBegin)
	if from < 0 || (from > 0 && text[from-1] != '\n') {
		return 0, 0, false
	}
	rest := strings.Index(text[from:], EnvBlockEnd)
	if rest < 0 {
		return 0, 0, false
	}
	to = from + rest
	if nl := strings.IndexByte(text[to:], '\n'); nl >= 0 {
		to += nl + 1
	} else {
		to = len(text)
	}
	return from, to, true
}

func markedBlock(text string) (string, bool) {
	from, to, ok := markedSpan(text)
	if !ok {
		return "", false
	}
	return text[from:to], true
}
