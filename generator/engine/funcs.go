package engine

import (
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
	funcs["exCall"] = elixir.FormatCallAny
	return funcs
}
