# rocketmart — `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

RAW_DIR ?= data/raw
BENCH_ARGS ?=# extra bench/run_bench.py arguments, e.g. --reps 1
DB ?= warehouse/rocketmart.duckdb
EXPORT_DIR ?= exports
SAMPLE_VISITORS ?= 20000
SEED ?= 42

# Test datasets (all under build/, never committed)
TEST_DIR := build/test
TEST_VISITORS ?= 100000
TEST_BAD_ROWS ?= 25
SHARED_DATA ?= ../shared/data/retailrocket
DASHBOARD_HOST ?= 127.0.0.1
DASHBOARD_PORT ?= 8501

export ROCKETMART_RAW_DIR ?= $(RAW_DIR)
export ROCKETMART_DB ?= $(DB)

# Spark comparison fixtures (small: Spark's per-model overhead, not the data, sets the time)
SPARK_TEST_DIR := build/test-spark
SPARK_TEST_VISITORS ?= 3000
SPARK_STAMP := $(VENV)/.spark-installed-stamp
# the fixtures' many tiny queries: a C1-only JIT and the serial GC spend less CPU than the
# JVM's defaults (measured on the real sample: see README "Running on Spark")
SPARK_TEST_JAVA_OPTIONS ?= -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
# what a DuckDB build depends on: a test warehouse older than all of these is current
PROJECT_FILES := models macros seeds tests dbt_project.yml profiles.yml python/rocketmart

# `$(call dbt_build,NAME)`: dbt build of the test warehouse NAME from $(TEST_DIR)/NAME/raw
dbt_build = ROCKETMART_RAW_DIR=$(TEST_DIR)/$(1)/raw ROCKETMART_DB=$(TEST_DIR)/$(1).duckdb \
	$(BIN)/dbt build --profiles-dir . --target-path $(TEST_DIR)/target-$(1) $(2)
NO_UNIT_TESTS := --exclude-resource-type unit_test
# `$(call in_lane,LOG,COMMAND)` runs COMMAND in the background, output to LOG;
# `$(call end_lane,LOG)` waits for it, prints LOG and fails when it failed.
in_lane = ( $(2) ) > $(1) 2>&1 & lane=$$!
end_lane = lane_status=0; wait $$lane || lane_status=$$?; cat $(1); \
	if [ $$lane_status -ne 0 ]; then echo "failed: see $(1)" >&2; exit $$lane_status; fi

.PHONY: help setup lock data build run export dashboard lint format test test-dbt test-py test-spark spark-setup bench calibration clean

help: ## List every target with one line each
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

# Installs come from lock files (README "Dependencies"): pyproject.toml holds ranges,
# requirements/*.lock the exact versions with hashes. `make lock` re-resolves them: only
# from pyproject.toml, LOCK_EXTRAS and LOCK_DATE (releases after it are ignored), so the
# same inputs give the same files. dev.lock = the base dependencies + LOCK_EXTRAS (what
# `make setup` installs); bench.lock = the same pins + the bench extra (`make bench`).
LOCK_EXTRAS ?= dev
LOCK_DATE ?= 2026-11-30T00:00:00Z
DEV_LOCK := requirements/dev.lock
BENCH_LOCK := requirements/bench.lock
BENCH_STAMP := $(VENV)/.bench-stamp
COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --upgrade --generate-hashes \
	--python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	--exclude-newer $(LOCK_DATE) --custom-compile-command 'make lock'

