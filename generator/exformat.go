package generator

import (
	"fmt"
	"strings"
)

// elixirLineLength is mix format's default :line_length.
const elixirLineLength = 98

// exCall lays out a call without parentheses, such as `config :app, Mod, key: value`, the way
// `mix format` does, so that rendered files stay formatted whatever the length of the names:
//
//  1. everything on one line when it fits;
//  2. else the positional arguments on the first line and each keyword pair on its own line,
//     indented by two, when that first line fits;
//  3. else every argument on its own line, aligned after the function name.
//
// indent is the column of the call. args are single-line positional arguments; kws are keyword
// pairs ("key: value"), whose values may span lines (continuation lines are relative to the
// pair's own column).
func exCall(indent int, fun string, args []any, kws []any) (string, error) {
	pos, err := strs(args)
	if err != nil {
		return "", err
	}
	pairs, err := strs(kws)
	if err != nil {
		return "", err
	}
	pad := strings.Repeat(" ", indent)
	all := append(append([]string{}, pos...), pairs...)
	multiline := false
	for _, p := range pairs {
		multiline = multiline || strings.Contains(p, "\n")
	}
	if one := pad + fun + " " + strings.Join(all, ", "); !multiline && len(one) <= elixirLineLength {
		return one, nil
	}
	if head := pad + fun + " " + strings.Join(pos, ", ") + ","; len(pos) > 0 && len(pairs) > 0 && len(head) <= elixirLineLength {
		lines := []string{head}
		for i, p := range pairs {
			lines = append(lines, reindent(p, indent+2)+sep(i, len(pairs)))
		}
		return strings.Join(lines, "\n"), nil
	}
	col := indent + len(fun) + 1
	lines := make([]string, len(all))
	for i, a := range all {
		lines[i] = reindent(a, col) + sep(i, len(all))
		if i == 0 {
			lines[i] = pad + fun + " " + strings.TrimLeft(lines[i], " ")
		}
	}
	return strings.Join(lines, "\n"), nil
}

func sep(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}

// reindent places text at column col; its continuation lines keep their relative indentation.
func reindent(text string, col int) string {
	pad := strings.Repeat(" ", col)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

func strs(list []any) ([]string, error) {
	out := make([]string, len(list))
	for i, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("exCall: argument %d is %T, not a string", i+1, v)
		}
		out[i] = s
	}
	return out, nil
}
