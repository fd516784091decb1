# Readiness. `make run` for the demo, `make test` for the test suite. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
WEB_CONCURRENCY ?= 3
WORKER_CONCURRENCY ?= 2
VAR_DIR ?= $(CURDIR)/var
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: run serve test test-fast lint format typecheck check lock bench loadtest clean install install-dev makemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) --upgrade pip

# Reinstall only when the lock file changes.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -r requirements/dev.txt
	@touch $(VENV)/.installed-base $@

# Translations: each locale/<lang>/LC_MESSAGES/*.po is compiled to a .mo (not committed) when
# the .po is newer, in pure Python (core/catalogues.py: no gettext tools needed to run).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
locale/%.mo: locale/%.po | $(VENV)/.installed-base
	$(PY) manage.py compile_catalogues

install: $(VENV)/.installed-base $(CATALOGUES)
install-dev: $(VENV)/.installed-dev $(CATALOGUES)

## makemessages: add the code's new strings to locale/<lang>/LC_MESSAGES/*.po (needs gettext's xgettext)
LOCALES ?= pl
MAKEMESSAGES_FLAGS := --no-obsolete --add-location file --ignore=.venv --ignore=node_modules \
	--ignore=tests --ignore=scripts --ignore=var --ignore=artifacts $(addprefix --locale ,$(LOCALES))
makemessages: install-dev
	$(PY) manage.py makemessages --extension html,txt,py,svg $(MAKEMESSAGES_FLAGS)
	$(PY) manage.py makemessages --domain djangojs $(MAKEMESSAGES_FLAGS)

## run: install, migrate SQLite, load demo data, serve web + Celery worker + beat (embedded)
run: install
	@$(PY) scripts/ensure_system_libs.py
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py demo --no-banner
	DEBUG=$${DEBUG:-1} $(PY) manage.py runall --port $(PORT)

## serve: the real stack under supervisord, restarting a process that dies (needs DATABASE_URL, REDIS_URL, SECRET_KEY)
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input
	$(PY) manage.py sync_schedules
	@# deploy/supervisord.conf names gunicorn and celery: take them from the virtualenv.
	@# supervisord has no defaults for %(ENV_X)s, so they are set here.
	@mkdir -p "$(VAR_DIR)"
	PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) \
		WORKER_CONCURRENCY=$(WORKER_CONCURRENCY) VAR_DIR="$(VAR_DIR)" \
		$(BIN)/supervisord -c deploy/supervisord.conf

# Test-only JavaScript tools (axe-core for the accessibility checks), from the npm registry.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks will be skipped (CI requires them)"; fi

## test: install test dependencies and run every test
test: install-dev node_modules/.installed
	@$(PY) scripts/ensure_chromium.py
	@$(PY) scripts/ensure_system_libs.py
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: benchmarks on PostgreSQL (BENCH_DATABASE_URL; a throwaway database is rebuilt)
bench: install-dev
	$(PY) scripts/bench.py

## loadtest: quiz day against `make serve` with Locust (LEARNERS=300 THINK=0; needs PostgreSQL and Redis)
loadtest: install-dev
	$(PY) scripts/loadtest.py

## lint: ruff (lint + format check), mypy, the import contracts (app layers), the migrations check and the Celery task names
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_task_names.py

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-pin requirements/*.txt from pyproject.toml
lock: | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) var db.sqlite3
