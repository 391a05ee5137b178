# Two commands: `make run` serves the intranet with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HTMX := intranet/static/vendor/htmx.min.js
AXE := node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test screenshots lint format clean bench mutation

$(BIN)/.installed: setup.cfg setup.py pyproject.toml
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

# One pytest worker per core (pytest-xdist); each test module stays on one worker, and the tests
# that start live servers share one (tests/conftest.py). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# Mutation testing, not part of `make test` (hours on two cores): mutmut breaks the modules that
# guard people and data ([mutmut] in setup.cfg) one change at a time, runs the tests that reach
# each change, lists the mutants no test noticed and prints the score. MUTANTS narrows the run,
# e.g. MUTANTS="intranet.erasure.*"; a second run only re-checks what changed.
# MUTATION_SAMPLE=200 runs that many mutants drawn at random instead (tests/mutation_sample.py)
# and prints their score with its 95% interval.
mutation: install
ifdef MUTATION_SAMPLE
	$(BIN)/python tests/mutation_sample.py $(MUTATION_SAMPLE) $(or $(MUTATION_SEED),24)
else
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/mutmut results | grep -v ': not checked$$' || true
	$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	killed = s['killed'] + s['timeout']; tried = killed + s['survived'] + s['no_tests']; \
	print(f'mutation score: {killed}/{tried} killed ({100 * killed / max(tried, 1):.1f}%),', \
	s['survived'], 'survived,', s['no_tests'], 'reached by no test')"
endif

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
	rm -rf $(VENV) node_modules intranet/static/vendor .pytest_cache mutants
