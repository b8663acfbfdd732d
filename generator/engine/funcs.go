package engine

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

// impure lists the functions of sprig's hermetic map that still depend on something other than
// their arguments: randomness (salts, keys, shuffles, IVs), the clock, the local time zone. A
// template that called one would render differently on every run, and every second run of init
// would report a conflict.
var impure = []string{
	"randInt", "shuffle", "bcrypt", "htpasswd", "encryptAES",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey",
	"ago", "toDate", "mustToDate",
}

// baseFuncs is sprig's hermetic text function map (no environment, network, random or time
// functions) less the impure functions it still has, plus phxdeploy's own: templates render the
// same everywhere, every time.
func baseFuncs() template.FuncMap {
	funcs := sprig.HermeticTxtFuncMap()
	for _, name := range impure {
		delete(funcs, name)
	}
	funcs["exCall"] = func(indent int, fun string, args []any, kws []any) (string, error) {
		if indent < 0 || indent > 200 {
			return "", fmt.Errorf("exCall: indent %d is not a column (0 to 200)", indent)
		}
		return elixir.FormatCallAny(indent, fun, args, kws)
	}
	// Map iteration order is random: keys and values are sorted, so that a template renders the
	// same every time.
	sortedKeys := func(dicts ...map[string]any) []string {
		var out []string
		for _, d := range dicts {
			for k := range d {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	funcs["keys"] = sortedKeys
	funcs["values"] = func(dict map[string]any) []any {
		var out []any
		for _, k := range sortedKeys(dict) {
			out = append(out, dict[k])
		}
		return out
	}
	funcs["shq"] = ShQuote
	funcs["yamlq"] = YAMLQuote
	funcs["tomlq"] = TOMLQuote
	return funcs
}

// budgeted replaces the functions that make lists or strings of a size the template chooses with
// versions that spend the render's budget.
func budgeted(funcs template.FuncMap, sp *spend) {
	until := funcs["until"].(func(int) []int)
	funcs["until"] = func(n int) ([]int, error) {
		if err := sp.elementsFor("until", n); err != nil {
			return nil, err
		}
		return until(n), nil
	}
	untilStep := funcs["untilStep"].(func(int, int, int) []int)
	funcs["untilStep"] = func(start, stop, step int) ([]int, error) {
		if step != 0 {
			if err := sp.elementsFor("untilStep", (stop-start)/step); err != nil {
				return nil, err
			}
		}
		return untilStep(start, stop, step), nil
	}
	seq := funcs["seq"].(func(...int) string)
	funcs["seq"] = func(params ...int) (string, error) {
		n := 0
		if len(params) > 0 {
			n = params[len(params)-1] - params[0]
			if n < 0 {
				n = -n
			}
		}
		if err := sp.elementsFor("seq", n); err != nil {
			return "", err
		}
		return seq(params...), nil
	}
	repeat := funcs["repeat"].(func(int, string) string)
	funcs["repeat"] = func(count int, s string) (string, error) {
		if err := sp.elementsFor("repeat", count*len(s)); err != nil {
			return "", err
		}
		return repeat(count, s), nil
	}
	for _, name := range []string{"indent", "nindent"} {
		f := funcs[name].(func(int, string) string)
		funcs[name] = func(spaces int, s string) (string, error) {
			if err := sp.elementsFor(name, spaces*(strings.Count(s, "\n")+1)); err != nil {
				return "", err
			}
			return f(spaces, s), nil
		}
	}
}

// guarded wraps every function so that none returns a string larger than a render's output
// budget, or a list longer than its element budget: a template that doubles a string forty times
// fails at the budget instead of exhausting memory. (text/template turns the panic into an error
// naming the function.)
func guarded(funcs template.FuncMap, sp *spend) {
	funcs["printf"] = fmt.Sprintf
	funcs["print"] = fmt.Sprint
	funcs["println"] = fmt.Sprintln
	for name, fn := range funcs {
		v := reflect.ValueOf(fn)
		if v.Kind() != reflect.Func {
			continue
		}
		t := v.Type()
		funcs[name] = reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
			var out []reflect.Value
			if t.IsVariadic() {
				out = v.CallSlice(args)
			} else {
				out = v.Call(args)
			}
			for _, o := range out {
				switch o.Kind() {
				case reflect.String:
					if o.Len() > sp.Output {
						panic(fmt.Errorf("%s: the result is larger than %d MiB", name, sp.Output>>20))
					}
				case reflect.Slice:
					if o.Len() > sp.Elements {
						panic(fmt.Errorf("%s: the result has more than %d elements", name, sp.Elements))
					}
				}
			}
			return out
		}).Interface()
	}
}
