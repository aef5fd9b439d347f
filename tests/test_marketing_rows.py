"""A marketing_campaign file is staged row by row: a row whose orders cannot be made is rejected
whole with its reason, any other unusable field is kept empty, and spend without purchase counts
is kept."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import copy_project, input_build, quick_vars_block
from test_own_data import write_marketing_campaign

pytestmark = pytest.mark.e2e

# row position -> (column, value, reason or None when the row is kept with the field empty)
DIRT = {
    0: ("Recency", "n/a", "unparseable_recency"),
    1: ("Recency", "-3", "unparseable_recency"),
    2: ("MntWines", "abc", "unparseable_spend"),
    3: ("NumWebPurchases", "many", "unparseable_purchase_count"),
    4: ("ID", "", "missing_customer_id"),
    5: ("Income", "unknown", None),
    6: ("Year_Birth", "19x5", None),
}
SPEND_ONLY_ROWS = (10, 11)


@pytest.fixture(scope="module")
def marketing_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("marketing_rows")
    project = copy_project(folder / "project")
    frame = write_marketing_campaign(folder / "clean.csv", customers=120).astype(object)
    for row, (column, value, _) in DIRT.items():
        frame.loc[row, column] = value
    for row in SPEND_ONLY_ROWS:
        frame.loc[row, ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]] = "0"
    # one exact duplicate row and one row that repeats an ID with other values
    conflict = frame.iloc[[20]].assign(Recency="99")
    frame = pd.concat([frame, frame.iloc[[30]], conflict], ignore_index=True)
    path = folder / "marketing_campaign.csv"
    frame.to_csv(path, sep="\t", index=False)
    config = f"sources:\n  marketing_campaign: {{path: {path}}}\n" + quick_vars_block()
    with input_build(project, config, folder / "build.duckdb") as connection:
        yield connection, frame


def test_a_row_whose_orders_cannot_be_made_is_rejected_whole(marketing_build):
    connection, frame = marketing_build
    rejected = connection.sql(
        "select reason, json_extract_string(raw_record, '$.ID') from dq_rejected_rows "
        "where source_table = 'marketing_campaign' and reason <> 'duplicate_key_conflict'"
    ).fetchall()
    expected = [
        (reason, str(frame.loc[row, "ID"]) or None)
        for row, (_, _, reason) in DIRT.items()
        if reason
    ]
    assert sorted(rejected, key=str) == sorted(expected, key=str)
    rejected_ids = [int(frame.loc[row, "ID"]) for row, (c, _, r) in DIRT.items() if r and c != "ID"]
    id_list = ", ".join(map(str, rejected_ids))
    for table in ("stg_customers", "stg_orders"):
        staged = connection.sql(
            f"select count(*) from {table} where customer_id in ({id_list})"
        ).fetchall()
        assert staged == [(0,)], table


def test_an_unusable_field_elsewhere_is_kept_empty(marketing_build):
    connection, frame = marketing_build
    kept = connection.sql(
        "select customer_id, income, birth_year from stg_customers "
        f"where customer_id in ({frame.loc[5, 'ID']}, {frame.loc[6, 'ID']}) order by customer_id"
    ).fetchall()
    by_id = {customer: (income, birth_year) for customer, income, birth_year in kept}
    assert by_id[frame.loc[5, "ID"]][0] is None
    assert by_id[frame.loc[6, "ID"]][1] is None
    assert by_id[frame.loc[5, "ID"]][1] == frame.loc[5, "Year_Birth"]


def test_spend_without_purchase_counts_is_one_purchase_holding_the_spend(marketing_build):
    connection, frame = marketing_build
    spend_columns = [c for c in frame.columns if c.startswith("Mnt")]
    for row in SPEND_ONLY_ROWS:
        customer = frame.loc[row, "ID"]
        rfm = connection.sql(
            f"select frequency, monetary from customer_rfm where customer_id = {customer}"
        ).fetchall()
        spend = frame.loc[row, spend_columns].astype(float).sum()
        assert rfm == [(1, pytest.approx(spend))]
        wine = connection.sql(
            f"select spend_wine from dim_customers where customer_id = {customer}"
        ).fetchall()
        assert wine == [(pytest.approx(float(frame.loc[row, "MntWines"])),)]


def test_the_file_reconciles_row_by_row(marketing_build):
    connection, frame = marketing_build
    rejected = sum(1 for _, _, reason in DIRT.values() if reason) + 1  # + the ID conflict
    row = connection.sql(
        "select raw_rows, staged_rows, rejected_rows, exact_duplicates_removed, unaccounted_rows "
        "from dq_source_reconciliation where source_table = 'marketing_campaign'"
    ).fetchall()
    assert row == [(len(frame), len(frame) - 1 - rejected, rejected, 1, 0)]
    conflicts = connection.sql(
        "select count(*) from dq_rejected_rows where source_table = 'marketing_campaign' "
        "and reason = 'duplicate_key_conflict'"
    ).fetchall()
    assert conflicts == [(1,)]