$(STAMP): pyproject.toml $(DEV_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'pip>=25,<27'
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python requirements/check.py $(LOCK_EXTRAS)
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the locked dependencies + the project (editable)

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$$(grep -m1 -o '^uv==[^ ]*' $(DEV_LOCK) || echo uv)"

lock: $(BIN)/uv ## Re-resolve pyproject.toml into requirements/*.lock (pins + hashes)
	$(COMPILE) $(LOCK_EXTRAS:%=--extra %) -o $(DEV_LOCK)
	$(COMPILE) $(LOCK_EXTRAS:%=--extra %) --extra bench -c $(DEV_LOCK) -o $(BENCH_LOCK)

$(BENCH_STAMP): $(STAMP) $(BENCH_LOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(BENCH_LOCK)
	$(BIN)/python requirements/check.py $(LOCK_EXTRAS) bench
	touch $(BENCH_STAMP)

data: setup ## Generate a sample dataset into data/raw when it holds no events.csv
	@if [ ! -f "$(RAW_DIR)/events.csv" ]; then \
		echo "No $(RAW_DIR)/events.csv: generating $(SAMPLE_VISITORS) visitors (seed $(SEED))"; \
		$(BIN)/rocketmart generate --out "$(RAW_DIR)" --visitors $(SAMPLE_VISITORS) \
			--seed $(SEED) --with-properties; \
	fi

build: data ## dbt build into the warehouse, published atomically (rocketmart build)
	$(BIN)/rocketmart build --raw-dir "$(RAW_DIR)" --db "$(DB)"

run: build export ## Set up, generate data if needed, build and export the campaign lists

export: setup ## Export the three campaign lists (control rows excluded) into exports/
	mkdir -p $(EXPORT_DIR)
	$(BIN)/rocketmart export no-sales-items --db "$(DB)" --format csv --output $(EXPORT_DIR)/no_sales_items.csv
	$(BIN)/rocketmart export browse-abandoners --db "$(DB)" --format csv --output $(EXPORT_DIR)/browse_abandoners.csv
	$(BIN)/rocketmart export churned-customers --db "$(DB)" --format csv --output $(EXPORT_DIR)/churned_customers.csv

dashboard: setup ## Build the warehouse if missing or older than the raw files, then serve the dashboard
	@if [ ! -f "$(DB)" ] || [ -n "$$(find "$(RAW_DIR)" -name '*.csv' -newer "$(DB)" 2>/dev/null)" ]; then \
		$(MAKE) --no-print-directory build; \
	fi
	$(BIN)/rocketmart dashboard --db "$(DB)" --host "$(DASHBOARD_HOST)" --port "$(DASHBOARD_PORT)"

lint: setup ## ruff (Python) and sqlfluff (SQL, dbt templater, duckdb dialect)
	$(BIN)/ruff check python models $(wildcard bench)
	$(BIN)/ruff format --check python models $(wildcard bench)
	$(BIN)/sqlfluff lint models tests --disable-progress-bar

format: setup ## Auto-fix what ruff and sqlfluff can
	$(BIN)/ruff check --fix python models $(wildcard bench)
	$(BIN)/ruff format python models $(wildcard bench)
	$(BIN)/sqlfluff fix models --disable-progress-bar

test-dbt: setup ## dbt build on generated data (with/without properties) and the real sample
	rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)/real/raw
	$(BIN)/rocketmart generate --out $(TEST_DIR)/generated/raw --visitors $(TEST_VISITORS) \
		--seed $(SEED) --with-properties --bad-rows $(TEST_BAD_ROWS)
	$(BIN)/rocketmart generate --out $(TEST_DIR)/no_properties/raw --visitors 5000 --seed 7
	cp $(SHARED_DATA)/events_sample_5000_visitors.csv $(TEST_DIR)/real/raw/events.csv
	cp $(SHARED_DATA)/category_tree.csv $(TEST_DIR)/real/raw/category_tree.csv
	@# two lanes on the two cores: the large generated build beside the two small ones
	@# (each build its own target path; the dbt unit tests, which do not depend on the
	@# data, in the generated build only); the background lane's output follows at its end
	$(call in_lane,$(TEST_DIR)/generated.log,$(call dbt_build,generated)); \
	status=0; $(call dbt_build,no_properties,$(NO_UNIT_TESTS)) && $(call dbt_build,real,$(NO_UNIT_TESTS)) \
		|| status=$$?; \
	$(call end_lane,$(TEST_DIR)/generated.log); exit $$status

PYTEST_WORKERS ?= 2# pytest-xdist processes (each test file in one); 0 = no xdist
test-py: setup ## pytest (python/tests); reuses the warehouses built by test-dbt
	status=0; ROCKETMART_TEST_DIR=$(abspath $(TEST_DIR)) $(BIN)/pytest -q \
		$(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile,-p no:xdist) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$status

test: setup ## Lint, dbt build on test data, then pytest
	@# lint beside the dbt builds (each mostly one core), then pytest on their warehouses
	$(MAKE) --no-print-directory -j2 lint test-dbt
	$(MAKE) --no-print-directory test-py

bench: $(BENCH_STAMP) ## Full-scale benchmark (see bench/README.md); writes bench/results.md
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

calibration: setup ## Generated vs real 5,000-visitor sample: writes docs/calibration.md
	$(BIN)/rocketmart calibrate --visitors 100000 --seed $(SEED) --full-scale --out docs/calibration.md \
		--real $(SHARED_DATA)/events_sample_5000_visitors.csv

# the `spark` extra's requirements from pyproject.toml, without reinstalling the project
# itself, so that it can install while other targets run the project (.ci/run)
$(SPARK_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['spark']))" \
		| $(BIN)/pip install --quiet -r /dev/stdin
	touch $(SPARK_STAMP)

