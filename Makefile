# The few commands everyone runs. Each installs what is missing first, inside this checkout
# only: uv (when none is on PATH) goes into .tools/, the environment into .venv/.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
VENV := .venv
PY := $(VENV)/bin/python
# uv on PATH, else one bootstrapped into .tools/ (a venv of its own: the system Python is never
# written to, which Debian's Python refuses anyway).
UV := $(or $(shell uv --version >/dev/null 2>&1 && command -v uv),$(CURDIR)/.tools/bin/uv)
ifeq ($(UV),$(CURDIR)/.tools/bin/uv)
# The bootstrapped uv keeps its package cache in the checkout too (unless UV_CACHE_DIR is set).
export UV_CACHE_DIR ?= $(CURDIR)/.tools/uv-cache
endif

.PHONY: install install-serve browser-deps run dev dispatcher test test-announce test-fast lint types migration openapi bench bench-campaigns bench-sse bench-scale clean
.PHONY: test-sdk-python sdk-types bench-sdk
.PHONY: test-mcp
.PHONY: web-build test-web

$(CURDIR)/.tools/bin/uv:
	@echo "Bootstrapping uv into .tools/ (a venv inside this checkout)"
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet --no-cache-dir --disable-pip-version-check uv

install: $(UV)  ## the full development environment (the server, test and lint tooling)
	$(UV) sync --all-packages --locked

install-serve: $(UV)  ## only what serving needs: the server and its runtime dependencies
	$(UV) sync --package kataven-hub --no-dev --locked --inexact

run: install-serve web-build  ## serve the embedded default (SQLite, in-process) and the dashboard on :8081
	$(VENV)/bin/kataven-hub api

dev: install-serve  ## the API with reload
	$(VENV)/bin/kataven-hub api --reload

browser-deps:  ## Debian's Chromium, for the widget's browser test (Playwright drives it; no download)
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

dispatcher: install-serve  ## the campaign dispatcher alone (production layout)
	$(VENV)/bin/kataven-hub dispatcher

test-announce:
	@echo "make test: installs the development environment into .venv (the server plus pytest,"
	@echo "  schemathesis, Playwright, moto, openapi-python-client, mypy, ruff: about 600 MB; a"
	@echo "  minute with a warm uv cache, a few minutes from scratch), Debian's Chromium when"
	@echo "  missing, and the client generators' npm packages (server/tests/openapi_tools); then"
	@echo "  runs the whole suite on SQLite and on PostgreSQL + Redis: usually 15-30 minutes on"
	@echo "  two cores. Serving alone needs far less: make run."

test: test-announce install  ## the whole suite, on SQLite + in-process and on PostgreSQL + Redis
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then $(MAKE) browser-deps; \
	  else echo "The widget browser test needs Chromium at /usr/bin/chromium: run 'sudo make browser-deps' (apt-get install chromium). It will fail without it." >&2; fi; \
	fi
	$(VENV)/bin/pytest -n 2 --dist loadgroup -p no:cacheprovider
	$(MAKE) test-sdk-python
	$(MAKE) test-mcp
	$(MAKE) test-node
	$(MAKE) test-web

test-fast: install  ## the suite on one process, stop at the first failure
	$(VENV)/bin/pytest -x -q

lint: install
	$(VENV)/bin/ruff format --check server
	$(VENV)/bin/ruff check server
	$(VENV)/bin/ruff format --check sdks/python
	$(VENV)/bin/ruff check sdks/python
	$(VENV)/bin/ruff format --check sdks/mcp
	$(VENV)/bin/ruff check sdks/mcp

types: install
	$(VENV)/bin/mypy server/src
	$(VENV)/bin/mypy --strict sdks/python/src sdks/python/examples
	$(VENV)/bin/mypy --strict sdks/mcp/src sdks/mcp/tests

migration: install  ## make migration h=tenant m="add agent voice"
	cd server && ../$(PY) -c "from kataven_hub.core import migrate; migrate.revision('$(h)', '$(m)', 'sqlite+aiosqlite:////tmp/kataven-migration-$(h).db')"; rm -f /tmp/kataven-migration-$(h).db

