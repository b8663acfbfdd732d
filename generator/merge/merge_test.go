package merge

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var labels = Options{OursLabel: "yours", TheirsLabel: "phxdeploy", BaseLabel: "base", Name: "f"}

func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		name, base, ours, theirs, want string
		conflicts                      int
	}{
		{"nothing changed", "a\nb\n", "a\nb\n", "a\nb\n", "a\nb\n", 0},
		{"ours only", "a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\n", "a\nB\nc\n", 0},
		{"theirs only", "a\nb\nc\n", "a\nb\nc\n", "a\nb\nC\n", "a\nb\nC\n", 0},
		{"both, apart", "a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n", "A\nb\nc\nd\nE\n", 0},
		{"the same change on both", "a\nb\nc\n", "a\nX\nc\n", "a\nX\nc\n", "a\nX\nc\n", 0},
		{"overlap", "a\nb\nc\n", "a\nOURS\nc\n", "a\nTHEIRS\nc\n",
			"a\n<<<<<<< yours\nOURS\n=======\nTHEIRS\n>>>>>>> phxdeploy\nc\n", 1},
		{"adjacent lines conflict, as in git", "a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n",
			"a\n<<<<<<< yours\nB\nc\n=======\nb\nC\n>>>>>>> phxdeploy\nd\n", 1},
		{"deleted by ours, kept by theirs", "a\nb\nc\nd\ne\n", "a\nc\nd\ne\n", "a\nb\nc\nd\nE\n", "a\nc\nd\nE\n", 0},
		{"deleted by ours, edited by theirs", "a\nb\nc\n", "a\nc\n", "a\nB\nc\n",
			"a\n<<<<<<< yours\n=======\nB\n>>>>>>> phxdeploy\nc\n", 1},
		{"insertions at the start and the end", "a\nb\nc\n", "0\na\nb\nc\n", "a\nb\nc\nz\n", "0\na\nb\nc\nz\n", 0},
		{"empty base", "", "a\n", "b\n", "<<<<<<< yours\na\n=======\nb\n>>>>>>> phxdeploy\n", 1},
		{"CRLF", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", "a\r\nb\r\nc\r\nd\r\n", "a\r\nB\r\nc\r\nd\r\n", 0},
		{"CRLF conflict markers", "a\r\nb\r\n", "a\r\nX\r\n", "a\r\nY\r\n", "a\r\n<<<<<<< yours\r\nX\r\n=======\r\nY\r\n>>>>>>> phxdeploy\r\n", 1},
		{"no final newline kept", "a\nb", "A\nb", "a\nb", "A\nb", 0},
		{"final newline added by theirs", "a\nb\nc", "A\nb\nc", "a\nb\nc\n", "A\nb\nc\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Merge(tc.base, tc.ours, tc.theirs, labels)
			if r.Text != tc.want || r.Conflicts != tc.conflicts {
				t.Errorf("got %d conflict(s):\n%q\nwant %d:\n%q", r.Conflicts, r.Text, tc.conflicts, tc.want)
			}
		})
	}
}

func TestMergeRej(t *testing.T) {
	base := "a\nb\nc\nd\ne\nf\n"
	ours := "a\nOURS\nc\nd\ne\nf\n"
	theirs := "A\nTHEIRS\nc\nd\ne\nF\n"
	r := Merge(base, ours, theirs, Options{Mode: Rej, Name: "Dockerfile", BaseLabel: "phxdeploy's last", TheirsLabel: "phxdeploy"})
	if r.Conflicts != 1 || r.Text != "a\nOURS\nc\nd\ne\nF\n" && r.Text != "A\nOURS\nc\nd\ne\nF\n" {
		t.Errorf("rej: the file must keep ours where they overlap and take the rest: %d %q", r.Conflicts, r.Text)
	}
	for _, want := range []string{"--- Dockerfile (phxdeploy's last)\n", "+++ Dockerfile (phxdeploy)\n", "@@ -1,", "-b\n", "+THEIRS\n"} {
		if !strings.Contains(r.Rejects, want) {
			t.Errorf("rejects lack %q:\n%s", want, r.Rejects)
		}
	}
}

