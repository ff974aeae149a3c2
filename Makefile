# fsxd: two commands matter — `make run` and `make test`. Both set up what
# they need on a fresh Debian machine with Go.
GO        ?= go
BIN       := bin/fsxd
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
LISTEN    ?= 127.0.0.1:9000
DATA_DIR  ?= fsxd-data
FUZZTIME  ?= 20s
# staticcheck, pinned, built from the Go module proxy into bin/ on first use.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/staticcheck-$(STATICCHECK_VERSION)/staticcheck

.PHONY: all build run test check unit e2e bench bench-short fuzz generate clean deps

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/fsxd

## run: fsxd with embedded defaults (SQLite store, data under ./fsxd-data).
run: build
	$(BIN) serve --listen $(LISTEN) --data-dir $(DATA_DIR)

## test: everything — format, vet, unit, golden, fuzz corpora, end-to-end
## (real SDK clients against the real server), SQLite and PostgreSQL stores.
test: deps check
	FSXD_TEST_POSTGRES="$$(scripts/pg.sh)" FSXD_REQUIRE_POSTGRES=1 \
		$(GO) test -race -timeout 20m -count=1 ./...
	@# Allocation budgets (TestAllocs*) are skipped under -race, which adds
	@# allocations of its own; run them once more without it.
	$(GO) test -count=1 -run Allocs ./...

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
