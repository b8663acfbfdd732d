package dockerfile

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// oracle is what BuildKit's own parser makes of a Dockerfile, in this package's terms.
func oracle(src []byte) (*File, error) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	// A linter, not nil: BuildKit's Parse dereferences a nil one at a "# check=" comment before
	// an instruction (phxdeploy crashed there while it used BuildKit's parser).
	stages, metaArgs, err := instructions.Parse(res.AST, linter.New(&linter.Config{Warn: func(string, string, string, string, []parser.Range) {}}))
	if err != nil {
		return nil, err
	}
	f := &File{Escape: res.EscapeToken}
	for _, a := range metaArgs {
		f.MetaArgs = append(f.MetaArgs, argPairs(a.Args)...)
	}
	for _, st := range stages {
		s := Stage{Name: st.Name, BaseName: st.BaseName, Platform: st.Platform, Line: st.Location[0].Start.Line}
		for _, c := range st.Commands {
			cmd := Command{Name: strings.ToLower(c.Name()), Line: c.Location()[0].Start.Line}
			switch c := c.(type) {
			case *instructions.CopyCommand:
				cmd.Args, cmd.Dest, cmd.From = c.SourcePaths, c.DestPath, c.From
				for _, sc := range c.SourceContents {
					cmd.Heredocs = append(cmd.Heredocs, sc.Data)
				}
			case *instructions.AddCommand:
				cmd.Args, cmd.Dest = c.SourcePaths, c.DestPath
				for _, sc := range c.SourceContents {
					cmd.Heredocs = append(cmd.Heredocs, sc.Data)
				}
			case *instructions.RunCommand:
				cmd.Args, cmd.Shell = c.CmdLine, c.PrependShell
				for _, h := range c.Files {
					if h.Chomp {
						h.Data = parser.ChompHeredocContent(h.Data)
					}
					cmd.Heredocs = append(cmd.Heredocs, h.Data)
				}
			case *instructions.CmdCommand:
				cmd.Args, cmd.Shell = c.CmdLine, c.PrependShell
			case *instructions.EntrypointCommand:
				cmd.Args, cmd.Shell = c.CmdLine, c.PrependShell
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					cmd.Pairs = append(cmd.Pairs, Pair{Key: kv.Key, Value: kv.Value, Set: true})
				}
			case *instructions.LabelCommand:
				for _, kv := range c.Labels {
					cmd.Pairs = append(cmd.Pairs, Pair{Key: kv.Key, Value: kv.Value, Set: true})
				}
			case *instructions.ArgCommand:
				cmd.Pairs = argPairs(c.Args)
			case *instructions.WorkdirCommand:
				cmd.Args = []string{c.Path}
			case *instructions.UserCommand:
				cmd.Args = []string{c.User}
			case *instructions.MaintainerCommand:
				cmd.Args = []string{c.Maintainer}
			case *instructions.ExposeCommand:
				cmd.Args = c.Ports
			case *instructions.VolumeCommand:
				cmd.Args = c.Volumes
			}
			s.Commands = append(s.Commands, cmd)
		}
		f.Stages = append(f.Stages, s)
	}
	return f, nil
}

func argPairs(args []instructions.KeyValuePairOptional) []Pair {
	var out []Pair
	for _, kv := range args {
		p := Pair{Key: kv.Key, Set: kv.Value != nil}
		if kv.Value != nil {
			p.Value = *kv.Value
		}
		out = append(out, p)
	}
	return out
}

// normal makes empty and nil lists the same, for the comparison.
func normal(f *File) *File {
	if f == nil {
		return nil
	}
	for i := range f.Stages {
		if len(f.Stages[i].Commands) == 0 {
			f.Stages[i].Commands = nil
		}
		for j := range f.Stages[i].Commands {
			c := &f.Stages[i].Commands[j]
			if len(c.Args) == 0 {
				c.Args = nil
			}
		}
	}
	return f
}

// agree checks that this package and BuildKit read src the same way: both refuse it, or both
// read the same stages, instructions and values.
func agree(t *testing.T, name string, src []byte) {
	t.Helper()
	want, werr := oracle(src)
	got, gerr := Parse(src)
	if werr != nil && gerr == nil && runMountOrDeviceError.MatchString(werr.Error()) {
		return // not checked by this package: see the comment in command
	}
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: BuildKit says %v, phxdeploy says %v\n%q", name, werr, gerr, src)
	}
	if werr != nil {
		return
	}
	if !reflect.DeepEqual(normal(got), normal(want)) {
		t.Fatalf("%s: read differently\nphxdeploy: %+v\nBuildKit:  %+v\n%q", name, got, want, src)
	}
}