// The merge agrees with git merge-file on the cases where both say they do the same.
func TestMergeAgreesWithGitMergeFile(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("PHXDEPLOY_REQUIRE_TOOLS") == "1" {
			t.Fatal("PHXDEPLOY_REQUIRE_TOOLS=1: git is not installed (apt-get install git)")
		}
		t.Skip("SKIPPED: git is not installed (apt-get install git): cannot compare with git merge-file")
	}
	base := "FROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4000\nCMD [\"s\"]\n"
	cases := [][2]string{
		{"FROM x\nRUN a --flag\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4000\nCMD [\"s\"]\n", "FROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4100\nCMD [\"s\"]\n"},
		{"FROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4001\nCMD [\"s\"]\n", "FROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4100\nCMD [\"s\"]\n"},
		{"# mine\nFROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4000\nCMD [\"s\"]\n", "FROM y\nRUN a\nRUN b\nCOPY . .\nLABEL v=1\nRUN c\nEXPOSE 4000\nCMD [\"s\"]\n"},
		{"FROM x\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4000\nCMD [\"s\"]\n", "FROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4000\nCMD [\"s\"]\nUSER 1\n"},
		{"FROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4000\nCMD [\"t\"]\n", "FROM x\nRUN a\nRUN b\nCOPY . .\nRUN c\nEXPOSE 4000\nCMD [\"u\"]\n"},
	}
	dir := t.TempDir()
	for i, c := range cases {
		files := []string{filepath.Join(dir, "ours"), filepath.Join(dir, "base"), filepath.Join(dir, "theirs")}
		for k, content := range []string{c[0], base, c[1]} {
			if err := os.WriteFile(files[k], []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out, _ := exec.Command(git, "merge-file", "-p", "-L", "yours", "-L", "base", "-L", "phxdeploy", files[0], files[1], files[2]).Output()
		if got := Merge(base, c[0], c[1], labels).Text; got != string(out) {
			t.Errorf("case %d: ours\n%s\ngit merge-file\n%s", i, got, out)
		}
	}
}

func FuzzMerge(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n")
	f.Add("a\r\nb", "", "x\n")
	f.Add("", "a", "b")
	f.Fuzz(func(t *testing.T, base, x, y string) {
		if len(base)+len(x)+len(y) > 4000 {
			return
		}
		// The hunks are an edit script: applied to base, they give the side.
		for _, side := range []string{x, y} {
			b, s := lines(base), lines(side)
			var got strings.Builder
			pos := 0
			for _, h := range changes(b, s) {
				got.WriteString(strings.Join(b[pos:h.b1], ""))
				got.WriteString(strings.Join(s[h.s1:h.s2], ""))
				pos = h.b2
			}
			got.WriteString(strings.Join(b[pos:], ""))
			if got.String() != side {
				t.Fatalf("the hunks of %q -> %q give %q", base, side, got.String())
			}
		}
		if r := Merge(base, x, base, labels); r.Text != x || r.Conflicts != 0 {
			t.Fatalf("merge(base, x, base) = %q, want x = %q", r.Text, x)
		}
		if r := Merge(base, base, y, labels); r.Text != y || r.Conflicts != 0 {
			t.Fatalf("merge(base, base, y) = %q, want y = %q", r.Text, y)
		}
		if r := Merge(base, x, x, labels); r.Text != x || r.Conflicts != 0 {
			t.Fatalf("merge(base, x, x) = %q, want x", r.Text)
		}
		r := Merge(base, x, y, labels)
		rj := Merge(base, x, y, Options{Mode: Rej})
		if r.Conflicts != rj.Conflicts {
			t.Fatalf("markers and rej count conflicts differently: %d, %d", r.Conflicts, rj.Conflicts)
		}
		if r.Conflicts == 0 {
			// Every line either side added is in the result.
			for _, side := range []string{x, y} {
				for _, h := range changes(lines(base), lines(side)) {
					for _, l := range lines(side)[h.s1:h.s2] {
						if !strings.Contains(r.Text, l) {
							t.Fatalf("line %q of a side is missing from %q", l, r.Text)
						}
					}
				}
			}
		}
	})
}

func BenchmarkMerge20000Lines(b *testing.B) {
	var base, ours, theirs strings.Builder
	for i := range 20000 {
		line := "line " + strings.Repeat("x", i%40) + "\n"
		base.WriteString(line)
		switch {
		case i%1000 == 10:
			ours.WriteString("ours " + line)
			theirs.WriteString(line)
		case i%1000 == 500:
			ours.WriteString(line)
			theirs.WriteString("theirs " + line)
		default:
			ours.WriteString(line)
			theirs.WriteString(line)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := Merge(base.String(), ours.String(), theirs.String(), labels); r.Conflicts != 0 {
			b.Fatal(r.Conflicts)
		}
	}
}
