// Package validate checks rendered deployment files with the parsers and linters the platforms
// themselves use: BuildKit's Dockerfile frontend, strict decoding into flyctl's and Kubernetes'
// types, and YAML/TOML decoders that reject unknown keys. Each check returns the problems it found;
// an empty list means the file passed.
package validate

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
)

// offlineResolver answers every base image lookup with an empty Linux image, so that linting
// never touches the network.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}`)
	return ref, digest.FromBytes([]byte(ref)), cfg, nil
}

// Dockerfile runs BuildKit's parser and linter (every stage, every rule that is on by default)
// and checks what phxdeploy promises beyond the linter: a numeric USER in the final stage, an
// exec-form CMD, and no COPY from the build context of a path the project does not have.
// project may be nil to skip the COPY check.
func Dockerfile(content []byte, project fs.FS) []string {
	var problems []string
	res, err := dockerfile2llb.DockerfileLint(context.Background(), content, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{},
		MetaResolver: offlineResolver{},
		SourceMap:    &llb.SourceMap{Filename: "Dockerfile", Language: "Dockerfile", Data: content, Definition: &llb.Definition{}},
	})
	if err != nil {
		return []string{"buildkit: " + err.Error()}
	}
	for _, w := range res.Warnings {
		line := 0
		if len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		problems = append(problems, fmt.Sprintf("Dockerfile:%d: %s: %s", line, w.RuleName, w.Detail))
	}
	if res.Error != nil {
		problems = append(problems, "Dockerfile: "+res.Error.Message)
	}

	ast, err := parser.Parse(bytes.NewReader(content))
	if err != nil {
		return append(problems, "Dockerfile: "+err.Error())
	}
	// A linter, not nil: BuildKit dereferences a nil one at a "# check=" comment before an
	// instruction. Its warnings were reported above.
	quiet := linter.New(&linter.Config{Warn: func(string, string, string, string, []parser.Range) {}})
	stages, _, err := instructions.Parse(ast.AST, quiet)
	if err != nil {
		return append(problems, "Dockerfile: "+err.Error())
	}
	if len(stages) == 0 {
		return append(problems, "Dockerfile: no stage")
	}
	final := stages[len(stages)-1]
	var user string
	var cmd *instructions.CmdCommand
	for _, st := range stages {
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.UserCommand:
				if st.Name == final.Name {
					user = c.User
				}
			case *instructions.CmdCommand:
				if st.Name == final.Name {
					cmd = c
				}
			case *instructions.CopyCommand:
				if c.From != "" || project == nil {
					continue
				}
				for _, src := range c.SourcePaths {
					if strings.ContainsAny(src, "*?[") {
						continue
					}
					if _, err := fs.Stat(project, strings.TrimPrefix(strings.TrimSuffix(src, "/"), "./")); err != nil {
						problems = append(problems, fmt.Sprintf("Dockerfile:%d: COPY %s: the project has no such path", c.Location()[0].Start.Line, src))
					}
				}
			}
		}
	}
	uid := strings.SplitN(user, ":", 2)[0]
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		problems = append(problems, fmt.Sprintf("Dockerfile: the final stage's USER is %q; it must be a numeric non-root UID", user))
	}
	if cmd == nil {
		problems = append(problems, "Dockerfile: the final stage has no CMD")
	} else if cmd.PrependShell {
		problems = append(problems, "Dockerfile: CMD is in shell form; signals would not reach the VM")
	}
	return problems
}
