# The README's two commands.  Each creates .venv when it is missing and
# installs what it needs, so a machine with only Python can run them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-test

.PHONY: test demo lint bench docs clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) -m numpy_seq2seq train --out out/demo

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
