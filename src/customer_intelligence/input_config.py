"""`customer-intel build --input input.yml`: the user's input config, turned into dbt vars.

The config names, per entity of the input contract (macros/input/input_contract.sql), a file and a
column mapping; dbt itself validates the files and columns before any model runs
(macros/input/check_input_sources.sql), so `dbt build --vars` gets the same checks. Here only the
file's shape is checked and relative paths are resolved from the config file's folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from customer_intelligence.settings import ConfigurationError

TOP_LEVEL_KEYS = ("sources", "vars")
SOURCE_KEYS = ("path", "columns", "date_format", "delimiter", "encoding", "format")


def load_input_config(config_path: Path) -> dict:
    """The dbt vars an input config stands for: input_sources plus its `vars:` block."""
    if not config_path.is_file():
        raise ConfigurationError(
            f"--input {config_path}: no such file. Pass the path of your input.yml."
        )
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigurationError(f"{config_path} is not valid YAML: {error}") from error
    if not isinstance(config, dict) or not isinstance(config.get("sources"), dict):
        raise ConfigurationError(
            f"{config_path} needs a `sources:` mapping, e.g.\n"
            "sources:\n  transactions:\n    path: data/purchases.csv\n"
            "    columns: {customer_id: cust, order_date: date, amount: value}"
        )
    unknown = sorted(set(config) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise ConfigurationError(
            f"{config_path}: unknown top-level key(s) {unknown}; allowed: {list(TOP_LEVEL_KEYS)}."
        )
    sources = {}
    for entity, spec in config["sources"].items():
        if not isinstance(spec, dict) or "path" not in spec:
            raise ConfigurationError(
                f"{config_path}: sources.{entity} needs a `path` (a CSV or Parquet file, globs "
                f"allowed), e.g. `{entity}: {{path: data/{entity}.csv}}`."
            )
        unknown = sorted(set(spec) - set(SOURCE_KEYS))
        if unknown:
            raise ConfigurationError(
                f"{config_path}: sources.{entity} has unknown key(s) {unknown}; "
                f"allowed: {list(SOURCE_KEYS)}."
            )
        paths = spec["path"] if isinstance(spec["path"], list) else [spec["path"]]
        resolved = [str((config_path.parent / str(path)).resolve()) for path in paths]
        sources[entity] = {
            **spec,
            "path": resolved if isinstance(spec["path"], list) else resolved[0],
        }
    extra_vars = config.get("vars") or {}
    if not isinstance(extra_vars, dict):
        raise ConfigurationError(
            f"{config_path}: `vars:` must be a mapping of dbt var names to values."
        )
    return {"input_sources": sources, **extra_vars}


def dbt_vars_argument(variables: dict) -> list[str]:
    """`--vars <json>` for the dbt command line.

    YAML reads an unquoted date (`clv_calibration_end: 2025-07-01`) as a date: it goes to dbt as
    its ISO text, which the date vars expect.
    """
    return ["--vars", json.dumps(variables, default=str)]
