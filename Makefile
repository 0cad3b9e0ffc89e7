# danhgia: `make run` and `make test` work on a fresh machine; everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TRANSLATIONS := evaluation/translations

.PHONY: run serve test test-sqlite test-postgres lint fmt seed migrate install translations \
	translations-update chromium fonts bench bench-postgres audit

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) translations

translations: $(STAMP)
	@$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

# After changing texts: extract them and merge into the English catalog (then translate).
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
	  --project danhgia --version 0.1.0 -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) demo load

run: fonts seed
	@$(FLASK) demo logins
	@echo "danhgia: http://127.0.0.1:5000"
	$(FLASK) run --host 127.0.0.1 --port 5000

# gunicorn with 2 × cores + 1 workers on 127.0.0.1:8000 (gunicorn.conf.py), after migrations.
serve: migrate
	$(BIN)/gunicorn -c gunicorn.conf.py app:app

# Debian's Chromium for the browser tests; nothing downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Liberation Serif 2 (fonts-liberation2: fonts-liberation's 1.x lacks the Vietnamese letters),
# embedded in the official forms' PDFs; without it they fall back to DejaVu Serif.
# WeasyPrint also wants HarfBuzz's subsetter (libharfbuzz-subset0) to embed only the glyphs used;
# without it, it warns on import, and the suite turns warnings into errors.
fonts:
	@test -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf || { \
	  echo "Installing Debian's fonts-liberation2 for the official forms"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation2 >/dev/null; }
	@ldconfig -p | grep -q libharfbuzz-subset || { \
	  echo "Installing Debian's libharfbuzz-subset0 for the official forms' PDFs"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 >/dev/null; }

test: install chromium fonts test-sqlite test-postgres

test-sqlite: install
	@echo "== test suite on SQLite =="
	$(BIN)/pytest -q

# The same suite on PostgreSQL. Under CI a missing server fails the run; elsewhere it is skipped.
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(subst +psycopg,,$(PG_URL))', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== test suite on PostgreSQL =="; \
	  TEST_DATABASE_URL='$(PG_URL)' $(BIN)/pytest -q; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL is not reachable at $(PG_URL): CI requires it." >&2; exit 1; \
	else \
	  echo "********************************************************************"; \
	  echo "SKIPPED: PostgreSQL is not reachable at $(PG_URL); only SQLite ran."; \
	  echo "********************************************************************"; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r evaluation criteria

# Known vulnerabilities in the dependencies: bandit on our code, pip-audit on the packages.
# pip-audit fails on a vulnerability found; where no vulnerability data is reachable (a closed
# network) it can audit nothing, and this says so plainly instead of claiming a clean result.
audit: install
	$(BIN)/bandit -q -c pyproject.toml -r evaluation criteria
	@mkdir -p instance
	@$(BIN)/pip-audit --progress-spinner off > instance/pip-audit.log 2>&1; status=$$?; \
	  cat instance/pip-audit.log; [ $$status -eq 0 ] || exit $$status; \
	  skipped=$$(grep -c "could not be audited" instance/pip-audit.log); \
	  if [ "$$skipped" -gt 0 ]; then \
	    echo "pip-audit: $$skipped packages NOT AUDITED (no vulnerability data reachable from here)."; \
	  fi

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Issue 7: one table of figures beside their floors, on a generated 40 000-person province
# (built once, then reused). BENCH_ARGS passes options, e.g. BENCH_ARGS="--only year-end".
BENCH_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/danhgia_bench
bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench $(BENCH_ARGS)

# The same on PostgreSQL, in its own database (the test suite empties `test`).
bench-postgres: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench --database $(BENCH_PG_URL) $(BENCH_ARGS)
