# Everything a fresh Debian machine needs comes from here: Chromium (Debian), the Pyodide
# runtime (npm), and the Python tools (PyPI). Every step is stamped, so a repeat `make` is quick.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

MICROPIP_VERSION := 0.11.1
MICROPIP_WHEEL := micropip-$(MICROPIP_VERSION)-py3-none-any.whl
MICROPIP_SHA256 := 768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3
# Downloads are kept here so that `make clean && make build` needs no network.
CACHE := build/cache

PYODIDE_FILES := pyodide.mjs pyodide.js pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip \
	pyodide-lock.json pyodide.mjs.map pyodide.js.map
PYODIDE_TARGETS := $(addprefix static/pyodide/,$(PYODIDE_FILES))

# Our wheel is rebuilt when any source file (or a file's appearance or removal) changes.
SOURCES := wootric_web $(shell find wootric_web -type f -not -path '*/__pycache__/*' 2>/dev/null) \
	pyproject.toml

NPM_STAMP := node_modules/.installed
VENV_STAMP := $(VENV)/.installed
MANIFEST := static/wheels/manifest.json

.PHONY: all deps build assemble test lint demo bench clean distclean chromium

all: build

deps: chromium $(NPM_STAMP) $(VENV_STAMP)

build: deps $(PYODIDE_TARGETS) $(MANIFEST) assemble

# The JavaScript modules under js-modules/ copied into the files a page loads, and the tag minified
# into static/wootric-web.js (tools/assemble_js.py).
assemble: $(VENV_STAMP) $(NPM_STAMP)
	$(VENV)/bin/python tools/assemble_js.py

test: build lint
	$(VENV)/bin/pytest tests

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy tools

# ACCOUNT_TOKEN and BEACON_URL, when set (in the environment or on the make command line, both
# of which make passes on), replace the demo page's data-account-token / data-beacon-url.
demo: build
	$(VENV)/bin/python tools/serve.py --host 127.0.0.1 --port $(PORT)

# The tag against Pyodide alone and Wootric's own snippet, side by side in headless Chromium (a
# few minutes); prints the tables README.md's Performance section shows. ROUNDS=9 for steadier
# medians. Raw figures go to bench/results/.
ROUNDS ?= 5
bench: build
	$(VENV)/bin/python tools/bench.py --rounds $(ROUNDS)

clean:
	rm -rf static/pyodide static/wheels static/pyscript dist .pytest_cache .mypy_cache .ruff_cache test-results
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -not -path './node_modules/*' \
		-prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules build

# --- dependencies -------------------------------------------------------------------------

# apt only when the browser is missing: it is slow and needs the network.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y chromium; \
	fi

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV_STAMP): pyproject.toml
	[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test,lint,server]' hatchling
	touch $@

# --- build --------------------------------------------------------------------------------

static/pyodide/%: $(NPM_STAMP)
	@mkdir -p $(@D)
	cp node_modules/pyodide/$* $@

# Brotli (quality 11) and gzip -9 copies of what a first visit fetches of the runtime, made once,
# as a CDN keeps them; tools/serve.py sends them with Content-Encoding (README: Performance).
PRECOMPRESSED := $(addprefix static/pyodide/,$(addsuffix .br,pyodide.asm.wasm pyodide.asm.mjs \
	pyodide.mjs pyodide-lock.json))

build: $(PRECOMPRESSED)

static/pyodide/%.br: static/pyodide/% tools/precompress.mjs
	node tools/precompress.mjs $<

$(CACHE)/$(MICROPIP_WHEEL): | $(VENV_STAMP)
	@mkdir -p $(@D)
	$(VENV)/bin/pip download --quiet --disable-pip-version-check --no-deps \
		--only-binary=:all: --python-version 3.14 --dest $(@D) micropip==$(MICROPIP_VERSION)
	echo "$(MICROPIP_SHA256)  $@" | sha256sum --check --quiet

static/wheels/$(MICROPIP_WHEEL): $(CACHE)/$(MICROPIP_WHEEL)
	@mkdir -p $(@D)
	cp $< $@

# The manifest names the exact wheel and its hash; the worker finds the wheel through it. It also
# names the prebuilt memory snapshot (Pyodide booted with our wheel imported) that a visitor's
# first page load restores instead of starting Python: made by the worker itself in Chromium.
# And it names the standard library the worker boots from: only the modules it imports, compiled
# (tools/build_stdlib.py), precompressed as the runtime's files are.
$(MANIFEST): $(SOURCES) static/wheels/$(MICROPIP_WHEEL) $(NPM_STAMP) $(VENV_STAMP) \
		$(PYODIDE_TARGETS) static/wootric-worker.mjs tools/build_snapshot.py \
		tools/build_stdlib.py tools/precompress.mjs | chromium
	rm -f static/wheels/wootric_web-*.whl
	$(VENV)/bin/pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		--wheel-dir static/wheels .
	$(VENV)/bin/python -c 'import glob, hashlib, json, sys; \
		[wheel] = glob.glob("static/wheels/wootric_web-*.whl"); \
		pyodide = json.load(open("node_modules/pyodide/package.json"))["version"]; \
		sha = hashlib.sha256(open(wheel, "rb").read()).hexdigest(); \
		out = {"pyodide": pyodide, "wheel": wheel.rsplit("/", 1)[-1], "sha256": sha, \
			"micropip": "$(MICROPIP_WHEEL)"}; \
		open(sys.argv[1], "w").write(json.dumps(out, indent=2) + "\n")' $@
	$(VENV)/bin/python tools/build_stdlib.py $@
	$(VENV)/bin/python tools/build_snapshot.py $@

# PyScript (npm) for demo/pyscript.html, and a config that points it at our Pyodide and unpacks our
# wheel into the working directory: offline, with no micropip (which PyScript's `packages` needs).
PYSCRIPT_CONFIG := static/pyscript/wootric-web.json

build: $(PYSCRIPT_CONFIG)

static/pyscript/core.js: $(NPM_STAMP)
	rm -rf $(@D)
	mkdir -p $(@D)
	cp -r node_modules/@pyscript/core/dist/. $(@D)/

$(PYSCRIPT_CONFIG): $(MANIFEST) static/pyscript/core.js
	$(VENV)/bin/python -c 'import json, sys; \
		wheel = json.load(open("$(MANIFEST)"))["wheel"]; \
		out = {"interpreter": "/static/pyodide/pyodide.mjs", "files": {"../wheels/" + wheel: "./*"}}; \
		open(sys.argv[1], "w").write(json.dumps(out, indent=2) + "\n")' $@
