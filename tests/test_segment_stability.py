"""A rebuild refits k-means from the previous centroids: a small change in the data moves few
customers, a real change in one persona moves that persona, and the registry says which start."""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import WITHOUT_UNIT_TESTS, copy_project, run_dbt
from segment_moves import change_customers, count_moves, pick_customers, read_csv, write_csv
from test_segmentation_registry import registry

pytestmark = pytest.mark.e2e

SEGMENTS = ("--select", "+customer_segment_memberships", "+segmentation_model_registry")
# only tests whose every parent is built (relationship tests reach outside the selection)
CAUTIOUS = ("--indirect-selection", "cautious")


def built_database(generated_build):
    connection = generated_build[0]
    return connection.sql("select path from duckdb_databases() where not internal").fetchall()[0][0]


def rebuild(generated_build, raw_dir, workdir):
    """generated_build's database copied and rebuilt on raw_dir; returns the copy's path."""
    workdir.mkdir()
    database = workdir / "build.duckdb"  # same file name: views name their catalog
    shutil.copy2(built_database(generated_build), database)
    build(raw_dir, workdir, database)
    return database


def build(raw_dir, workdir, database):
    project = copy_project(workdir / "project", raw_dir)
    result = run_dbt(project, "build", *SEGMENTS, *CAUTIOUS, *WITHOUT_UNIT_TESTS, database=database)
    assert result.returncode == 0, result.stdout[-4000:]


def memberships(database):
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            customer: (segment, rfm)
            for customer, segment, rfm in connection.sql(
                "select customer_id, kmeans_segment_id, rfm_segment"
                " from customer_segment_memberships"
            ).fetchall()
        }


def persona_agreement(database, truth_dir):
    segments = pd.DataFrame(
        [(customer, segment) for customer, (segment, _) in memberships(database).items()],
        columns=["customer_id", "segment_id"],
    )
    personas = pd.read_csv(truth_dir / "personas.csv")
    joined = segments.merge(personas, on="customer_id", validate="one_to_one")
    return adjusted_rand_score(joined["persona"], joined["segment_id"])


def test_removing_half_a_percent_of_customers_moves_at_most_one_percent(generated_build, tmp_path):
    _, raw_dir, truth_dir = generated_build
    before = memberships(built_database(generated_build))
    removed, _ = pick_customers(raw_dir, removed=len(before) // 200, renamed=0)
    changed = change_customers(raw_dir, tmp_path / "raw", removed, {})

    refitted = rebuild(generated_build, changed, tmp_path / "refit")
    fresh = tmp_path / "fresh" / "build.duckdb"
    fresh.parent.mkdir()
    build(changed, tmp_path / "fresh", fresh)

    moves = count_moves(before, memberships(refitted), {})
    assert moves["customers"] == len(before) - len(removed) and len(removed) >= 3
    assert moves["kmeans_moved"] <= 0.01 * moves["customers"]
    assert persona_agreement(refitted, truth_dir) >= persona_agreement(fresh, truth_dir)
    # rows: model_version, trained_at, k, fit_start, customers_moved
    first, second = registry(refitted)
    assert first[3:] == ("fresh", None)
    assert second[3] == "previous" and second[4] <= 0.01 * moves["customers"]


def test_a_persona_that_really_changes_its_spend_moves_and_gets_a_new_version(
    generated_build, tmp_path
):
    """Budget Buyers start buying wine and gold by the case, as High Spenders do."""
    _, raw_dir, truth_dir = generated_build
    personas = pd.read_csv(truth_dir / "personas.csv")
    budget_buyers = set(personas.loc[personas["persona"] == "Budget Buyers", "customer_id"])
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw)
    _, products = read_csv(raw / "raw_products.csv")
    luxury = [product for product in products if product["category"] in ("wine", "gold")]
    their_orders = {
        order["order_id"]
        for order in read_csv(raw / "raw_orders.csv")[1]
        if order["customer_id"].isdigit() and int(order["customer_id"]) in budget_buyers
    }
    header, items = read_csv(raw / "raw_order_items.csv")
    choices = np.random.default_rng(29).integers(0, len(luxury), size=len(items))
    for item, choice in zip(items, choices, strict=True):
        if item["order_id"] in their_orders:
            product = luxury[choice]
            item.update(product_id=product["product_id"], quantity="3", unit_price=product["price"])
    write_csv(raw / "raw_order_items.csv", header, items)
    before = memberships(built_database(generated_build))

    refitted = rebuild(generated_build, raw, tmp_path / "refit")

    after = memberships(refitted)
    stayed = budget_buyers & before.keys()
    moved = {customer for customer in stayed if before[customer][0] != after[customer][0]}
    versions = registry(refitted)
    assert len(moved) >= 0.9 * len(stayed) > 0
    assert len(versions) == 2 and versions[0][0] != versions[1][0]
    assert versions[1][4] > 0
