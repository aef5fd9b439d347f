# The README's two commands: `make demo` and `make test`. Both start from nothing but python3.
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export DUCKDB_PATH ?= customer_intelligence.duckdb
export EXPORT_DIR ?= exports

.PHONY: demo test build lint fix seeds clean

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/customer-intel build
	$(BIN)/customer-intel summary
	$(BIN)/customer-intel report

build: $(INSTALLED)
	$(BIN)/customer-intel build

# mf (the dbt Semantic Layer) validates target/semantic_manifest.json, which dbt parse writes
test: $(INSTALLED) lint
	$(BIN)/dbt build --project-dir . --profiles-dir .
	$(BIN)/dbt parse --project-dir . --profiles-dir .
	$(BIN)/mf validate-configs
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check src python_models tests
	$(BIN)/ruff format --check src python_models tests
	$(BIN)/sqlfluff lint models macros snapshots analyses

fix: $(INSTALLED)
	$(BIN)/ruff check --fix src python_models tests
	$(BIN)/ruff format src python_models tests
	$(BIN)/sqlfluff fix models macros snapshots analyses

# Regenerates the bundled sample data (deterministic: the same seed gives the same files)
seeds: $(INSTALLED)
	$(BIN)/customer-intel generate --customers 2000 --seed 42 --out seeds \
		--truth-out tests/data/ground_truth

clean:
	rm -rf target logs $(EXPORT_DIR) $(DUCKDB_PATH) $(DUCKDB_PATH).wal
