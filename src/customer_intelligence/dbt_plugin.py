"""dbt-duckdb plugin: checks DUCKDB_PATH before dbt connects, applies DUCKDB_THREADS, creates
EXPORT_DIR and gives SQL the functions that publish files: `ci_make_folder` and `ci_publish_file`
for each Parquet and CRM file (macros/exports/publish_parquet.sql), `ci_complete_export_set`
and `ci_publish_export_set` for the build's set of them (export_sets,
macros/exports/export_set.sql); and `ci_file_problem`, with which the pre-flight check
(macros/input/check_input_sources.sql) finds what is wrong with a user's CSV file before DuckDB's
reader fails on it (input_files.file_problem).

Loaded through `plugins:` in profiles.yml, so plain `dbt build` gets the same checks as the CLI.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
from pathlib import Path
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError
from duckdb import DuckDBPyConnection

from customer_intelligence import export_sets, input_files, settings

FUNCTIONS = (
    "ci_make_folder",
    "ci_publish_file",
    "ci_complete_export_set",
    "ci_publish_export_set",
    "ci_file_problem",
)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        export_dir = Path(plugin_config.get("export_dir") or settings.DEFAULT_EXPORT_DIR)
        try:
            settings.ensure_export_dir(export_dir / export_sets.BUILDS)
            self.duckdb_threads = settings.duckdb_threads(plugin_config.get("duckdb_threads"))
        except settings.ConfigurationError as error:
            raise DbtRuntimeError(str(error)) from error

    def update_connection_config(self, creds, config: dict[str, Any]) -> None:
        if self.duckdb_threads:
            config["threads"] = self.duckdb_threads
        if creds.path in (":memory:", "") or "://" in creds.path or creds.path.startswith("md:"):
            return
        try:
            settings.check_database_path(Path(creds.path))
        except settings.ConfigurationError as error:
            raise DbtRuntimeError(str(error)) from error

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        # dbt-duckdb's cursors share the connection's functions, so registering once is enough
        conn.create_function(
            "ci_make_folder", make_folder, ["VARCHAR"], "VARCHAR", side_effects=True
        )
        conn.create_function(
            "ci_publish_file", publish_file, ["VARCHAR", "VARCHAR"], "VARCHAR", side_effects=True
        )
        conn.create_function(
            "ci_complete_export_set",
            complete_export_set,
            ["VARCHAR", "VARCHAR", "VARCHAR", "BOOLEAN"],
            "VARCHAR",
            null_handling="special",  # it returns null when the run wrote nothing to publish
            side_effects=True,
        )
        conn.create_function(
            "ci_publish_export_set",
            publish_export_set,
            ["VARCHAR", "VARCHAR", "VARCHAR"],
            "VARCHAR",
            side_effects=True,
        )
        conn.create_function(
            "ci_file_problem",
            file_problem,
            ["VARCHAR", "VARCHAR", "VARCHAR"],
            "VARCHAR",
            null_handling="special",  # it returns null for a good file
            side_effects=True,  # reads the file as it is now: never folded or cached
        )
        # a Python function still registered when the interpreter shuts down makes DuckDB's
        # bindings print a page of "nanobind: leaked" warnings (sqlfluff never closes its
        # connection)
        atexit.register(_unregister_functions, conn)


def _unregister_functions(conn: DuckDBPyConnection) -> None:
    for name in FUNCTIONS:
        with contextlib.suppress(duckdb.Error):  # the connection is already closed
            conn.remove_function(name)


def make_folder(path: str) -> str:
    Path(path).mkdir(parents=True, exist_ok=True)
    return path


def publish_file(temp_path: str, final_path: str) -> str:
    """Moves a finished file into place in one step: a build that is killed while writing it
    leaves a temporary file, never half a file under the final name."""
    os.replace(temp_path, final_path)
    return final_path


def complete_export_set(
    export_dir: str, build: str, marts_json: str, crm_published: bool
) -> str | None:
    """export_sets.complete_set: the marts, as JSON, that no build has written yet; null when
    this run wrote nothing, so there is nothing to publish."""
    folder = export_sets.build_folder(Path(export_dir), build)
    if not folder.is_dir() and not crm_published:
        return None
    missing = export_sets.complete_set(
        Path(export_dir), build, json.loads(marts_json), crm_published
    )
    return json.dumps(missing)


def publish_export_set(export_dir: str, build: str, build_id: str) -> str:
    return str(export_sets.publish(Path(export_dir), build, build_id))


def file_problem(path: str, entity: str, encoding: str) -> str | None:
    """input_files.file_problem; `encoding` is '' when the source sets none (a SQL null would
    skip the call)."""
    return input_files.file_problem(path, entity, encoding or None)
