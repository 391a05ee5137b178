# Two commands: `make run` serves the intranet with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HTMX := intranet/static/vendor/htmx.min.js
AXE := node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test screenshots lint format clean bench

$(BIN)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[postgres,production,test,dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(HTMX): node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# axe-core stays in node_modules: the accessibility journeys inject it, the intranet never serves it.
$(AXE): node_modules/.package-lock.json
	test -f $@

install: $(BIN)/.installed $(HTMX) $(AXE)

# The local demo signs in with passwords only; production requires two-factor for admins and
# the secretariat unless INTRANET_2FA_REQUIRED_ROLES says otherwise.
run: export INTRANET_2FA_REQUIRED_ROLES ?=
run: install
	$(FLASK) intranet init
	$(FLASK) intranet demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The main pages at desktop and phone widths into docs/screenshots (shown in the README).
screenshots: install
	$(BIN)/pytest tests/e2e/screenshots.py -q -p no:cacheprovider

# Generates (once, cached in bench/.cache) and serves a database at N x the scale of a region's
# network of experts; BENCH_ARGS="--database-url postgresql://..." measures PostgreSQL instead.
bench: install
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules intranet/static/vendor .pytest_cache
