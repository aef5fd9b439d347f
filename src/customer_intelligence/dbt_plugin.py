"""dbt-duckdb plugin: checks DUCKDB_PATH before dbt connects and creates EXPORT_DIR.

Loaded through `plugins:` in profiles.yml, so plain `dbt build` gets the same checks as the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from customer_intelligence import settings


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        export_dir = Path(plugin_config.get("export_dir") or settings.DEFAULT_EXPORT_DIR)
        try:
            settings.ensure_export_dir(export_dir)
        except settings.ConfigurationError as error:
            raise DbtRuntimeError(str(error)) from error

    def update_connection_config(self, creds, config: dict[str, Any]) -> None:
        if creds.path in (":memory:", "") or "://" in creds.path or creds.path.startswith("md:"):
            return
        try:
            settings.check_database_path(Path(creds.path))
        except settings.ConfigurationError as error:
            raise DbtRuntimeError(str(error)) from error
