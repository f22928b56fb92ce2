# The two commands of the README: `make demo` and `make test`. Both set everything up first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEEN := $(BIN)/seen
INSTALLED := $(VENV)/.installed
# govuk-frontend from npm (package-lock.json), its dist assets copied where the app serves them
NPM_INSTALLED := node_modules/.seen-installed
GOVUK := node_modules/govuk-frontend/dist/govuk
STATIC := src/seen/web/static
FRONTEND := node_modules/.seen-copied
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
DEMO_EXTRACT := var/demo-extract
DEMO_BIRTHS ?= 1000

.PHONY: demo test install lint test-sqlite test-postgres schema bench clean

install: $(INSTALLED) $(FRONTEND)

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# --no-deps: the lock names every package, hashed; pip resolving again would ask for an
	@# extra's newest release (weasyprint's fonttools[woff]) rather than the one locked
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements.lock
	$(BIN)/pip check
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(INSTALLED)

# `npm ci` only when the lock changed (the stamp lives in node_modules, which npm ci empties)
$(NPM_INSTALLED): package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $(NPM_INSTALLED)

# served at /assets/ (STATIC_URL), where govuk-frontend's CSS expects its fonts and images
$(FRONTEND): $(NPM_INSTALLED) src/seen/web/brand/favicon.svg src/seen/web/brand/seen.css
	rm -rf $(STATIC)
	mkdir -p $(STATIC)
	@# not govuk-frontend's images or web manifest: they are GOV.UK's crown and icons
	@# the stylesheet without GDS Transport, which is GOV.UK's own font (its @font-face rules and
	@# its name in each font stack go; Arial follows as govuk-frontend intends elsewhere), and
	@# without the crown the footer's copyright logo would draw
	sed -e 's/@font-face{font-family:GDS Transport;[^}]*}//g' -e 's/GDS Transport,//g' \
		-e 's|url(/assets/images/govuk-crest.svg)|none|g' \
		-e 's|/\*# sourceMappingURL=[^*]*\*/||' \
		$(GOVUK)/govuk-frontend.min.css > $(STATIC)/govuk-frontend.min.css
	@# the partnership's own icon, not GOV.UK's crown, and its own styles (src/seen/web/brand)
	mkdir -p $(STATIC)/partnership
	cp src/seen/web/brand/favicon.svg src/seen/web/brand/seen.css $(STATIC)/partnership/
	cp $(GOVUK)/govuk-frontend.min.js $(GOVUK)/govuk-frontend.min.js.map $(STATIC)/
	touch $(FRONTEND)

# The demo serves plain http on 127.0.0.1: without this switch Seen insists on https.
demo: export SEEN_INSECURE_HTTP = 1
demo: install
	$(SEEN) migrate --noinput
	@# the synthetic year ends today, so that ages, due dates and same-day alerts are true
	$(SEEN) synth --areas 3 --births $(DEMO_BIRTHS) --seed 1 --ending today --out $(DEMO_EXTRACT) --force
	$(SEEN) ingest $(DEMO_EXTRACT) --no-link
	$(SEEN) link
	$(SEEN) rules run
	@# the accounts last, so that they are on screen when the service starts
	$(SEEN) demo-users
	$(SEEN) review demo tests/thematic/fixtures/headline_cases.csv
	@echo "Seen is serving on http://127.0.0.1:8000 (Ctrl-C to stop): sign in with an account above"
	$(SEEN) runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check src tests tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/python tools/architecture.py

test: lint test-sqlite test-postgres

test-sqlite: install
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest

# PostgreSQL when reachable; in CI (CI=true) it is required and its absence fails the run.
test-postgres: install
	@if $(BIN)/python tools/pg_reachable.py "$(PG_URL)"; then \
		echo "running the tests on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and PostgreSQL is unreachable: failing rather than skipping"; exit 1; \
	else \
		echo "PostgreSQL unreachable: its tests were skipped (they run in CI)"; \
	fi

# local tasks, not a deployment: Seen's https mode would ask for a secret key of their own
schema bench: export SEEN_INSECURE_HTTP = 1
schema: install
	$(SEEN) extract_schema --out docs/extract-format

bench: install
	$(SEEN) bench ingest

clean:
	rm -rf $(VENV) var node_modules $(STATIC)
