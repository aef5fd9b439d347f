"""What every section shares: the marts it reads and the Section it gives the page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from .elements import note

# marts that a successful build leaves missing or empty for some inputs: what the note then adds
WHY_UNAVAILABLE = {
    "fct_campaign_kpis": " Input without campaigns and email events builds no campaign figures.",
    "fct_ab_test_results": " Only campaigns sent as an experiment with variants give A/B results.",
    "fct_segment_transitions": (
        " Moves appear once a later build finds customers in other segments"
        " (snapshot customer_segment_history): build again after the data changes."
    ),
}


@dataclass(frozen=True)
class Section:
    """One part of the page: an anchor id, a heading and its HTML body."""

    key: str
    title: str
    body: str


class Marts:
    """Read-only queries on the built database; knows which marts exist and which are empty."""

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        self.tables = {
            name
            for (name,) in connection.sql(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }

    def rows(self, query: str) -> list[dict[str, Any]]:
        relation = self.connection.sql(query)
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]

    def unavailable(self, *tables: str) -> str | None:
        """A note naming the first of `tables` that is missing or empty, and why it can be, else
        None."""
        for table in tables:
            if table not in self.tables:
                problem = f"{table} is not in the database: build it with `customer-intel build`."
            elif not self.connection.sql(f"select 1 from {table} limit 1").fetchall():
                problem = f"{table} is empty."
            else:
                continue
            return problem + WHY_UNAVAILABLE.get(table, "")
        return None


def section(
    key: str, title: str, *tables: str
) -> Callable[[Callable[[Marts], str]], Callable[[Marts], Section]]:
    """Makes a function of the marts that writes a section's body into one giving the Section;
    when one of `tables` is missing or empty, the body is a note saying so instead."""

    def wrap(body: Callable[[Marts], str]) -> Callable[[Marts], Section]:
        @functools.wraps(body)
        def build(marts: Marts) -> Section:
            missing = marts.unavailable(*tables)
            if missing:
                return Section(key, title, note(missing))
            return Section(key, title, body(marts))

        return build

    return wrap
