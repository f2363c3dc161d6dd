# `make demo` and `make test` each set up .venv when missing, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/zwgk demo

test: $(STAMP)
	$(BIN)/lint-imports
	# Medium severity and above; each exception is a "# nosec BXXX" with its reason beside it.
	$(BIN)/bandit -q -r zwgk models tasks flows --severity-level medium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/cycle.py --units 1000
	$(BIN)/python bench/sweep.py --deadlines 10000
	$(BIN)/python bench/intake.py --files 100 --files 10000
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/prefect_costs.py
	$(BIN)/python bench/sites.py --units 25 --units 100
	$(BIN)/python bench/burst.py --units 200

clean:
	rm -rf $(VENV) out zwgk.db .pytest_cache
