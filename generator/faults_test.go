package generator

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// tree records every directory of dir, and every regular file by content hash and mode.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out[rel+"/"] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		out[rel] = fmt.Sprintf("%v %x", info.Mode(), sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestENOSPCAtEveryWrite applies a whole plan (every target, the 1.8 fixture) with the disk
// filling up at the n-th write, for every n: once for that write alone, once for it and every
// write after (the rollback cannot restore either). The project is either exactly as it was, or
// the error names every file that differs from it, and no temporary file is left.
func TestENOSPCAtEveryWrite(t *testing.T) {
	fixture := filepath.Join("..", "testdata", "phx18_postgres")
	res, err := Run(context.Background(), Request{Dir: fixture, DryRun: true,
		Given: map[string]string{"target": "fly,docker,systemd,k8s", "image": "r.example.com/shop:1.0.0", "host": "shop.example.com"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	writes := 0
	for _, c := range res.Changes {
		if c.Writes() {
			writes++
		}
	}
	runs := 0
	for n := 1; n <= writes; n++ {
		for _, persists := range []bool{false, true} {
			dir := testtools.CopyTree(t, fixture)
			before := tree(t, dir)
			fail := map[int]bool{n: true}
			if persists {
				for k := n; k <= 2*writes; k++ {
					fail[k] = true
				}
			}
			err := apply(context.Background(), dir, res.Changes, &failing{fail: fail})
			var ae *ApplyError
			if !errors.As(err, &ae) || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("write %d: %v, want an ApplyError for ENOSPC", n, err)
			}
			after := tree(t, dir)
			named := map[string]bool{}
			for _, nr := range ae.NotRestored {
				named[strings.SplitN(nr, ": ", 2)[0]] = true
			}
			for f := range union(before, after) {
				if before[f] != after[f] && !named[f] {
					t.Errorf("write %d (disk full after: %v): %s differs from before and the error does not say so:\n%v", n, persists, f, err)
				}
				if strings.Contains(filepath.Base(f), ".phxdeploy-") {
					t.Errorf("write %d: temporary file %s left", n, f)
				}
			}
			if !persists && len(ae.NotRestored) > 0 {
				t.Errorf("write %d: a single failed write left files unrestored: %v", n, ae.NotRestored)
			}
			runs++
		}
	}
	t.Logf("ENOSPC injected at each of %d writes, alone and for good: %d runs", writes, runs)
}

func union(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
