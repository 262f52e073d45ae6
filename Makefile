# Kinescope: the two commands a newcomer needs.
#   make run   installs what is missing, builds, and opens Kinescope on the demo scenario
#   make test  installs what is missing, then runs every check CI runs
# Both work on a fresh Debian 12 machine with only the Rust toolchain installed.

SHELL := /bin/bash
CARGO ?= cargo
# System packages the build and tests need (Debian names).
SYSTEM_PACKAGES := gcc pkg-config

.PHONY: run test deps fmt lint unit bench

run: deps
	$(CARGO) build --release -p kinescope
	$(CARGO) run --release -p kinescope -- demo

test: deps fmt lint unit

deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	else echo "Missing system packages:$$missing"; echo "Install them with: sudo apt-get install -y$$missing"; exit 1; fi

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit:
	$(CARGO) test --workspace

# Benchmarks are not part of `make test`; see README.md for the figures.
bench:
	$(CARGO) bench -p kinescope-core
