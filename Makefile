# museumshare: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# PostgreSQL for the second test pass: DATABASE_URL when set, else the local server.
PG_URL ?= $(or $(DATABASE_URL),postgresql://postgres@127.0.0.1:5432/museumshare)
HOST ?= 127.0.0.1:8000
# The benchmarks: national scale by default (BENCH_SCALE=small for a quick try), in databases of their own.
BENCH_SCALE ?= national
BENCH_SQLITE := $(CURDIR)/var/bench.sqlite3
BENCH_PG ?= postgresql://postgres@127.0.0.1:5432/museumshare_bench

.PHONY: run test bench lint typecheck audit pytest pytest-sqlite pytest-postgres install install-test chromium format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# DEBUG is off unless set; the demo wants it on (its development key, its static files, setup_demo).
run: install
	DEBUG=true DATABASE_URL= $(BIN)/museumshare migrate --no-input
	DEBUG=true DATABASE_URL= $(BIN)/museumshare setup_demo
	DEBUG=true DATABASE_URL= $(BIN)/museumshare runserver $(HOST)

# Debian's Chromium for the browser tests, and Pango, which WeasyPrint needs for PDFs.
chromium:
	@if [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep -q libpangoft2; then \
		echo "Installing Chromium and Pango from Debian"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# django-stubs loads the settings, which want a SECRET_KEY with DEBUG off.
typecheck: install-test
	DEBUG=true $(BIN)/mypy

# Known vulnerabilities in the installed dependencies (the Python Packaging Advisory Database, through
# pip-audit). A found vulnerability fails the run; where the service cannot be reached pip-audit says
# which packages it could not audit and the run goes on, so an offline machine can still test.
audit: install-test
	@out=$$($(BIN)/pip-audit --progress-spinner off --skip-editable 2>&1); status=$$?; echo "$$out"; \
	if [ $$status -ne 0 ] && echo "$$out" | grep -q 'Found [0-9]* known vulnerabilit'; then exit 1; fi; \
	if [ $$status -ne 0 ]; then echo "pip-audit could not check the dependencies (no vulnerability found): see above"; fi

pytest-sqlite: install-test chromium
	DEBUG=true DATABASE_URL= $(BIN)/pytest -n auto

pytest-postgres: install-test chromium
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=3).close()" "$(PG_URL)" 2>/dev/null; then \
		echo "Running the suite on PostgreSQL ($(PG_URL))"; \
		DEBUG=true DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n auto; \
	else \
		echo "SKIPPED the PostgreSQL pass: no server answers at $(PG_URL). Set DATABASE_URL to run it."; \
	fi

test: lint typecheck audit pytest-sqlite pytest-postgres

# Fills its own databases (never the one `make run` uses) and writes bench/results.json and the
# results section of docs/performance.md. The benchmarks are not in the installed package:
# `python -m bench` runs them from the checkout, with museumshare's commands and their own.
bench: install-test chromium
	mkdir -p var && rm -f $(BENCH_SQLITE)
	DEBUG=true DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(BIN)/museumshare migrate --no-input -v 0
	DEBUG=true DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(BIN)/python -m bench bench --fresh --scale $(BENCH_SCALE) --docs docs/performance.md
	@if $(BIN)/python -m bench.database "$(BENCH_PG)"; then \
		DEBUG=true DATABASE_URL="$(BENCH_PG)" $(BIN)/museumshare migrate --no-input -v 0 && \
		DEBUG=true DATABASE_URL="$(BENCH_PG)" $(BIN)/python -m bench bench --fresh --scale $(BENCH_SCALE) --docs docs/performance.md; \
	else \
		echo "SKIPPED the PostgreSQL benchmarks: no server answers at $(BENCH_PG). Set BENCH_PG to run them."; \
	fi

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
