# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8050
SAMPLES_DIR ?= data/samples
USERS ?= 20
DURATION ?= 60

.PHONY: run test samples bench evaluate docs docs-evaluation docs-speed screenshots loadtest clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

$(SAMPLES_DIR)/normal_star.csv: | $(VENV)/.runtime-installed
	$(PY) -m core samples --format both --n-samples 5 --out $(SAMPLES_DIR)

samples: $(SAMPLES_DIR)/normal_star.csv

run: $(VENV)/.runtime-installed samples
	PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py dashapp.app:server

test: $(VENV)/.dev-installed
	$(PY) -m pytest

bench: $(VENV)/.runtime-installed
	$(PY) -m core bench

evaluate: $(VENV)/.runtime-installed
	$(PY) -m core evaluate

# docs/evaluation.md and docs/speed.md are written by the commands that measure them, never by hand.
docs: docs-evaluation docs-speed

docs-evaluation: $(VENV)/.runtime-installed
	$(PY) -m core evaluate --seed 0 1 2 --markdown docs/evaluation.md

docs-speed: $(VENV)/.runtime-installed
	$(PY) -m core bench --markdown docs/speed.md

# The browser tests save a picture of each page (and upload->plot timings) here.
screenshots: $(VENV)/.dev-installed
	SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest tests/e2e/test_dashboard.py -q

# USERS simulated visitors against Gunicorn on 127.0.0.1 for DURATION seconds (scripts/loadtest.py).
loadtest: $(VENV)/.runtime-installed
	$(PY) -m scripts.loadtest --users $(USERS) --duration $(DURATION)

clean:
	rm -rf $(VENV) .pytest_cache
