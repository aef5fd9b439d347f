"""A transaction log is staged line by line: every line of the file is staged or rejected with a
reason of its own, and a bad line takes no other line with it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from conftest import build_with_input, copy_project, input_build, quick_vars_block

pytestmark = pytest.mark.e2e

GOOD_LINES = 120
# (customer, date, amount, quantity) of the dirty lines, with the reason each must get
DIRTY_LINES = [
    *[("", f"2024-03-{day:02d}", "10", "1", "missing_customer_id") for day in range(1, 31)],
    ("7", "2024-02-10", "$12", "1", "unparseable_amount"),
    ("7", "2024-02-10", "1,234.50", "1", "unparseable_amount"),
    ("8", "2024-02-11", "1e308", "1", "amount_out_of_range"),
    ("8", "2024-02-11", "-5", "1", "negative_amount"),
    ("9", "2024-02-12", "4", "0", "non_positive_quantity"),
    ("9", "2024-02-12", "4", "two", "unparseable_quantity"),
    ("10", "", "4", "1", "missing_order_date"),
    ("10", "someday", "4", "1", "unparseable_order_date"),
]
# a customer whose only purchase was a free item
FREE_CUSTOMER = "99"


def write_log(path: Path) -> pd.DataFrame:
    good = pd.DataFrame(
        {
            "client": [str(1 + line % 12) for line in range(GOOD_LINES)],
            "day": [f"2024-02-{10 + line % 3:02d}" for line in range(GOOD_LINES)],
            "total": [f"{(line * 37) % 500 / 4:.2f}" for line in range(GOOD_LINES)],
            "qty": [str(1 + line % 4) for line in range(GOOD_LINES)],
            "item": [f"P{line % 9}" for line in range(GOOD_LINES)],
        }
    )
    free = pd.DataFrame(
        [{"client": FREE_CUSTOMER, "day": "2024-01-05", "total": "0", "qty": "1", "item": "P0"}]
    )
    dirty = pd.DataFrame(
        [
            {"client": c, "day": d, "total": a, "qty": q, "item": "P1"}
            for c, d, a, q, _ in DIRTY_LINES
        ]
    )
    # one good line twice: an exact duplicate, counted and collapsed
    lines = pd.concat([good, free, dirty, good.iloc[:1]], ignore_index=True)
    lines.to_csv(path, index=False)
    return lines


@pytest.fixture(scope="module")
def line_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("transaction_lines")
    project = copy_project(folder / "project")
    lines = write_log(folder / "log.csv")
    config = (
        "sources:\n"
        "  transactions:\n"
        f"    path: {folder / 'log.csv'}\n"
        "    columns: {customer_id: client, order_date: day, amount: total, quantity: qty,\n"
        "              product_id: item}\n"
        + quick_vars_block().replace("vars: {", "vars: {input_max_invalid_share: 0.3, ")
    )
    with input_build(project, config, folder / "build.duckdb") as connection:
        yield connection, lines


def test_every_bad_line_is_rejected_with_its_own_reason_and_text(line_build):
    connection, _ = line_build
    rejected = connection.sql(
        "select reason, raw_record from dq_rejected_rows where source_table = 'transactions'"
    ).fetchall()
    expected = sorted(
        (
            reason,
            json.dumps({"client": c, "day": d, "total": a, "qty": q, "item": "P1"}, sort_keys=True),
        )
        for c, d, a, q, reason in DIRTY_LINES
    )
    # an empty cell reads as null: the file's text, not a derived value
    actual = sorted(
        (reason, json.dumps({k: v or "" for k, v in json.loads(record).items()}, sort_keys=True))
        for reason, record in rejected
    )
    assert actual == expected


def test_good_lines_beside_a_bad_line_stay_and_revenue_is_exact(line_build):
    connection, lines = line_build
    good = lines.iloc[:GOOD_LINES].drop_duplicates()
    expected = good.assign(total=good["total"].map(Decimal)).groupby("client")["total"].sum()
    actual = dict(
        connection.sql(
            "select cast(customer_id as varchar), monetary from customer_rfm "
            f"where customer_id <> {FREE_CUSTOMER} and frequency > 0"
        ).fetchall()
    )
    assert {client: round(Decimal(value), 2) for client, value in actual.items()} == {
        client: value for client, value in expected.items()
    }
    # customers 7 and 8 have bad lines on 2024-02-10 and 02-11, their good lines on those dates
    # still make orders
    orders = connection.sql(
        "select customer_id, count(*) from stg_orders where customer_id in (7, 8) "
        "group by 1 order by 1"
    ).fetchall()
    expected_orders = good[good["client"].isin(["7", "8"])].groupby("client")["day"].nunique()
    assert orders == [(int(client), count) for client, count in expected_orders.items()]


def test_a_free_item_is_a_purchase_worth_nothing(line_build):
    connection, _ = line_build
    rfm = connection.sql(
        "select frequency, monetary, rfm_segment from customer_rfm "
        f"where customer_id = {FREE_CUSTOMER}"
    ).fetchall()
    assert rfm[0][:2] == (1, 0)
    assert rfm[0][2] != "No Orders"


def test_the_file_reconciles_line_by_line(line_build):
    connection, lines = line_build
    row = connection.sql(
        "select raw_rows, staged_rows, rejected_rows, exact_duplicates_removed, unaccounted_rows "
        "from dq_source_reconciliation where source_table = 'transactions'"
    ).fetchall()
    assert row == [(len(lines), GOOD_LINES + 1, len(DIRTY_LINES), 1, 0)]


def test_a_log_with_an_orders_file_beside_it_is_refused(tmp_path):
    project = copy_project(tmp_path / "project")
    log = tmp_path / "log.csv"
    log.write_text("client,day\n1,2024-01-01\n", encoding="utf-8")
    config = (
        f"sources:\n  transactions:\n    path: {log}\n"
        "    columns: {customer_id: client, order_date: day}\n"
        f"  orders: {{path: {log}}}\n"
    )
    result = build_with_input(project, config, tmp_path / "build.duckdb")
    assert result.returncode != 0
    assert "START sql" not in result.stdout
    assert "input_sources has both transactions and orders" in " ".join(result.stdout.split())
