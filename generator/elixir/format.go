package elixir

import (
	"fmt"
	"strings"
)

// LineLength is mix format's default :line_length.
const LineLength = 98

// FormatCall lays out a call without parentheses, such as `config :app, Mod, key: value`, the
// way `mix format` does, so that rendered files stay formatted whatever the length of the names:
//
//  1. everything on one line when it fits;
//  2. else the positional arguments on the first line and each keyword pair on its own line,
//     indented by two, when that first line fits;
//  3. else every argument on its own line, aligned after the function name.
//
// indent is the column of the call. args are single-line positional arguments; kws are keyword
// pairs ("key: value"), whose values may span lines (continuation lines are relative to the
// pair's own column). Templates call it as exCall, with lists of any.
func FormatCall(indent int, fun string, args []string, kws []string) string {
	pad := strings.Repeat(" ", indent)
	all := append(append([]string{}, args...), kws...)
	multiline := false
	for _, p := range kws {
		multiline = multiline || strings.Contains(p, "\n")
	}
	if one := pad + fun + " " + strings.Join(all, ", "); !multiline && len(one) <= LineLength {
		return one
	}
	if head := pad + fun + " " + strings.Join(args, ", ") + ","; len(args) > 0 && len(kws) > 0 && len(head) <= LineLength {
		lines := []string{head}
		for i, p := range kws {
			lines = append(lines, Reindent(p, indent+2)+sep(i, len(kws)))
		}
		return strings.Join(lines, "\n")
	}
	col := indent + len(fun) + 1
	lines := make([]string, len(all))
	for i, a := range all {
		lines[i] = Reindent(a, col) + sep(i, len(all))
		if i == 0 {
			lines[i] = pad + fun + " " + strings.TrimLeft(lines[i], " ")
		}
	}
	return strings.Join(lines, "\n")
}

// FormatCallAny is FormatCall for templates, whose lists hold values of any type.
func FormatCallAny(indent int, fun string, args []any, kws []any) (string, error) {
	a, err := strs(args)
	if err != nil {
		return "", err
	}
	k, err := strs(kws)
	if err != nil {
		return "", err
	}
	return FormatCall(indent, fun, a, k), nil
}

func sep(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}

// Reindent places text at column col; its continuation lines keep their relative indentation.
func Reindent(text string, col int) string {
	return IndentBlock(text, strings.Repeat(" ", col))
}

// IndentBlock prefixes every non-empty line of text with indent.
func IndentBlock(text, indent string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = indent + l
		}
	}
	return strings.Join(lines, "\n")
}

// Dedent removes n leading spaces from every line that has them.
func Dedent(text string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, pad)
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
