# The README's two commands.  Each creates .venv when it is missing and
# installs what it needs, so a machine with only Python can run them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-test

.PHONY: test test-quick system-deps demo lint bench docs clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The browser test's system packages (chromium, a Japanese font, the math font): installed
# with apt-get as root; otherwise one line says what is missing and how to install it.
system-deps: $(STAMP)
	@$(PY) -m scripts.system_deps --install

# Every test, on every core (pytest-xdist; tests that share an expensive fixture run on one
# worker: --dist loadgroup).  The slowest tests are listed at the end.
PYTEST := $(PY) -m pytest -n auto --dist loadgroup
test: lint system-deps
	$(PYTEST) --durations=15

# The learners' quick loop: every NumPy-only test and one Keras parity test per cell.
test-quick: $(STAMP)
	$(PYTEST) -m "not slow"

# The demo: NumPy and Keras side by side (scripts/compare.py).  Without
# TensorFlow (no wheel for this platform, or its import fails) it falls back
# to the NumPy-only command.
DEMO_STAMP := $(VENV)/.installed-demo
$(DEMO_STAMP): pyproject.toml | $(PY)
	@echo "demo: installing numpy-seq2seq with matplotlib and TensorFlow into $(VENV) (once)"
	@$(PY) -m pip install --quiet -e ".[plot,keras]" || { \
	  echo "demo: could not install TensorFlow (the keras extra); installing NumPy + matplotlib only"; \
	  $(PY) -m pip install --quiet -e ".[plot]"; }
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	@if tf_error=$$(TF_CPP_MIN_LOG_LEVEL=2 $(PY) -c "import tensorflow" 2>&1 >/dev/null); then \
	  $(PY) scripts/compare.py --out out/demo; \
	else \
	  echo "demo: TensorFlow cannot be imported, so there is no Keras to compare with:"; \
	  echo "      $$(echo "$$tf_error" | tail -n 1)"; \
	  echo "demo: running the NumPy-only command instead (python -m numpy_seq2seq train)."; \
	  $(PY) -m numpy_seq2seq train --out out/demo && \
	  echo "demo: figures in out/demo/: data.png, loss.png, predictions.png (model: out/demo/model.npz)"; \
	fi

# The docs site in site/ (open site/index.html): the figures into docs/figures/
# (scripts/docs_figures.py), then Sphinx (docs/conf.py), which executes the notebooks
# (walkthrough, worked example, numbers) and writes every page.  No network needed once the
# docs extra is installed.  DOCS_QUICK=1 skips the figures and runs the notebooks quickly.
DOCS_STAMP := $(VENV)/.installed-docs
$(DOCS_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	@if [ -z "$(DOCS_QUICK)" ]; then MPLBACKEND=Agg TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m scripts.docs_figures; fi
	NS2S_DOCS_QUICK=$(DOCS_QUICK) $(PY) -m sphinx -b html -E -q -d out/docs/doctrees docs out/docs/site
	rm -rf site && mv out/docs/site site  # MyST-NB keeps executed outputs beside, in out/docs/

# Benchmarks: each cell's fit against its straightforward fused NumPy loop (the floor, target
# <= 1.3x, at the seed's size and at hidden 256) and against Keras (benchmarks/run.py, results
# in out/bench/, explained in docs/performance.md).  Never part of `make test`.
# Some machines set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for older OpenBLAS builds; they
# slow the current one, so this command alone unsets both (the report names the kernel that ran).
# It writes its tables into docs/performance.md and the README's speed line (--docs).
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--quick --only seed,inference".
BENCH_ARGS ?= --docs
bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out site .pytest_cache .hypothesis
