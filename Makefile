# calldesk — the two commands: `make run` and `make test`.
# `make run` builds the server in release mode and starts it with the demo brand and the
# telephony simulator on http://127.0.0.1:8080. `make test` runs every check and test and
# fails loudly.

CARGO ?= cargo
DATA_DIR ?= ./data/run

.PHONY: run test build check lint fmt cargo-test load-test clean-data

run: build
	./target/release/calldesk serve --demo --data-dir $(DATA_DIR)

build:
	$(CARGO) build --release -p calldesk

test: check cargo-test
	@echo "make test: all checks and tests passed"

check:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

cargo-test:
	$(CARGO) test --workspace

fmt:
	$(CARGO) fmt --all

# The load test of docs/performance.md (1,000 desks, 50 calls/s by default).
load-test:
	load-tests/run.sh 60

# Forget the demo's data (the next `make run` seeds the demo again).
clean-data:
	rm -rf $(DATA_DIR)
