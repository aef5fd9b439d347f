"""No value from the input config or a var reaches SQL as code.

sql_literal and sql_identifier (macros/config/quoting.sql) are the only way config text enters
SQL: the first tests round-trip hostile text through DuckDB, the build test puts the same kind of
text in every place a user's config reaches SQL (path, column name, date format, a string var).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import build_with_input, copy_project, quick_vars_block, show_json

HOSTILE_TEXTS = [
    "it's",
    "a'';drop table x;--",
    'dollar "value',
    "back\\slash\\",
    "\\'",
    "semi;colon",
    "ünïcødé ✓ 中文",
    "{{ 1 + 1 }}",
    "line\nbreak",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("config_quoting") / "project")


def test_literals_and_identifiers_round_trip_hostile_text(project, tmp_path):
    # the texts come in through a var, as a config's do; the SQL names each by position
    sql = (
        "{% set texts = var('hostile_texts') %}select "
        "{% for text in texts %}{{ sql_literal(text) }} as literal_{{ loop.index }}, "
        "1 as {{ sql_identifier(text) }}{{ ', ' if not loop.last }}{% endfor %}"
    )
    [row] = show_json(project, tmp_path / "db.duckdb", sql, {"hostile_texts": HOSTILE_TEXTS})
    for position, text in enumerate(HOSTILE_TEXTS, start=1):
        assert row[f"literal_{position}"] == text
        assert row[text] == 1


def test_a_list_of_literals_matches_each_text_and_nothing_else(project, tmp_path):
    sql = (
        "select count(*) as matches from (values {% for text in var('hostile_texts') %}"
        "({{ sql_literal(text) }}){{ ', ' if not loop.last }}{% endfor %}, ('x'), ('it')) "
        "as t (text) where text in ({{ sql_literals(var('hostile_texts')) }})"
    )
    [row] = show_json(project, tmp_path / "db.duckdb", sql, {"hostile_texts": HOSTILE_TEXTS})
    assert row["matches"] == len(HOSTILE_TEXTS)


# --- a build where every config value that reaches SQL is hostile ---------------------------------

INJECTED_STATUS = "completed' || (select 'x') || '"


@pytest.fixture(scope="module")
def hostile_build(project, tmp_path_factory):
    # a folder name with a quote, a semicolon and unicode; a column name with a double quote; a
    # real date format with a quote in it (01 Jan '97); a status var that tries an injection
    folder = tmp_path_factory.mktemp("hostile") / "it's; ünï"
    folder.mkdir()
    lines = pd.DataFrame(
        {
            "client": [1, 1, 2, 3, 3, 3],
            "when": [
                "01 Jan '97",
                "15 Feb '97",
                "03 Mar '97",
                "04 Mar '97",
                "20 Apr '97",
                "01 May '97",
            ],
            'dollar "value': [10.5, 20.0, 7.25, 3.0, 4.5, 12.0],
        }
    )
    path = folder / "purchases.csv"
    lines.to_csv(path, index=False)
    config = (
        "sources:\n"
        "  transactions:\n"
        f"    path: {json.dumps(str(path))}\n"
        '    date_format: "%d %b \'%y"\n'
        "    columns: {customer_id: client, order_date: when, amount: 'dollar \"value'}\n"
        + quick_vars_block().replace(
            "vars: {", "vars: {revenue_order_status: " + json.dumps(INJECTED_STATUS) + ", "
        )
    )
    database = folder / "build.duckdb"
    result = build_with_input(
        project,
        config,
        database,
        "--select",
        "+customer_rfm",
        "+dq_source_reconciliation",
        "--indirect-selection",
        "cautious",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    with duckdb.connect(str(database), read_only=True) as connection:
        yield connection, lines


def test_a_status_var_is_compared_as_text_never_run(hostile_build):
    connection, _ = hostile_build
    statuses = connection.sql("select distinct order_status from stg_orders").fetchall()
    assert statuses == [(INJECTED_STATUS,)]


def test_hostile_path_column_and_date_format_still_give_every_purchase(hostile_build):
    connection, lines = hostile_build
    rfm = connection.sql(
        "select customer_id, frequency, monetary from customer_rfm order by customer_id"
    ).fetchall()
    expected = lines.groupby("client")['dollar "value'].agg(["size", "sum"])
    assert rfm == [
        (customer, int(row["size"]), pytest.approx(row["sum"]))
        for customer, row in expected.iterrows()
    ]
    first_order = connection.sql("select min(ordered_on) from stg_orders").fetchall()
    assert str(first_order[0][0]) == "1997-01-01"
