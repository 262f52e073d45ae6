# Kinescope: the two commands a newcomer needs.
#   make run   installs what is missing, builds, and opens Kinescope on the demo scenario
#   make test  installs what is missing, then runs every check CI runs
# Both work on a fresh Debian 12 machine with only the Rust toolchain installed.

SHELL := /bin/bash
CARGO ?= cargo
# System packages the build and tests need (Debian names): a C compiler (mimalloc), Python for the
# real-client tests, PostgreSQL (the tests start throwaway clusters standing for Redshift), FFmpeg's
# libraries with clang for their bindings and the ffmpeg / ffprobe tools (Video Streams), and for
# the desktop app X11, OpenGL (Mesa, software rendering included) and Xvfb, on which `make test`
# takes a real screenshot.
SYSTEM_PACKAGES := gcc pkg-config python3 python3-venv postgresql \
	clang libclang-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg \
	libx11-6 libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon0 libxkbcommon-x11-0 \
	libgl1 libegl1 libglx-mesa0 libegl-mesa0 libgl1-mesa-dri xvfb xauth
# Python virtual environment for the real-client tests (boto3, AWS CLI).
VENV ?= $(CURDIR)/.venv
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# The venv is rebuilt whenever the pinned requirements change.
VENV_STAMP := $(VENV)/.installed-$(shell md5sum tests/python/requirements.txt | cut -c1-12)

.PHONY: run test deps fmt lint unit realclients bench bench-api

run: deps
	$(CARGO) build --release -p kinescope
	$(CARGO) run --release -p kinescope -- --scenario assets/scenarios/demo.json

test: deps fmt lint unit realclients

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

# Image snapshots render with wgpu on Mesa's software OpenGL (llvmpipe through EGL), pinned so every
# machine draws them alike.
unit:
	KINESCOPE_REQUIRE_XVFB=1 WGPU_BACKEND=gl $(CARGO) test --workspace

# boto3 and the AWS CLI (each `aws` call its own process) against `kinescope serve`.
realclients: $(VENV_STAMP)
	$(CARGO) test --workspace --no-run -q
	KINESCOPE_BIN="$(TARGET_DIR)/debug/kinescope" PATH="$(VENV)/bin:$$PATH" $(VENV)/bin/python -m pytest -q tests/python

$(VENV_STAMP):
	rm -rf $(VENV)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/python/requirements.txt
	touch $@

# Benchmarks are not part of `make test`; see README.md for the figures.
bench:
	$(CARGO) bench -p kinescope-core

# The API under load, side by side with kinesalite 3.3.3 (from npm) in the same run.
KINESALITE_DIR := $(TARGET_DIR)/bench-tools/kinesalite
bench-api:
	@command -v npm >/dev/null || { echo "bench-api needs npm: sudo apt-get install -y nodejs npm"; exit 1; }
	@test -x $(KINESALITE_DIR)/node_modules/.bin/kinesalite || npm install --prefix $(KINESALITE_DIR) --no-audit --no-fund kinesalite@3.3.3
	KINESALITE=$(KINESALITE_DIR)/node_modules/.bin/kinesalite $(CARGO) bench -p kinescope-tests --bench api_load
