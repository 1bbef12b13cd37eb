# antoan — two commands do everything on a fresh machine:
#   make demo   install, migrate, load units, seed the demo district, serve on http://127.0.0.1:$(PORT) with a worker
#   make test   install, ruff, the whole suite on SQLite and on PostgreSQL, then the date-sensitive tests on pinned days
#   make bench  the national benchmark database (made once), the indicator and black-spot benchmarks, the load test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
VENDOR := src/antoan/static/vendor
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/antoan_bench_national
LOAD_ARGS ?=

# The date-sensitive tests (-m clock) run again with the clock pinned where calendars turn: the statistical year's
# last evening and first morning, just after midnight on New Year's Day (UTC still in the old year), month ends, a leap
# day, and the day of the 2025 reorganisation. Local time (Asia/Ho_Chi_Minh) unless an offset is given.
CLOCK_MOMENTS ?= 2026-12-14T23:30 2026-12-15T08:00 2027-01-01T00:30 2027-01-31T12:00 2027-05-31T12:00 \
	2028-02-29T12:00 2025-07-01T08:00

.PHONY: demo test test-sqlite test-postgres test-clock lint install lock assets messages clean bench bench-db bench-load

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The Python dependencies are those of requirements.lock, every file checked against its hash; `make lock` refreshes
# it from pyproject.toml, deliberately (a new upstream release changes nothing here until then).
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/activate
	@$(BIN)/python -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else \
		"antoan needs Python 3.11 (pyproject.toml, requires-python), not " + sys.version.split()[0] + \
		": rm -rf $(VENV) and run make with PYTHON=python3.11")'
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

lock: | $(BIN)/activate
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --generate-hashes --unsafe-package antoan --no-emit-index-url \
		--no-emit-find-links --extra dev --strip-extras -o requirements.lock pyproject.toml

install: $(VENV)/.installed assets messages

# Front-end libraries come from npm at install time and are copied into static files.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	mkdir -p $(VENDOR)/chartjs $(VENDOR)/leaflet.markercluster
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chartjs/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/leaflet.markercluster/
	touch $@

assets: $(VENDOR)/.installed

# Compiled translations are committed; recompile when gettext is there and a .po changed. In CI (CI=true) gettext
# is required: a .po left uncompiled would be tested as the stale .mo (#29).
messages:
	@if command -v msgfmt >/dev/null; then cd src/antoan && ../../$(BIN)/antoan compilemessages -v 0; \
	elif [ "$$CI" = true ]; then echo "gettext (msgfmt) is missing: CI must compile the translations" >&2; exit 1; fi

# The worker (`antoan worker`: imports uploaded on the site, report batches) runs beside the server in the background
# and is stopped with it (Ctrl-C, or the server ending): SIGTERM lets it finish the task in hand.
demo: install
	$(BIN)/antoan migrate --no-input -v 0
	$(BIN)/antoan units load
	$(BIN)/antoan demo seed
	@echo "antoan: http://$(HOST):$(PORT)/ (and a worker for imports and report batches)"
	@$(BIN)/antoan worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/antoan runserver --noreload $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/lint-imports

# Every part runs whatever happened to the one before (#29): a failure on SQLite still lets PostgreSQL and the clock
# matrix tell their part; one summary at the end, and a non-zero exit if any part failed.
TEST_PARTS = lint test-sqlite test-postgres test-clock

test: install
	@failed=""; \
	for part in $(TEST_PARTS); do \
		$(MAKE) --no-print-directory $$part PG_URL="$(PG_URL)" PYTEST_ARGS="$(PYTEST_ARGS)" || failed="$$failed $$part"; \
	done; \
	echo "== make test summary:"; \
	for part in $(TEST_PARTS); do \
		case " $$failed " in *" $$part "*) echo "   $$part: FAILED";; *) echo "   $$part: passed";; esac; \
	done; \
	test -z "$$failed"

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/antoan dbcheck
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

test-clock: install
	@for moment in $(CLOCK_MOMENTS); do \
		echo "== the clock at $$moment: SQLite, then PostgreSQL"; \
		env -u DATABASE_URL $(BIN)/pytest -q -m "clock and not e2e" --now $$moment $(PYTEST_ARGS) || exit 1; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "clock and not e2e" --now $$moment $(PYTEST_ARGS) || exit 1; \
	done

# Benchmarks (docs/benchmarks.md). The national data set (5 million incidents, ~30 min) is generated only when
# BENCH_DB has no incidents table with rows yet; then it is migrated to the code's schema (and analysed) if needed.
bench-db: install
	@if $(BIN)/python -c 'import sys, psycopg; c = psycopg.connect(sys.argv[1]); sys.exit(not c.execute("select exists(select 1 from incidents_incident)").fetchone()[0])' '$(BENCH_DB)' 2>/dev/null; \
	then echo "bench: $(BENCH_DB) is there"; \
	else DATABASE_URL='$(BENCH_DB)' $(BIN)/python bench/generate.py; fi
	DATABASE_URL='$(BENCH_DB)' $(BIN)/python bench/load/run.py --migrate-only

bench: bench-db
	DATABASE_URL='$(BENCH_DB)' $(BIN)/python bench/indicators.py
	DATABASE_URL='$(BENCH_DB)' $(BIN)/python bench/blackspots.py
	DATABASE_URL='$(BENCH_DB)' $(BIN)/python bench/load/run.py $(LOAD_ARGS)

# 200 users for 5 minutes against `antoan serve`; LOAD_ARGS='--users 50 --run-time 1m' for a short run.
bench-load: bench-db
	DATABASE_URL='$(BENCH_DB)' $(BIN)/python bench/load/run.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
