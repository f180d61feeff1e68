# LearnHub: `make run` serves the app, `make test` runs the suite. Only Python 3.11 and make needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint test-pg bench bench-wrk bench-crowd bench-grading bench-discussions wrk-installed fuzz fuzz-pg faults faults-pg demo translations extract-messages check clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d learnhub/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k pgettext:1c,2 -k lazy_pgettext:1c,2 -o learnhub/translations/messages.pot .
	$(BIN)/pybabel -q update -N --ignore-obsolete -i learnhub/translations/messages.pot -d learnhub/translations

run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask content sync
	$(BIN)/flask users ensure-admin
	@echo "LearnHub on http://$(HOST):$(PORT)  (make demo adds demo accounts)"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --access-logfile - wsgi:app  # settings: gunicorn.conf.py

demo: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask content sync
	HOST=$(HOST) PORT=$(PORT) $(BIN)/flask demo

# Two workers (pytest-xdist), one per core; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: $(VENV)/.installed-dev translations
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --durations=15

# Guardrails: ruff (pyflakes, bugbear, isort), the import layers of DESIGN.md, no module over 500 lines.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check learnhub tests migrations
	$(BIN)/lint-imports --no-logo --no-cache
	bash .ci/module-size

# The same suite on PostgreSQL: a throwaway database per run (see .ci/pg-test).
test-pg: $(VENV)/.installed-dev translations
	bash .ci/pg-test

# wrk (Debian's package) where it is missing, as .ci/run installs Chromium; sudo unless root.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
wrk-installed:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# Every bench in turn, each run even when one before it failed (the figures still print);
# fails at the end if any did. Ctrl-C stops the lot. BENCH_DATABASE_URL: PostgreSQL too.
BENCH_STEPS := tests.bench.hotpaths tests.bench.crowd tests.bench tests.bench.grading tests.bench.discussions
bench: $(VENV)/.installed-dev translations wrk-installed
	@status=0; for step in $(BENCH_STEPS); do \
	  echo "== python -m $$step"; \
	  $(BIN)/python -m $$step || { code=$$?; [ $$code -ge 128 ] && exit $$code; status=1; }; \
	done; exit $$status
# The hot paths with wrk, per endpoint (tests/bench/hotpaths): SQLite, then PostgreSQL when
# BENCH_DATABASE_URL is set; WRK_SECONDS, WRK_WORKERS, WRK_WORKER_CLASS, WRK_ONLY ...
bench-wrk: $(VENV)/.installed-dev translations wrk-installed
	$(BIN)/python -m tests.bench.hotpaths
# A whole college's final exam: thousands of members start it within seconds, then save.
bench-crowd: $(VENV)/.installed-dev translations wrk-installed
	$(BIN)/python -m tests.bench.crowd
# Grading on a big class: 10,000 graded attempts of 50 questions; the statistics page and API,
# the results XLSX export (goals: under 2 s and 5 s). BENCH_DATABASE_URL for PostgreSQL.
bench-grading: $(VENV)/.installed-dev translations
	$(BIN)/python -m tests.bench.grading
# Discussions: reading a 5,000-post thread, the 304 poll (wrk) and 50 members posting at once
# (no post lost or duplicated). BENCH_DATABASE_URL for PostgreSQL.
bench-discussions: $(VENV)/.installed-dev translations wrk-installed
	$(BIN)/python -m tests.bench.discussions

# API fuzzing: schemathesis against the served OpenAPI document on a live server, about
# 2 minutes (tests/fuzz). fuzz-pg: the same on a throwaway PostgreSQL database.
fuzz: $(VENV)/.installed-dev translations
	$(BIN)/python -m tests.fuzz

fuzz-pg: $(VENV)/.installed-dev translations
	bash tests/faults/with-pg-database.sh FUZZ_DATABASE_URL $(BIN)/python -m tests.fuzz

# Fault run: members save answers while a gunicorn worker is SIGKILLed (and, on PostgreSQL,
# the database restarts); then nothing acknowledged may be missing (tests/faults).
faults: $(VENV)/.installed-dev translations
	$(BIN)/python -m tests.faults

faults-pg: $(VENV)/.installed-dev translations
	bash tests/faults/with-pg-database.sh FAULTS_DATABASE_URL $(BIN)/python -m tests.faults

check: $(VENV)/.installed
	$(BIN)/flask content check

clean:
	rm -rf $(VENV) .pytest_cache