// runMountOrDeviceError is BuildKit refusing the value of a RUN --mount or --device.
var runMountOrDeviceError = regexp.MustCompile(`csv mounts|csv devices|mount|must be a key=value pair|unexpected key|invalid value|sharing|for uid|for gid|for mode|not allowed for|device name`)

// cases are Dockerfile forms the real projects use, and the corners of the grammar.
var cases = map[string]string{
	"multi-stage": `ARG ELIXIR_VERSION=1.17.3
ARG OTP_VERSION=27.1.2
ARG BUILDER_IMAGE="hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-bookworm-20241016-slim"
FROM ${BUILDER_IMAGE} AS builder
RUN apt-get update -y && apt-get install -y build-essential git \
    && apt-get clean && rm -f /var/lib/apt/lists/*_*
WORKDIR /app
ENV MIX_ENV="prod"
COPY mix.exs mix.lock ./
COPY config/config.exs config/${MIX_ENV}.exs config/
COPY --chown=nobody:root --link priv priv
RUN mix do compile, release
FROM debian:bookworm-slim AS Runner
ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en \
  LC_ALL en_US.UTF-8
WORKDIR "/app"
USER nobody
COPY --from=builder --chown=nobody:root /app/_build/${MIX_ENV}/rel/shop ./
EXPOSE 8080 4000/tcp 4369
CMD ["/app/bin/server"]
`,
	"legacy env":               "FROM alpine\nENV PATH /usr/local/bin:$PATH\nENV A=\"b c\" D='e f' G=h\\ i\n",
	"escape backtick":          "# escape=`\nFROM alpine\nRUN echo a `\n  b\nCOPY a `\n  b /c/\n",
	"directives":               "# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=\\\nFROM alpine\n",
	"comments in continuation": "FROM alpine\nRUN a \\\n# a comment\n  b \\\n\n  c\n",
	"heredoc run":              "FROM alpine\nRUN <<EOF\nmix release\nEOF\nRUN <<-'EOT' bash\n\techo $HOME\n\tEOT\nCMD x\n",
	"heredoc copy":             "FROM alpine\nCOPY <<EOF /etc/x.conf\nhello\nEOF\nCOPY a <<B /d/\nb\nB\n",
	"json forms":               "FROM alpine\nENTRYPOINT [\"/bin/tini\", \"--\"]\nCMD [ \"a b\" ]\nRUN [\"sh\", \"-c\", \"echo\"]\nCOPY [\"a b\", \"c\", \"/d/\"]\nENTRYPOINT []\nCMD [\"bad\" \nSHELL [\"/bin/bash\", \"-c\"]\n",
	"flags":                    "FROM --platform=$BUILDPLATFORM alpine AS b\nRUN --mount=type=cache,target=/root/.cache --network=none make\nCOPY --from=b --chmod=755 --exclude=*.md --exclude=x . /app\nADD --checksum=sha256:abc --keep-git-dir=true https://x/y.tar /z\nCOPY -- --from x\n",
	"other instructions":       "FROM alpine\nLABEL a=b \"c d\"=e\nVOLUME /data /logs\nVOLUME [\"/x\"]\nSTOPSIGNAL SIGTERM\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/\nHEALTHCHECK NONE\nONBUILD RUN make\nMAINTAINER me\nSHELL [\"sh\"]\n",
	"arg forms":                "ARG A B=1 C=\"two words\"\nFROM alpine\nARG D\nARG E=\nFROM scratch\n",
	"crlf and bom":             "\xef\xbb\xbfFROM alpine\r\nRUN a \\\r\n  b\r\nUSER 1000:1000\r\n",
	"lower case":               "from alpine as base\nrun echo\nworkdir /x\n",
	"escaped escape":           "FROM alpine\nRUN echo a \\\\\nRUN b\n",
	"leading blanks":           "   FROM alpine\n\t RUN a\n",
	"unknown":                  "FROM alpine\nFOO bar\n",
	"before from":              "RUN x\nFROM alpine\n",
	"no instructions":          "# just a comment\n\n",
	"bad stage name":           "FROM alpine AS 1st\n",
	"from args":                "FROM alpine AS\n",
	"copy one arg":             "FROM alpine\nCOPY a\n",
	"unknown flag":             "FROM alpine\nCOPY --form=b a /b\n",
	"bool flag value":          "FROM alpine\nCOPY --link=maybe a /b\n",
	"duplicate flag":           "FROM alpine\nCOPY --from=a --from=b a /b\n",
	"env no value":             "FROM alpine\nENV A\n",
	"env no equals":            "FROM alpine\nENV A=b c\n",
	"workdir two":              "FROM alpine\nWORKDIR\n",
	"unterminated here":        "FROM alpine\nRUN <<EOF\nx\n",
	"json numbers":             "FROM alpine\nCMD [1, 2]\n",
	"bad escape":               "# escape=x\nFROM alpine\n",
	"twice escape":             "# escape=\\\n# escape=`\nFROM alpine\n",
	"directive after":          "FROM alpine\n# escape=`\nRUN a `\n",
	"shell not json":           "FROM alpine\nSHELL bash -c\n",
	"onbuild onbuild":          "FROM alpine\nONBUILD ONBUILD RUN x\n",
	"expose sorted":            "FROM alpine\nEXPOSE 9000 80 443/udp\n",
	"quoted flag":              "FROM alpine\nCOPY --chown=\"a b\" x /y\n",
	"trailing escape":          "FROM alpine\nRUN a \\",
	"only continuation":        "FROM alpine\n\\\nRUN a\n",
	"stage name symbols":       "FROM alpine AS a_b-c.d\n",
	"check comment":            "FROM alpine\n# check=skip=JSONArgsRecommended\nCMD foo\n",
}

