package patch

import (
	"errors"
	"runtime"
	"strings"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// Outcome is what Verify decided for one file.
type Outcome struct {
	Content   string  // the edited text (when Changed)
	Changed   bool    // the patcher changed the file and its work checks out
	Manual    *Manual // the file is left as it is; the user has to do this
	Identical bool    // the file already has everything
}

// Verify runs a patcher on old and checks its work: an edited Elixir file must still parse, and
// running the patcher again on its own output must change nothing. Anything else becomes a
// manual step and the file is left as it is.
func Verify(file, old string, fn func(string) (string, error)) Outcome {
	out, err := fn(old)
	var m *Manual
	switch {
	case errors.As(err, &m):
		return Outcome{Manual: &Manual{Reason: strings.TrimPrefix(m.Reason, file+": "), Snippet: m.Snippet}}
	case err != nil:
		return Outcome{Manual: &Manual{Reason: err.Error()}}
	case out == old:
		return Outcome{Identical: true, Content: old}
	}
	if strings.HasSuffix(file, ".ex") || strings.HasSuffix(file, ".exs") {
		t, err := elixir.Parse(out)
		if err != nil {
			return Outcome{Manual: &Manual{Reason: "phxdeploy's edit would not parse; the file was left as it is (please report this)"}}
		}
		// held until the patcher has run again on out, which then reuses the tree (Parse)
		defer runtime.KeepAlive(t)
	}
	if again, err := fn(out); err != nil || again != out {
		return Outcome{Manual: &Manual{Reason: "phxdeploy's edit is not stable; the file was left as it is (please report this)"}}
	}
	return Outcome{Content: out, Changed: true}
}
