"""Where the database and exports live; checks that fail with a message saying what to do."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

DEFAULT_DUCKDB_PATH = "customer_intelligence.duckdb"
DEFAULT_EXPORT_DIR = "exports"


class ConfigurationError(RuntimeError):
    """A setting the user must change; the message names it and the fix."""


def duckdb_path() -> Path:
    return Path(os.environ.get("DUCKDB_PATH") or DEFAULT_DUCKDB_PATH)


def export_dir() -> Path:
    return Path(os.environ.get("EXPORT_DIR") or DEFAULT_EXPORT_DIR)


def duckdb_threads(value: str | None) -> int | None:
    """DUCKDB_THREADS as a thread count for DuckDB; None (DuckDB's default: every core) if unset."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ConfigurationError(
            f"DUCKDB_THREADS={value} is not a number of threads. Set it to a whole number of at "
            "least 1, or unset it to let DuckDB use every core."
        )
    return int(text)


def check_database_path(path: Path) -> None:
    """Fail early and clearly on a DUCKDB_PATH that cannot be opened for writing."""
    if path.is_dir():
        raise ConfigurationError(
            f"DUCKDB_PATH={path} is a folder. Set DUCKDB_PATH to a file path, "
            f"for example DUCKDB_PATH={path / DEFAULT_DUCKDB_PATH}"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigurationError(
            f"DUCKDB_PATH={path}: the folder {folder} does not exist. Create it "
            f"(mkdir -p {folder}) or point DUCKDB_PATH at an existing folder."
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigurationError(
            f"DUCKDB_PATH={path} is not writable. Point DUCKDB_PATH at a file in a folder "
            "you can write to."
        )
    try:
        duckdb.connect(str(path)).close()
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise ConfigurationError(
                f"The database {path} is locked by another process: {_lock_holder(error)}. "
                "DuckDB allows one writer per file: close the program holding it (a BI tool, a "
                "notebook, another dbt run) and try again, or set DUCKDB_PATH to another file."
            ) from error
        raise ConfigurationError(
            f"DUCKDB_PATH={path} cannot be opened as a DuckDB database: {error}. "
            "If it is not a DuckDB file, point DUCKDB_PATH at a new file name."
        ) from error


def _lock_holder(error: Exception) -> str:
    """'<program>, PID <n>' from DuckDB's "Conflicting lock is held in <program> (PID <n>)"."""
    found = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", str(error))
    return f"{found[1]}, PID {found[2]}" if found else "the holder is not named"


def ensure_export_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"EXPORT_DIR={path} cannot be created ({error.strerror}). "
            "Set EXPORT_DIR to a folder you can write to."
        ) from error
    return path
