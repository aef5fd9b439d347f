"""A configuration mistake stops with a message that names the setting and the fix."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import copy_project, run_dbt
from customer_intelligence import cli


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("config_errors") / "project")


def test_database_in_a_missing_folder_says_which_folder_to_create(project, tmp_path):
    database = tmp_path / "no_such_folder" / "db.duckdb"
    result = run_dbt(project, "run", "-s", "int_as_of_date", database=database)
    assert result.returncode != 0
    assert f"DUCKDB_PATH={database}" in result.stdout
    assert "does not exist" in result.stdout and "mkdir -p" in result.stdout


def test_locked_database_names_the_holder_and_the_way_out(project, tmp_path):
    database = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(database)!r}); "
            "print('ready', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run_dbt(project, "run", "-s", "int_as_of_date", database=database)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode != 0
    # the holder's program (DuckDB names the resolved interpreter) and its PID, unbracketed
    assert "locked by another process: /" in result.stdout
    assert f", PID {holder.pid}. DuckDB allows one writer" in result.stdout
    assert "close the program holding it" in result.stdout


def show_duckdb_threads(project, database, threads: str):
    return run_dbt(
        project,
        "show",
        "--inline",
        "select current_setting('threads') as duckdb_threads",
        "--output",
        "json",
        database=database,
        DUCKDB_THREADS=threads,
    )


def test_duckdb_threads_sets_the_threads_duckdb_runs_on(project, tmp_path):
    # one more than DuckDB's default (every core), so an ignored setting cannot pass
    threads = (os.cpu_count() or 1) + 1
    result = show_duckdb_threads(project, tmp_path / "db.duckdb", str(threads))
    assert result.returncode == 0, result.stdout
    assert f'"duckdb_threads": {threads}' in result.stdout


def test_duckdb_threads_that_is_not_a_count_says_what_to_set(project, tmp_path):
    result = show_duckdb_threads(project, tmp_path / "db.duckdb", "two")
    assert result.returncode != 0
    assert "DUCKDB_THREADS=two is not a number of threads" in result.stdout
    assert "whole number of at least 1" in result.stdout


def test_removed_var_says_where_to_set_it(project, tmp_path):
    broken = copy_project(tmp_path / "broken")
    settings = broken / "dbt_project.yml"
    settings.write_text(
        "\n".join(
            line
            for line in settings.read_text().splitlines()
            if not line.strip().startswith("spend_categories:")
        )
    )
    result = run_dbt(broken, "compile", "-s", "dim_customers", database=tmp_path / "db.duckdb")
    assert result.returncode != 0
    assert "Variable 'spend_categories' is not set" in result.stdout
    assert "dbt_project.yml" in result.stdout


def test_as_of_date_that_is_not_a_date_is_refused_with_the_expected_format(project, tmp_path):
    result = run_dbt(
        project,
        "compile",
        "-s",
        "int_as_of_date",
        "--vars",
        "{rfm_as_of_date: last-week}",
        database=tmp_path / "db.duckdb",
    )
    assert result.returncode != 0
    assert "'rfm_as_of_date' is 'last-week', which is not a date" in result.stdout
    assert "YYYY-MM-DD" in result.stdout


def test_cli_refuses_a_database_path_that_is_a_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path))
    assert cli.main(["build"]) == 2
    assert "is a folder" in capsys.readouterr().err
