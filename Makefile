# Two commands: `make run` and `make test`. Both create the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-12)
EMBEDDED := $(BIN)/python -m displacement.embedded exec

.PHONY: run test check lint pytest venv lock stop clean messages bench

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

## Start web, Celery worker and beat on the embedded PostgreSQL and Redis (or DATABASE_URL / CELERY_BROKER_URL).
run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(EMBEDDED) --stop -- $(BIN)/python manage.py runstack

## Lint, Django checks, migration check and the test suite.
test: $(STAMP)
	DEBUG=true $(EMBEDDED) -- $(MAKE) --no-print-directory check

check:
	$(BIN)/ruff check .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

## Benchmarks against PostgreSQL itself: builds the large synthetic dataset once (in var/bench,
## or DATABASE_URL), writes bench/results/<date>.md. BENCH_ARGS="--households 30000" for a quick run.
bench: $(STAMP)
	DISPLACEMENT_VAR_DIR=$${DISPLACEMENT_VAR_DIR:-$(CURDIR)/var/bench} DEBUG=true $(EMBEDDED) -- $(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

## Stop a running `make run` (web, worker, beat) and the embedded servers.
stop: $(STAMP)
	$(BIN)/python -m displacement.embedded stop

## Re-pin dependencies after editing pyproject.toml (needs network).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

## Compile the Ukrainian translations after editing displacement/locale/uk/LC_MESSAGES/django.po.
messages: $(STAMP)
	cd displacement && ../$(BIN)/django-admin compilemessages -l uk

clean: stop
	rm -rf var
