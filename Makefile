# calldesk — the two commands: `make run` and `make test`.
# `make run` installs the web client's packages, builds it, builds the server in release mode and
# starts it with the demo brand and the telephony simulator on http://127.0.0.1:8080.
# `make test` runs every check and test (Rust, web unit, browser) and fails loudly.

CARGO ?= cargo
NPM ?= npm
DATA_DIR ?= ./data/run
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run build web-deps web-build test check cargo-test types-check web-check web-test e2e \
        chromium fmt load-test load-smoke clean-data

run: web-build build
	./target/release/calldesk serve --demo --data-dir $(DATA_DIR)

build:
	$(CARGO) build --release -p calldesk

web-deps: web/node_modules/.package-lock.json

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund

web-build: web-deps
	cd web && $(NPM) run build

test: check cargo-test types-check web-test e2e load-smoke
	@echo "make test: all checks and tests passed"

check: web-deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd web && $(NPM) run typecheck && $(NPM) run lint

cargo-test:
	$(CARGO) test --workspace

# `cargo test` regenerates web/src/generated from src/protocol.rs (ts-rs); committed types must match.
types-check:
	@if [ -n "$$(git status --porcelain -- web/src/generated)" ]; then \
	  git status --porcelain -- web/src/generated; \
	  echo "web/src/generated is stale: run 'cargo test' and commit the regenerated types"; exit 1; \
	fi

web-test: web-deps
	cd web && $(NPM) test

# Browser tests in Debian's Chromium (installed here when missing, with a Korean font).
e2e: chromium web-build
	$(CARGO) build --workspace
	cd web && npx playwright test

chromium:
	@if [ ! -x /usr/bin/chromium ] || ! (command -v fc-list >/dev/null && fc-list :lang=ko | grep -q .); then \
	  echo "installing chromium and a Korean font (apt-get)"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-nanum; \
	fi
	@test -x /usr/bin/chromium || (echo "chromium is missing and could not be installed" && exit 1)

fmt:
	$(CARGO) fmt --all

# The load test of docs/performance.md (1,000 desks, 50 calls/s by default).
load-test:
	load-tests/run.sh 60

# A small load run in CI (debug build, 60 desks, 5 calls/s, 20 s): fails unless calls were
# offered, nothing failed and the probe timed both its paths (LOAD_PROBE_HOP). The figures of
# docs/performance.md come from `make load-test`.
load-smoke:
	LOAD_PROFILE=debug LOAD_CHECK=1 LOAD_PROBE_HOP=1 LOAD_DESKS=60 LOAD_CALLS_PER_SEC=5 LOAD_CALLERS=2 \
	  LOAD_WARMUP_S=8 LOAD_RELAY_S=5 LOAD_PORT=18070 load-tests/run.sh 20

# Forget the demo's data (the next `make run` seeds the demo again).
clean-data:
	rm -rf $(DATA_DIR)
