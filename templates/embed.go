// Package templates holds the embedded templates phxdeploy renders, one directory per target
// (common/ for the files every deploy gets). Each file is named by its path relative to this
// directory (for example "docker/Dockerfile.tmpl"); files whose base name starts with "_" are
// partials that other templates include. A new target's directory is embedded without any change
// here.
package templates

import "embed"

// FS is the embedded template tree.
//
//go:embed */*.tmpl
var FS embed.FS
