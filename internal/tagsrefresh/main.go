// Command tagsrefresh refreshes phxdeploy's table of known hexpm/elixir builder tags
// (generator/imagetags/hexpm-elixir.txt) from Docker Hub: for every Elixir/OTP pair in the table,
// and the pairs given as arguments (1.19.5-erlang-28.3.1), it lists the pair's tags and keeps the
// newest slim Debian ones of each Debian release. `make tags` runs it; it needs the network, and
// writes nothing unless every pair was listed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/phxdeploy/phxdeploy/generator/imagetags"
)

const hubTags = "https://hub.docker.com/v2/namespaces/hexpm/repositories/elixir/tags"

func main() {
	file := flag.String("file", "generator/imagetags/hexpm-elixir.txt", "the table to refresh")
	keep := flag.Int("keep", 3, "tags kept per Elixir/OTP pair and Debian release, newest first")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: tagsrefresh [-file TABLE] [-keep N] [ELIXIR-erlang-OTP ...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	r := refresher{client: &http.Client{Timeout: 30 * time.Second}, base: hubTags, keep: *keep, log: os.Stderr}
	if err := r.run(context.Background(), *file, flag.Args(), time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "tagsrefresh:", err)
		os.Exit(1)
	}
}

type refresher struct {
	client *http.Client
	base   string // the tags endpoint
	keep   int
	log    io.Writer
}

var pairRe = regexp.MustCompile(`^\d+\.\d+\.\d+-erlang-\d+(\.\d+)*$`)

// run refreshes the table in file with what Docker Hub lists for its pairs and extra.
func (r refresher) run(ctx context.Context, file string, extra []string, now time.Time) error {
	old, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	tags, err := imagetags.ParseTable(string(old))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	var pairs []string
	for _, t := range tags {
		if !slices.Contains(pairs, t.Pair()) {
			pairs = append(pairs, t.Pair())
		}
	}
	for _, p := range extra {
		if !pairRe.MatchString(p) {
			return fmt.Errorf("%q is not an Elixir/OTP pair such as 1.19.5-erlang-28.3.1", p)
		}
		if !slices.Contains(pairs, p) {
			pairs = append(pairs, p)
		}
	}
	var fresh []imagetags.Tag
	for _, p := range pairs {
		found, err := r.pair(ctx, p)
		if err != nil {
			return fmt.Errorf("%s: %w (the table is unchanged)", p, err)
		}
		if len(found) == 0 {
			fmt.Fprintf(r.log, "%s: Docker Hub lists no slim Debian tag: dropped\n", p)
		}
		fresh = append(fresh, newest(found, r.keep)...)
	}
	imagetags.Sort(fresh)
	var b strings.Builder
	b.WriteString(header(now))
	for _, t := range fresh {
		b.WriteString(t.String() + "\n")
	}
	tmp := filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+".tmp")
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(r.log, "%s: %d tags for %d Elixir/OTP pairs\n", file, len(fresh), len(pairs))
	return os.Rename(tmp, file)
}

func header(now time.Time) string {
	return `# Known-good hexpm/elixir builder tags (Debian, slim): phxdeploy picks the newest one that
# matches the project's Elixir and Erlang/OTP, and the runner uses debian:<release>-<date>-slim
# of the same date, the image hexpm/elixir was built on.
#
# Refreshed from Docker Hub (` + hubTags + `)
# on ` + now.UTC().Format("2006-01-02") + ` by ` + "`make tags`" + `, which lists every Elixir/OTP pair below (add one with
# ` + "`make tags PAIRS=1.19.5-erlang-28.3.1`" + `) and keeps the newest tags of each Debian release.
#
# One tag a line: <elixir>-erlang-<otp>-debian-<release>-<date>-slim
`
}

// newest keeps, per Debian release, the keep newest tags.
func newest(tags []imagetags.Tag, keep int) []imagetags.Tag {
	tags = slices.Clone(tags)
	imagetags.Sort(tags)
	count := map[string]int{}
	var out []imagetags.Tag
	for _, t := range tags {
		if count[t.Release] < keep {
			count[t.Release]++
			out = append(out, t)
		}
	}
	return out
}

// pair lists the slim Debian tags of one Elixir/OTP pair, following Docker Hub's pages.
func (r refresher) pair(ctx context.Context, pair string) ([]imagetags.Tag, error) {
	next := r.base + "?page_size=100&name=" + url.QueryEscape(pair+"-debian-")
	var out []imagetags.Tag
	for pages := 0; next != ""; pages++ {
		if pages == 50 {
			return nil, fmt.Errorf("more than 50 pages of tags")
		}
		body, err := r.get(ctx, next)
		if err != nil {
			return nil, err
		}
		var tags []imagetags.Tag
		if tags, next, err = parsePage(body, pair); err != nil {
			return nil, err
		}
		out = append(out, tags...)
	}
	return out, nil
}

// get fetches a page, waiting once when Docker Hub limits the rate.
func (r refresher) get(ctx context.Context, u string) ([]byte, error) {
	for try := 0; ; try++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := r.client.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusTooManyRequests && try == 0 {
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			time.Sleep(time.Duration(min(max(wait, 1), 60)) * time.Second)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		return body, nil
	}
}

// hubPage is the part of a Docker Hub tags page phxdeploy reads.
type hubPage struct {
	Next    *string `json:"next"`
	Results []struct {
		Name      string     `json:"name"`
		TagStatus string     `json:"tag_status"`
		Images    []hubImage `json:"images"`
	} `json:"results"`
}

type hubImage struct {
	Architecture string `json:"architecture"`
}

// parsePage reads one page of tags: the active slim Debian tags of pair built for amd64, and the
// next page's address ("" on the last page).
func parsePage(body []byte, pair string) (tags []imagetags.Tag, next string, err error) {
	var page hubPage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, "", fmt.Errorf("reading Docker Hub's answer: %w", err)
	}
	if page.Results == nil {
		return nil, "", fmt.Errorf("Docker Hub's answer has no results")
	}
	for _, res := range page.Results {
		t, ok := imagetags.Parse(res.Name)
		if !ok || t.Pair() != pair || res.TagStatus != "" && res.TagStatus != "active" {
			continue
		}
		if !slices.ContainsFunc(res.Images, func(i hubImage) bool { return i.Architecture == "amd64" }) {
			continue
		}
		tags = append(tags, t)
	}
	if page.Next != nil {
		next = *page.Next
	}
	return tags, next, nil
}