func TestAgreesWithBuildKit(t *testing.T) {
	for name, src := range cases {
		t.Run(name, func(t *testing.T) { agree(t, name, []byte(src)) })
	}
	// BuildKit reads lines of up to 64 KiB, the newline included.
	for _, n := range []int{maxLine - 6, maxLine - 5, maxLine - 4} {
		long := "FROM a\nRUN " + strings.Repeat("a", n)
		agree(t, "long line", []byte(long))
		agree(t, "long line", []byte(long+"\n"))
	}
}

// Every Dockerfile in the repository's test data and goldens, and the real projects' ones when
// they were kept in testdata.
func TestAgreesWithBuildKitOnTheRepositorysDockerfiles(t *testing.T) {
	root := testtools.RepoRoot()
	n := 0
	for _, dir := range []string{"testdata", "golden", "templates"} {
		_ = filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.Contains(strings.ToLower(d.Name()), "dockerfile") || strings.HasSuffix(p, ".tmpl") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			n++
			agree(t, p, b)
			return nil
		})
	}
	if n == 0 {
		t.Fatal("no Dockerfile found in testdata or golden")
	}
}

var expandCases = []string{
	"/app/_build/${MIX_ENV}/rel/shop", "$HOME/x", "${UNSET:-def}", "${EMPTY:-def}", "${EMPTY-def}",
	"${SET:+alt}", "${UNSET+alt}", `"quoted $SET"`, `'single $SET'`, `a\ b`, `"a\"b\$c\\d\e"`, "$", "$1x",
	"${SET}", "${", "${}", "${SET", "${SET:?}", "${UNSET?gone}", "${EMPTY:?}", "${SET:x}", "'open",
	`"open`, "a<<b", "<< x", `\`, "$$", "${A:-${SET}}", "${UNSET:-'q'}", "é$SETé", "${SET!}",
	"/srv/${APP#my_}", "${APP##*_}", "${APP%_shop}", "${APP%%_*}", "${APP/_/-}", "${APP//p/P}", "${APP#'my'}",
	"${APP#\\*}", "${APP/s?o/x}", "${APP#[m]}", "${APP%.}", "${UNSET#x}", "${APP:#x}", "${APP/x}", "${APP#\\q}",
	"${PATHV#*/}", "${PATHV##*/}", "${PATHV%/*}", "${PATHV%%/*}", "${PATHV/\\//:}", "\ufeff/x",
}

func lexEnv() map[string]string {
	return map[string]string{"SET": "value", "EMPTY": "", "HOME": "/root", "MIX_ENV": "prod", "A": "", "APP": "my_shop", "PATHV": "/usr/local/bin"}
}

func expandAgrees(t *testing.T, word string, escape rune) {
	t.Helper()
	vars := lexEnv()
	var env []string
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	got, gerr := Expand(word, escape, vars)
	want, _, werr := shell.NewLex(escape).ProcessWord(word, shell.EnvsFromSlice(env))
	if (gerr == nil) != (werr == nil) || gerr == nil && got != want {
		t.Fatalf("Expand(%q, %q): phxdeploy %q, %v; BuildKit %q, %v", word, escape, got, gerr, want, werr)
	}
}

func TestExpandAgreesWithBuildKit(t *testing.T) {
	for _, w := range expandCases {
		expandAgrees(t, w, '\\')
		expandAgrees(t, w, '`')
	}
}

func FuzzAgreesWithBuildKit(f *testing.F) {
	for _, src := range cases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		agree(t, "fuzz", src)
	})
}

func FuzzExpandAgreesWithBuildKit(f *testing.F) {
	for _, w := range expandCases {
		f.Add(w, false)
	}
	f.Fuzz(func(t *testing.T, word string, backtick bool) {
		escape := '\\'
		if backtick {
			escape = '`'
		}
		expandAgrees(t, word, escape)
	})
}
