"""The segment snapshot records each customer's moves; fct_segment_transitions counts them."""

from __future__ import annotations

from collections import Counter

import duckdb
import pytest

pytestmark = pytest.mark.e2e


def transitions(database, segmentation):
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            "select from_segment, to_segment, valid_from, customers"
            " from fct_segment_transitions where segmentation = ?",
            [segmentation],
        ).fetchall()


def snapshot_runs(database):
    with duckdb.connect(str(database), read_only=True) as connection:
        return [
            row[0]
            for row in connection.sql(
                "select distinct dbt_valid_from from customer_segment_history order by 1"
            ).fetchall()
        ]


def moves(before, after):
    """Independent count of (from, to) moves between two builds' segment per customer."""
    return Counter(
        (before[customer], segment)
        for customer, segment in after.items()
        if customer in before and before[customer] != segment
    )


@pytest.mark.parametrize("segmentation", ["rfm", "kmeans"])
def test_transitions_equal_the_moves_between_two_builds(two_builds, segmentation):
    _, database, first, second = two_builds
    expected = moves(first[segmentation], second[segmentation])
    rows = transitions(database, segmentation)

    assert {(from_, to): customers for from_, to, _, customers in rows} == expected
    if segmentation == "rfm":
        # the earlier as-of date must really move customers, or this test proves nothing
        assert sum(expected.values()) > 0


def test_moves_are_dated_by_the_second_snapshot_run(two_builds):
    _, database, _, _ = two_builds
    first_run, second_run = snapshot_runs(database)
    rows = transitions(database, "rfm") + transitions(database, "kmeans")

    assert first_run < second_run
    assert {valid_from for _, _, valid_from, _ in rows} == {second_run}


def test_the_snapshot_keeps_one_current_version_per_customer(two_builds):
    _, database, first, second = two_builds
    with duckdb.connect(str(database), read_only=True) as connection:
        versions, current, customers = connection.sql(
            "select count(*), count(*) filter (where dbt_valid_to is null),"
            " count(distinct customer_id) from customer_segment_history"
        ).fetchall()[0]
    # a new version starts when any snapshotted column changes (k-means id, name or RFM segment)
    changed = {
        customer
        for customer in second["rfm"]
        if any(first[key][customer] != second[key][customer] for key in first if key != "exports")
    }

    assert current == customers == len(second["rfm"])
    assert versions == customers + len(changed)
