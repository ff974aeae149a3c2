# fsxd: two commands matter — `make run` and `make test`. Both set up what
# they need on a fresh Debian machine with Go.
GO        ?= go
BIN       := bin/fsxd
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
LISTEN    ?= 127.0.0.1:9000
DATA_DIR  ?= fsxd-data
FUZZTIME  ?= 20s
STRESS_COUNT ?= 2000
# staticcheck, pinned, built from the Go module proxy into bin/ on first use.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/staticcheck-$(STATICCHECK_VERSION)/staticcheck

.PHONY: all build run test stress check unit e2e bench bench-short fuzz generate clean deps

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/fsxd

## run: fsxd with embedded defaults (SQLite store, data under ./fsxd-data).
run: build
	$(BIN) serve --listen $(LISTEN) --data-dir $(DATA_DIR)

## test: everything — format, vet, unit, golden, fuzz corpora, end-to-end
## (real SDK clients against the real server), SQLite and PostgreSQL stores.
## scripts/test.sh runs the tests against a private PostgreSQL on a free port
## and stops it afterwards; if that server cannot start, nothing runs.
test: deps check
	GO=$(GO) scripts/test.sh
	@# Allocation budgets (TestAllocs*) are skipped under -race, which adds
	@# allocations of its own; run them once more without it.
	$(GO) test -count=1 -run Allocs ./...

## stress: the concurrency tests run thousands of times, where `make test`
## runs each once: races that show 1 in 100 runs must show here. The
## volume race tests run STRESS_COUNT times, then a tenth of that under
## the race detector; the end-to-end stress tests (about 20 s each) a
## hundredth, under the race detector.
VOLUME_RACES := ^(TestPruneRacesCreate|TestPruneRacesMkdir|TestWalkPairsOneVersion)$$
E2E_RACES    := ^(TestHardeningConcurrencyStress|TestHardeningListPairsVersion|TestHardeningEmptyPutExpectContinue)$$
S3API_RACES  := ^TestConcurrentEnds$$
stress:
	$(GO) test -timeout 0 -count=$(STRESS_COUNT) -run '$(VOLUME_RACES)' ./volume
	$(GO) test -race -timeout 0 -count=$$(( $(STRESS_COUNT) / 10 )) -run '$(VOLUME_RACES)' ./volume
	$(GO) test -race -timeout 0 -count=$$(( $(STRESS_COUNT) / 100 )) -run '$(E2E_RACES)' ./e2e
	$(GO) test -race -timeout 0 -count=$$(( $(STRESS_COUNT) / 100 )) -run '$(S3API_RACES)' ./s3api

deps:
	@scripts/deps.sh

check: $(STATICCHECK)
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

$(STATICCHECK):
	GOBIN=$(CURDIR)/$(dir $@) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## bench: fsxd against the physical ceilings of this machine (see README).
bench:
	$(GO) run ./bench/cmd/fsxdbench -duration 3s -json bench-results.jsonl

bench-short:
	$(GO) run ./bench/cmd/fsxdbench -short

## fuzz: every fuzz target for FUZZTIME each.
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

generate:
	$(GO) generate ./...

clean:
	rm -rf bin