openapi: install  ## dump the OpenAPI schema to openapi.json
	$(PY) -c "import json; from kataven_hub.main import create_app; print(json.dumps(create_app().openapi(), indent=2))" > openapi.json

bench: install  ## CRUD figures beside raw asyncpg and bare ASGI (PostgreSQL + Redis)
	$(PY) bench/crud.py

bench-campaigns: install  ## CSV ingest (1M rows) and dispatch/pacing figures (PostgreSQL + Redis)
	$(PY) bench/ingest.py
	$(PY) bench/dispatch.py

bench-sse: install  ## campaign SSE fan-out (5,000 subscribers, 50 events/s) beside a bare ASGI streamer
	$(PY) bench/sse.py

.PHONY: bench-tenants
bench-tenants: install  ## tenant fan-out: 1,000 accounts beside one (p99 ratio, connections vs budget)
	$(PY) bench/tenants.py

bench-scale: install  ## API workers 1 vs 2 (GET load) and dispatchers 1 vs 2, with CPU use per process
	$(PY) bench/scale.py

.PHONY: test-node bench-node
test-node: install  ## the Node SDK and the browser client (npm), against a real API process
	cd sdks/node && npm ci && npm run build && npm test

bench-node: install  ## @kataven/server agents.get beside raw fetch on the same server
	cd sdks/node && npm ci && npm run build && node ../../bench/node-sdk.mjs

clean:
	rm -rf $(VENV) .tools data .pytest_cache server/tests/openapi_tools/node_modules

# ---- the Python SDK and the `kataven` command (sdks/python) -------------------------------------

test-sdk-python: install  ## the SDK's suite: unit tests, then a real `kataven-hub api` process
	SDK_TEST_UV=$(UV) $(VENV)/bin/pytest sdks/python/tests -p no:cacheprovider -q

sdk-types: install  ## regenerate the SDK's TypedDicts from the server's OpenAPI document
	$(PY) sdks/python/scripts/generate_types.py

bench-sdk: install  ## client.agents.get beside a raw httpx loop on the same server (sync, async)
	$(PY) bench/sdk.py

# ---- the MCP server `kataven-mcp` (sdks/mcp) ----------------------------------------------------

test-mcp: install  ## kataven-mcp over stdio and streamable HTTP against a real `kataven-hub api`
	SDK_TEST_UV=$(UV) $(VENV)/bin/pytest sdks/mcp/tests -q

# ---- the dashboard (web/) ---------------------------------------------------------------------

# The dashboard (web/): Node 20+ and npm. Rebuilt only when web/dist is missing or older than a
# file it is built from (npm ci from the committed lockfile, then vite build). npm's cache goes
# into .tools/ like uv's, so serving writes nothing outside the checkout.
WEB_INPUTS := web/src web/public web/index.html web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json
WEB_SOURCES = $(shell find $(WEB_INPUTS) -type f -newer web/dist/index.html 2>/dev/null | head -1)
web-build:  ## build the dashboard when web/dist is missing or stale
	@if [ ! -f web/dist/index.html ] || [ -n "$(WEB_SOURCES)" ]; then \
	  command -v npm >/dev/null 2>&1 || { echo "The dashboard needs Node.js 20+ and npm (https://nodejs.org)." >&2; exit 1; }; \
	  cd web && npm_config_cache=$(CURDIR)/.tools/npm-cache npm ci --no-audit --no-fund --no-update-notifier \
	    && npm_config_cache=$(CURDIR)/.tools/npm-cache npx vite build; \
	fi

test-web: install  ## the dashboard: types vs OpenAPI, tsc, vitest, build, bundle size, browser tests
	cd web && npm ci --no-audit --no-fund
	cd web && npm run check:api && npm run typecheck && npx vitest run
	cd web && npx vite build && npm run check:size
	$(VENV)/bin/pytest web/tests/e2e -p no:cacheprovider -q
