# Liaison: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests never need a real secret; production must set its own (settings refuse to start without).
TEST_ENV := DJANGO_SECRET_KEY=liaison-test-only-secret-key-0123456789abcdef DJANGO_DEBUG=0 LIAISON_HTTPS=0

.PHONY: install run demo test lint typecheck contracts format bench migrate clean

$(BIN)/.installed: requirements/base.txt requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Liaison needs Python 3.11 or newer.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(BIN)/.installed

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

## Set up everything on SQLite under var/, load the demo college once, and serve it.
run: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo --once
	@echo ""
	@echo "Liaison is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	DJANGO_DEBUG=1 LIAISON_SITE_URL=$${LIAISON_SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Reload the demo data (idempotent: adds only what is missing).
demo: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The layer contracts (import-linter, pyproject.toml) and types on the rule-carrying layers.
TYPED := $(sort $(wildcard liaison/core/*.py liaison/*/services.py liaison/*/services/*.py liaison/*/selectors.py liaison/*/policy.py liaison/*/events.py liaison/*/stats.py liaison/desk/reports.py))
contracts: install
	$(BIN)/lint-imports

typecheck: install
	DJANGO_SECRET_KEY=typecheck-only DJANGO_DEBUG=1 $(BIN)/mypy $(TYPED)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Lint, then the whole suite (browser tests included) on DATABASE_URL, or SQLite if unset.
test: lint contracts typecheck
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

## Benchmarks on PostgreSQL under gunicorn; prints `name value unit` lines.
bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
