# The two commands of the README's quick start. Each installs what it needs into .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
ARTICLE = examples/articles/kuaishou-gravity-conference-2022.md

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Build the graph of the example article into out/ (graph.ttl, graph.jsonld, graph.html, ...).
demo: $(BIN)/python
	$(BIN)/pip install --quiet .
	$(BIN)/kgraph build $(ARTICLE) -o out/
	$(BIN)/kgraph query out/ --file examples/queries/positions.rq

# Install the package (not an editable checkout: the tests see what users get) and run the tests.
test: $(BIN)/python
	$(BIN)/pip install --quiet ".[test]"
	KGRAPH_TEST_INSTALLED=1 $(BIN)/pytest -q -p no:cacheprovider

bench: $(BIN)/python
	$(BIN)/pip install --quiet .
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) out build *.egg-info