spark-setup: $(SPARK_STAMP) ## Install the Spark extra (pyspark, dbt-spark) into .venv; Java 17 is separate

test-spark: setup $(SPARK_STAMP) ## Build small fixtures on Spark (needs Java 17) and compare every table with DuckDB
	rm -rf $(SPARK_TEST_DIR) && mkdir -p $(SPARK_TEST_DIR)/real/raw
	$(BIN)/rocketmart generate --out $(SPARK_TEST_DIR)/generated/raw --visitors $(SPARK_TEST_VISITORS) \
		--seed $(SEED) --with-properties --bad-rows $(TEST_BAD_ROWS)
	cp $(SHARED_DATA)/events_sample_5000_visitors.csv $(SPARK_TEST_DIR)/real/raw/events.csv
	cp $(SHARED_DATA)/category_tree.csv $(SPARK_TEST_DIR)/real/raw/category_tree.csv
	@# two lanes, one Spark process (JVM, warehouse folder, dbt target) each: the generated
	@# fixture (its DuckDB build, then Spark) beside the real sample (make test's DuckDB
	@# build reused when no project file is newer; the dbt unit tests run on Spark here)
	$(call in_lane,$(SPARK_TEST_DIR)/generated.log,\
		$(call spark_dbt_build,generated) && $(call spark_compare,generated,none)); \
	status=0; { \
	if [ -f $(TEST_DIR)/real.duckdb ] && [ -z "$$(find $(PROJECT_FILES) -newer $(TEST_DIR)/real.duckdb ! -path "*/__pycache__*" | head -1)" ]; then \
		echo "real sample: reusing $(TEST_DIR)/real.duckdb"; \
		ln -s $(abspath $(TEST_DIR))/real.duckdb $(SPARK_TEST_DIR)/real.duckdb; \
	else \
		$(call spark_dbt_build,real); \
	fi && $(call spark_compare,real,first); } || status=$$?; \
	$(call end_lane,$(SPARK_TEST_DIR)/generated.log); exit $$status

# the DuckDB build of a Spark fixture (its data tests; the unit tests run on Spark), and its
# Spark build + comparison: $(call spark_compare,NAME,first|none) (unit tests on Spark or not)
spark_dbt_build = ROCKETMART_RAW_DIR=$(SPARK_TEST_DIR)/$(1)/raw ROCKETMART_DB=$(SPARK_TEST_DIR)/$(1).duckdb \
	$(BIN)/dbt build --profiles-dir . --quiet --target-path $(SPARK_TEST_DIR)/target-$(1) $(NO_UNIT_TESTS)
spark_compare = ROCKETMART_SPARK_DIR=$(abspath $(SPARK_TEST_DIR))/spark-$(1) \
	ROCKETMART_SPARK_JAVA_OPTIONS="$(SPARK_TEST_JAVA_OPTIONS)" $(BIN)/python -m rocketmart.spark_compare \
	--unit-tests $(2) $(SPARK_TEST_DIR)/$(1).duckdb=$(SPARK_TEST_DIR)/$(1)/raw

clean: ## Remove build artefacts (keeps .venv, data/raw and the warehouse)
	rm -rf build target logs dbt_packages .pytest_cache .ruff_cache
