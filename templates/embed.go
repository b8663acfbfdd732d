// Package templates holds the embedded templates phxdeploy renders, by target. Each file is named
// by its path relative to this directory (for example "docker/Dockerfile.tmpl"); files whose base
// name starts with "_" are partials that other templates include.
package templates

import "embed"

// FS is the embedded template tree.
//
//go:embed all:common all:docker all:fly all:systemd all:k8s
var FS embed.FS
