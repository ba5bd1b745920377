"""Shared pytest set-up: the `rocketmart build` runs inside the tests, and test files
that may run in any order (pytest-xdist).

- The dbt unit tests are left out of those builds (DBT_EXCLUDE_RESOURCE_TYPES): they do
  not depend on the data and `make test-dbt` runs them; the data tests still run.
- `make test-py` runs the tests in two processes (pytest-xdist, `--dist loadfile`: each
  file in one worker, so module fixtures are built once). Two workers may build at the
  same time, so each gets its own dbt target and log folders (DBT_TARGET_PATH /
  DBT_LOG_PATH; `rocketmart build` passes the environment on to dbt): two dbt processes
  writing one manifest or partial-parse file would race.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("DBT_EXCLUDE_RESOURCE_TYPES", "unit_test")
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if WORKER:
    os.environ.setdefault("DBT_TARGET_PATH", str(ROOT / "target" / f"pytest-{WORKER}"))
    os.environ.setdefault("DBT_LOG_PATH", str(ROOT / "logs" / f"pytest-{WORKER}"))


@pytest.fixture(autouse=True, scope="module")
def _drop_cached_dashboard_connections():
    """The dashboard caches one read-only DuckDB connection per warehouse in the test
    process (`st.cache_resource` in rocketmart.dashboard.ui). Dropped after each test file,
    so that a later file may open the same warehouse with another configuration (DuckDB
    refuses a second configuration of a file already open in the process; duckdb-engine's
    differs), whatever order the files run in."""
    yield
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_resource.clear()
        gc.collect()
