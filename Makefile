# phxdeploy — see README.md.
GO ?= go
BIN := bin/phxdeploy
DEMO_DIR := _demo/shop

.PHONY: build demo test golden bench vet clean fuzz tags docs

# A static binary without symbol tables starts faster (no dynamic loader, fewer pages to map);
# the process benchmarks (cmd/phxdeploy/bench_test.go) build with the same flags.
BUILD := CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w'

build:
	$(BUILD) -o bin/ ./cmd/phxdeploy ./cmd/phxdeploy-lint

# Renders every target into a fresh copy of the bundled Phoenix 1.8 example and shows the result.
# Builds phxdeploy alone (not the validators of phxdeploy-lint, whose cold build takes minutes).
demo:
	$(BUILD) -o bin/ ./cmd/phxdeploy
	rm -rf $(DEMO_DIR) && mkdir -p $(dir $(DEMO_DIR)) && cp -R testdata/phx18_postgres $(DEMO_DIR)
	./$(BIN) init --dir $(DEMO_DIR) --target fly,docker,systemd,k8s \
		--image registry.example.com/shop:1.0.0 --host shop.example.com --yes; \
		code=$$?; echo "(exit code $$code: 3 means done except conflicts or edits listed as manual)"; \
		[ $$code -eq 0 ] || [ $$code -eq 3 ]
	@echo; echo "Files written into $(DEMO_DIR):"
	@cd $(DEMO_DIR) && find Dockerfile .dockerignore compose.yaml fly.toml rel deploy lib -newer mix.exs -type f | sort
	@echo; echo "--- $(DEMO_DIR)/fly.toml"; cat $(DEMO_DIR)/fly.toml
	@echo; echo "A second run changes nothing:"
	./$(BIN) init --dir $(DEMO_DIR) --target fly,docker,systemd,k8s \
		--image registry.example.com/shop:1.0.0 --host shop.example.com --yes | grep -c identical | sed 's/$$/ files identical/'; true

vet:
	$(GO) vet ./...
	$(GO) mod tidy -diff
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }

# Everything: unit, golden, CLI and validator tests. Tests that need elixir, shellcheck or
# systemd-analyze skip loudly when the tool is missing (PHXDEPLOY_REQUIRE_TOOLS=1 makes that fail).
test: vet
	$(GO) test -count=1 ./...
	# Plan works on every core, and the parser scans a large file on two: their tests again
	# under the race detector.
	CGO_ENABLED=1 $(GO) test -race -short -count=1 ./generator/ ./generator/elixir/

# Regenerate every golden file (the scenarios' and the CLI tests'); read `git diff golden/` before
# committing.
golden:
	$(GO) test -count=1 ./generator ./cmd/phxdeploy -update

# Regenerate the reference pages from the command tree: Markdown in docs/cli, man pages in
# docs/man (`man -l docs/man/phxdeploy.1`). The test suite fails when they are out of date.
# cobra's doc package lives in internal/docgen, which a test of cmd/phxdeploy runs: never in the
# phxdeploy binary.
docs:
	$(GO) test -count=1 ./cmd/phxdeploy -run '^TestDocsAreUpToDate$$' -docs

# Refresh the table of known hexpm/elixir builder tags (generator/imagetags/hexpm-elixir.txt)
# from Docker Hub; needs the network. PAIRS adds Elixir/OTP pairs (PAIRS=1.19.5-erlang-28.3.1).
# Read `git diff generator/imagetags` before committing.
tags:
	$(GO) run ./internal/tagsrefresh $(PAIRS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./cmd/phxdeploy ./generator/...

clean:
	rm -rf bin _demo

# Fuzz the Elixir scanner, every patcher, reading whole projects and every quoting function for
# FUZZTIME each (bounded; CI runs it briefly).
FUZZTIME ?= 10s
FUZZ_TARGETS := generator/elixir:FuzzScan generator/elixir:FuzzParseInserted \
	generator/patch:FuzzPatchRuntime generator/patch:FuzzPatchDeps generator/patch:FuzzPatchChildren \
	generator/patch:FuzzPatchRouter generator/patch:FuzzPatchForceSSL generator/patch:FuzzPatchEnvSh \
	generator/project:FuzzRead generator/project:FuzzFindReads generator/project:FuzzSingleInstanceWords \
	generator/project:FuzzJoinPath generator/project:FuzzIsClean generator/project:FuzzLockMatchers generator/project:FuzzHealthPathNames \
	generator/engine:FuzzShQuote generator/engine:FuzzYAMLQuote generator/engine:FuzzTOMLQuote \
	generator/merge:FuzzMerge generator/target:FuzzWrittenNames \
	generator/dockerfile:FuzzAgreesWithBuildKit generator/dockerfile:FuzzExpandAgreesWithBuildKit \
	generator/imagetags:FuzzParseIsThePattern internal/match:FuzzPatternsAreTheirExpressions
# Go's fuzzer can end a time-bounded run with "context deadline exceeded" when a worker is busy
# at the deadline (no input failed): such a run is repeated once; any other failure stops.
fuzz:
	set -e; for t in $(FUZZ_TARGETS); do \
		for try in 1 2; do \
			if $(GO) test ./$${t%%:*} -run '^$$' -fuzz "^$${t##*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x > .fuzz.log 2>&1; then \
				cat .fuzz.log; break; fi; \
			cat .fuzz.log; \
			if [ $$try = 2 ] || ! grep -q 'context deadline exceeded' .fuzz.log || grep -q 'Failing input written' .fuzz.log; then \
				rm -f .fuzz.log; exit 1; fi; \
			echo "fuzz $$t: the fuzzer timed out at its deadline; running it again"; \
		done; \
	done; rm -f .fuzz.log
