"""Shared fixtures: a copy of the dbt project built on a small generated data set."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

from customer_intelligence.generate import generate_dataset

REPO = Path(__file__).resolve().parents[1]
PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "python_models",
    "macros",
    "snapshots",
    "analyses",
)
DBT = str(Path(sys.executable).with_name("dbt"))
CLI = str(Path(sys.executable).with_name("customer-intel"))
# dbt unit tests run on their own fixed rows, whatever the data: `make test`'s dbt build runs
# them once, so the builds of these suites leave them out
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def build_with_input(
    project: Path, config: str, database: Path, *dbt_args: str
) -> subprocess.CompletedProcess:
    """`customer-intel build --input` from the project folder, as a user runs it."""
    config_path = project / "input.yml"
    config_path.write_text(config, encoding="utf-8")
    env = {**os.environ, "DUCKDB_PATH": str(database), "EXPORT_DIR": str(project / "exports")}
    return subprocess.run(
        [CLI, "build", "--input", str(config_path), *WITHOUT_UNIT_TESTS, *dbt_args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def quick_vars_block() -> str:
    return "vars: {" + QUICK_SEGMENTATION_VARS + "}\n"


@contextlib.contextmanager
def input_build(project: Path, config: str, database: Path, *dbt_args: str):
    """A read-only connection to a build_with_input that succeeded; dbt's output fails the test
    otherwise."""
    result = build_with_input(project, config, database, *dbt_args)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    with duckdb.connect(str(database), read_only=True) as connection:
        yield connection


def copy_project(destination: Path, raw_dir: Path | None = None) -> Path:
    """The dbt project without build output; raw seeds from raw_dir when given."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        elif source.exists():
            shutil.copy2(source, destination / part)
    seeds = destination / "seeds"
    seeds.mkdir()
    for seed in (REPO / "seeds").iterdir():
        if seed.suffix == ".yml" or not seed.name.startswith("raw_"):
            shutil.copy2(seed, seeds / seed.name)
    for raw in (raw_dir or REPO / "seeds").glob("raw_*.csv"):
        shutil.copy2(raw, seeds / raw.name)
    for singular_test in (REPO / "tests").glob("*.sql"):
        (destination / "tests").mkdir(exist_ok=True)
        shutil.copy2(singular_test, destination / "tests" / singular_test.name)
    return destination


def run_dbt(project: Path, *arguments: str, database: Path, **extra_env: str):
    """Runs dbt in `project` against `database`; returns the completed process (never raises)."""
    env = {
        **os.environ,
        "DUCKDB_PATH": str(database),
        "EXPORT_DIR": str(project / "exports"),
        **extra_env,
    }
    return subprocess.run(
        [DBT, *arguments, "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def upstream_of(model: str) -> tuple[str, ...]:
    """dbt arguments selecting `model` and what it reads, with the tests of those models only."""
    return ("--select", "+" + model, "--indirect-selection", "cautious")


def bundled_build_upto(root: Path, model: str) -> tuple[Path, Path]:
    """A copy of the project in root with the bundled seeds built up to `model`: (project,
    database)."""
    project = copy_project(root / "project")
    database = root / "bundled.duckdb"
    result = run_dbt(project, "build", *upstream_of(model), database=database)
    assert result.returncode == 0, result.stdout[-4000:]
    return project, database


def show_json(project: Path, database: Path, sql: str, dbt_vars: dict) -> list[dict]:
    """The rows of `dbt show --inline sql` with `dbt_vars`, as dicts by column name."""
    result = run_dbt(
        project,
        "show",
        "--inline",
        sql,
        "--vars",
        json.dumps(dbt_vars),
        "--output",
        "json",
        "--limit",
        "-1",
        database=database,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    payload = result.stdout[result.stdout.index("{") :]
    return json.loads(payload[: payload.rindex("}") + 1])["show"]


def rebuild_on_copy(
    connection: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    workdir: Path,
    models: Sequence[str],
    dbt_vars: str,
) -> Path:
    """Copies the database behind `connection` into `workdir` and builds only `models` there with
    `dbt_vars` (a YAML mapping): a changed var without a second full build. Returns the copy."""
    database = workdir / "rebuilt.duckdb"
    shutil.copy(
        connection.sql("select path from duckdb_databases() where not internal").fetchall()[0][0],
        database,
    )
    project = copy_project(workdir / "project", raw_dir)
    result = run_dbt(project, "build", "--select", *models, "--vars", dbt_vars, database=database)
    assert result.returncode == 0, result.stdout[-4000:]
    return database


@pytest.fixture(scope="session")
def generated_build(tmp_path_factory):
    """A 600-customer generated data set, built end to end: (connection, raw dir, truth dir)."""
    root = tmp_path_factory.mktemp("generated_build")
    raw_dir, truth_dir = root / "raw", root / "truth"
    generate_dataset(600, seed=7, out_dir=raw_dir, truth_dir=truth_dir)
    project = copy_project(root / "project", raw_dir)
    database = root / "build.duckdb"
    result = run_dbt(project, "build", *WITHOUT_UNIT_TESTS, database=database)
    assert result.returncode == 0, result.stdout[-4000:]
    connection = duckdb.connect(str(database), read_only=True)
    yield connection, raw_dir, truth_dir
    connection.close()


# fewer candidate ks and refits than the defaults: these builds test history and exports, not k
QUICK_SEGMENTATION_VARS = (
    "segmentation_k_min: 2, segmentation_k_max: 4, segmentation_bootstrap_runs: 1"
)
# the bundled orders end on 2025-12-31: half a year earlier, orders drop out and segments move
EARLIER_AS_OF_DATE = "2025-07-01"


def _segments_by_customer(database: Path) -> dict[str, dict[int, str]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            "rfm": dict(
                connection.sql("select customer_id, rfm_segment from customer_rfm").fetchall()
            ),
            "kmeans": dict(
                connection.sql("select customer_id, segment_name from customer_segments").fetchall()
            ),
            "kmeans_id": dict(
                connection.sql("select customer_id, segment_id from customer_segments").fetchall()
            ),
        }


@pytest.fixture(scope="session")
def two_builds(tmp_path_factory):
    """The bundled data built twice, the second time as of an earlier date so segments move.

    Returns (project, database, first, second): first and second map 'rfm', 'kmeans' (segment
    name) and 'kmeans_id' to each build's segment by customer; first['exports'] is a copy of the
    first build's exports folder.
    """
    root = tmp_path_factory.mktemp("two_builds")
    project = copy_project(root / "project")
    database = root / "build.duckdb"
    result = run_dbt(
        project,
        "build",
        *WITHOUT_UNIT_TESTS,
        "--vars",
        f"{{{QUICK_SEGMENTATION_VARS}}}",
        database=database,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    first = _segments_by_customer(database)
    first["exports"] = shutil.copytree(project / "exports", root / "first_exports")
    variables = f"{{{QUICK_SEGMENTATION_VARS}, rfm_as_of_date: '{EARLIER_AS_OF_DATE}'}}"
    result = run_dbt(project, "build", *WITHOUT_UNIT_TESTS, "--vars", variables, database=database)
    assert result.returncode == 0, result.stdout[-4000:]
    second = _segments_by_customer(database)
    return project, database, first, second
