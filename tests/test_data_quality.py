"""Cleaning on a generated data set: every planted defect is found, nothing vanishes."""

from __future__ import annotations

import json

import pytest

from customer_intelligence.generate import ENTITIES

pytestmark = pytest.mark.e2e

# (source table, rejection reason) -> the planted kinds of dirt it must account for
REJECTIONS = {
    ("raw_customers", "duplicate_key_conflict"): [("customers", "conflicting_keys")],
    ("raw_products", "duplicate_key_conflict"): [("products", "conflicting_keys")],
    ("raw_orders", "duplicate_key_conflict"): [("orders", "conflicting_keys")],
    ("raw_orders", "future_ordered_at"): [("orders", "future_dates")],
    ("raw_orders", "unparseable_ordered_at"): [("orders", "unparseable_dates")],
    ("raw_orders", "unknown_customer"): [("orders", "unknown_customers")],
    ("raw_order_items", "non_positive_quantity"): [("order_items", "invalid_quantities")],
    ("raw_order_items", "negative_unit_price"): [("order_items", "invalid_unit_prices")],
    ("raw_order_items", "unknown_or_rejected_order"): [
        ("order_items", "of_unknown_customer_orders"),
        ("order_items", "of_future_orders"),
        ("order_items", "of_unparseable_orders"),
    ],
}


@pytest.fixture(scope="module")
def planted(generated_build):
    _, _, truth_dir = generated_build
    return json.loads((truth_dir / "planted.json").read_text())["dirt"]


def test_each_planted_defect_is_rejected_with_its_reason(generated_build, planted):
    connection, _, _ = generated_build
    rejected = dict(
        ((source, reason), rows)
        for source, reason, rows in connection.sql(
            "select source_table, reason, count(*) from dq_rejected_rows group by all"
        ).fetchall()
    )
    expected = {
        key: sum(planted[table][kind] for table, kind in kinds) for key, kinds in REJECTIONS.items()
    }
    assert {key: rejected.get(key, 0) for key in expected} == expected
    assert set(rejected) <= set(expected), "rows rejected for a reason nothing planted"


def test_exact_duplicates_are_counted_not_lost(generated_build, planted):
    connection, _, _ = generated_build
    removed = dict(
        connection.sql(
            "select source_table, exact_duplicates_removed from dq_source_reconciliation"
        ).fetchall()
    )
    for table in ("customers", "orders", "order_items", "email_events"):
        assert removed[f"raw_{table}"] == planted[table]["exact_duplicates"], table


def test_raw_rows_reconcile_for_every_source(generated_build):
    connection, _, _ = generated_build
    rows = connection.sql(
        "select source_table, raw_rows, staged_rows + rejected_rows + exact_duplicates_removed "
        "from dq_source_reconciliation"
    ).fetchall()
    # every table the generator writes, plus the two only own data fills (empty here)
    assert {source for source, _, _ in rows} == {
        f"raw_{entity}" for entity in (*ENTITIES, "customer_features", "campaign_responses")
    }
    assert all(raw == accounted for _, raw, accounted in rows)


def test_messy_emails_are_cleaned_and_invalid_ones_kept_but_not_contactable(
    generated_build, planted
):
    connection, _, _ = generated_build
    invalid, messy_left, contactable_invalid, missing_income = connection.sql(
        "select count(*) filter (where not is_email_valid), "
        "count(*) filter (where email <> lower(trim(email))), "
        "count(*) filter (where not is_email_valid and is_contactable), "
        "count(*) filter (where income is null) from dim_customers"
    ).fetchall()[0]
    assert invalid == planted["customers"]["invalid_emails"]
    assert messy_left == 0
    assert contactable_invalid == 0
    assert missing_income == planted["customers"]["missing_income"]


def test_planted_outlier_orders_are_flagged_not_dropped(generated_build, planted):
    connection, _, _ = generated_build
    outliers, flagged, flagged_outliers = connection.sql(
        "with planted as (select distinct order_id from stg_order_items where quantity >= 200) "
        "select (select count(*) from planted), "
        "count(*) filter (where is_outlier), "
        "count(*) filter (where is_outlier and order_id in (select order_id from planted)) "
        "from int_orders_totalled"
    ).fetchall()[0]
    assert outliers == planted["orders"]["outlier_orders"]
    assert flagged_outliers == outliers
    # the fence is far out: hardly any ordinary order crosses it
    assert flagged - flagged_outliers <= max(2, outliers)
