# The few commands everyone runs. Each installs what is missing first.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := python3 -m uv
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install browser-deps run dev dispatcher test test-fast lint types migration openapi bench bench-campaigns clean
.PHONY: test-sdk-python sdk-types bench-sdk
.PHONY: test-mcp

install:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --all-packages --locked

run: install  ## serve the embedded default (SQLite, in-process) on :8081
	$(VENV)/bin/kataven-hub api

dev: install  ## the API with reload
	$(VENV)/bin/kataven-hub api --reload

browser-deps:  ## Debian's Chromium, for the widget's browser test (Playwright drives it; no download)
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

dispatcher: install  ## the campaign dispatcher alone (production layout)
	$(VENV)/bin/kataven-hub dispatcher

test: install  ## the whole suite, on SQLite + in-process and on PostgreSQL + Redis
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then $(MAKE) browser-deps; \
	  else echo "The widget browser test needs Chromium at /usr/bin/chromium: run 'sudo make browser-deps' (apt-get install chromium). It will fail without it." >&2; fi; \
	fi
	$(VENV)/bin/pytest -n 2 --dist loadgroup -p no:cacheprovider
	$(MAKE) test-sdk-python
	$(MAKE) test-mcp

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

clean:
	rm -rf $(VENV) data .pytest_cache

# ---- the Python SDK and the `kataven` command (sdks/python) -------------------------------------

test-sdk-python: install  ## the SDK's suite: unit tests, then a real `kataven-hub api` process
	$(VENV)/bin/pytest sdks/python/tests -p no:cacheprovider -q

sdk-types: install  ## regenerate the SDK's TypedDicts from the server's OpenAPI document
	$(PY) sdks/python/scripts/generate_types.py

bench-sdk: install  ## client.agents.get beside a raw httpx loop on the same server (sync, async)
	$(PY) bench/sdk.py

# ---- the MCP server `kataven-mcp` (sdks/mcp) ----------------------------------------------------

test-mcp: install  ## kataven-mcp over stdio and streamable HTTP against a real `kataven-hub api`
	$(VENV)/bin/pytest sdks/mcp/tests -q
