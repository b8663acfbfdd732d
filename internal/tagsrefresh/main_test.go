package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phxdeploy/phxdeploy/generator/imagetags"
)

func readPage(t *testing.T, name, next string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(b), "NEXT", next))
}

func names(tags []imagetags.Tag) string {
	var out []string
	for _, t := range tags {
		out = append(out, t.String())
	}
	return strings.Join(out, "\n")
}

func TestParsePage(t *testing.T) {
	tags, next, err := parsePage(readPage(t, "hub-tags-page1.json", "https://hub.example"), "1.18.4-erlang-27.3.4")
	if err != nil {
		t.Fatal(err)
	}
	// Not the non-slim tag, the inactive one, nor the one built for arm64 alone.
	want := "1.18.4-erlang-27.3.4-debian-bookworm-20260610-slim\n1.18.4-erlang-27.3.4-debian-bookworm-20250908-slim"
	if got := names(tags); got != want {
		t.Errorf("tags:\n%s\nwant:\n%s", got, want)
	}
	if next != "https://hub.example?name=1.18.4-erlang-27.3.4-debian-&page=2&page_size=100" {
		t.Errorf("next = %q", next)
	}
	// Another pair's tags are never taken, whatever the server's name filter matched.
	if tags, _, _ := parsePage(readPage(t, "hub-tags-page1.json", ""), "1.18.4-erlang-27.3"); len(tags) != 0 {
		t.Errorf("tags of another pair taken: %s", names(tags))
	}
	for _, bad := range []string{`{"message": "httperror 404: object not found"}`, `<html>`} {
		if _, _, err := parsePage([]byte(bad), "1.18.4-erlang-27.3.4"); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestRefresh runs the refresher against a server that answers like Docker Hub: pages followed,
// pairs given as arguments added, the newest tags of each Debian release kept, and nothing written
// when Docker Hub fails.
func TestRefresh(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("name") == "1.18.4-erlang-27.3.4-debian-" && q.Get("page") == "2":
			w.Write(readPage(t, "hub-tags-page2.json", srv.URL+"/tags"))
		case q.Get("name") == "1.18.4-erlang-27.3.4-debian-":
			w.Write(readPage(t, "hub-tags-page1.json", srv.URL+"/tags"))
		case q.Get("name") == "1.10.4-erlang-21.3-debian-":
			io.WriteString(w, `{"count": 0, "next": null, "previous": null, "results": []}`)
		default:
			http.Error(w, "unexpected", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "hexpm-elixir.txt")
	old := "# old\n1.18.4-erlang-27.3.4-debian-bookworm-20250428-slim\n"
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	r := refresher{client: srv.Client(), base: srv.URL + "/tags", keep: 2, log: io.Discard}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	if err := r.run(context.Background(), file, []string{"1.10.4-erlang-21.3"}, now); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := imagetags.ParseTable(string(b))
	if err != nil {
		t.Fatalf("the refreshed table does not parse: %v", err)
	}
	want := strings.Join([]string{
		"1.18.4-erlang-27.3.4-debian-trixie-20260623-slim",
		"1.18.4-erlang-27.3.4-debian-bookworm-20260610-slim",
		"1.18.4-erlang-27.3.4-debian-bookworm-20250908-slim",
	}, "\n")
	if got := names(tags); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(string(b), "Refreshed from Docker Hub") || !strings.Contains(string(b), "on 2026-11-28") {
		t.Errorf("the header does not say where and when the table came from:\n%s", b)
	}

	// A pair Docker Hub fails on leaves the table as it was.
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.run(context.Background(), file, []string{"1.19.5-erlang-28.3.1"}, now); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("err = %v, want Docker Hub's 500", err)
	}
	if b, _ := os.ReadFile(file); string(b) != old {
		t.Errorf("the table changed after a failure:\n%s", b)
	}
	if err := r.run(context.Background(), file, []string{"latest"}, now); err == nil {
		t.Error("a pair that is not one: no error")
	}
}
