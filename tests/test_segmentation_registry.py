"""The model registry keeps one row per fitted model version across rebuilds."""

from __future__ import annotations

import duckdb
import pytest

from conftest import copy_project, run_dbt

pytestmark = pytest.mark.e2e

# fewer candidate ks and refits than the defaults: the registry, not the choice of k, is tested
QUICK_VARS = "{segmentation_k_min: 2, segmentation_k_max: 4, segmentation_bootstrap_runs: 1}"
REFIT_VARS = QUICK_VARS.replace("}", ", segmentation_fixed_k: 5}")


def registry(database):
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(
            "select model_version, trained_at, k, fit_start, customers_moved"
            " from segmentation_model_registry order by trained_at"
        ).fetchall()


def build_registry(project, database, variables):
    result = run_dbt(
        project,
        "build",
        "--select",
        "+segmentation_model_registry",
        # only tests whose every parent is built (relationship tests reach outside the selection)
        "--indirect-selection",
        "cautious",
        "--vars",
        variables,
        database=database,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_a_rebuild_adds_no_row_and_a_refit_at_another_k_adds_a_fresh_one(tmp_path):
    project = copy_project(tmp_path / "project")
    database = tmp_path / "registry.duckdb"

    build_registry(project, database, QUICK_VARS)
    first = registry(database)
    build_registry(project, database, QUICK_VARS)
    rebuilt = registry(database)
    build_registry(project, database, REFIT_VARS)
    refitted = registry(database)

    assert len(first) == 1
    assert rebuilt == first
    assert len(refitted) == 2
    assert refitted[0] == first[0]
    assert refitted[1][0] != first[0][0]
    assert refitted[1][2] == 5
    # a first fit moves no one from anywhere; another k starts afresh, and moves customers
    assert first[0][3:] == ("fresh", None)
    assert refitted[1][3] == "fresh" and refitted[1][4] > 0
