"""The dbt Semantic Layer (models/semantic): `mf query` gives the numbers the marts give.

mf queries the database `make test`'s dbt build has just made (DUCKDB_PATH, default
customer_intelligence.duckdb in the repository), so these tests add no build of their own.
"""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import DBT, REPO

MF = Path(sys.executable).with_name("mf")
RATIO_METRICS = (
    "bounce_rate",
    "open_rate",
    "open_rate_including_machine_opens",
    "click_through_rate",
    "click_to_open_rate",
    "conversion_rate",
    "unsubscribe_rate",
    "forward_rate",
    "roi",
)


def _relative_close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)


@pytest.fixture(scope="module")
def built_database() -> Path:
    """The repository's built database, with target/semantic_manifest.json up to date."""
    if not MF.exists():
        pytest.skip(f"mf (dbt-metricflow) is not installed next to {sys.executable}")
    database = Path(os.environ.get("DUCKDB_PATH", "customer_intelligence.duckdb"))
    database = database if database.is_absolute() else REPO / database
    if not database.exists():
        pytest.skip(f"no built database at {database}: `make test` or `dbt build` makes it")
    with duckdb.connect(str(database), read_only=True) as connection:
        listed = connection.sql("select table_name from duckdb_tables()").fetchall()
    tables = {name for (name,) in listed}
    if not {"fct_campaign_kpis", "metricflow_time_spine"} <= tables:
        pytest.skip(f"{database} is not a full build of this project: run `dbt build` first")
    manifest = REPO / "target" / "semantic_manifest.json"
    semantic_files = (REPO / "models" / "semantic").iterdir()
    if not manifest.exists() or any(
        path.stat().st_mtime > manifest.stat().st_mtime for path in semantic_files
    ):
        # mf never parses: a YAML edit since the last dbt command would leave it a stale manifest
        parse = subprocess.run(
            [DBT, "parse", "--project-dir", str(REPO), "--profiles-dir", str(REPO)],
            cwd=REPO,
            env={**os.environ, "DUCKDB_PATH": str(database)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert parse.returncode == 0, parse.stdout[-4000:]
    return database


def mf_query(database: Path, tmp_path: Path, *arguments: str) -> list[dict[str, float | str]]:
    """Runs `mf query` in the repository; its CSV rows, numbers as floats, empty cells as None."""
    out = tmp_path / "mf.csv"
    result = subprocess.run(
        [str(MF), "query", *arguments, "--csv", str(out), "--quiet"],
        cwd=REPO,
        env={**os.environ, "DUCKDB_PATH": str(database)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and out.exists(), result.stdout[-4000:] + result.stderr[-4000:]
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))

    def value(text: str) -> float | str | None:
        if text == "":
            return None
        try:
            return float(text)
        except ValueError:
            return text

    return [{column: value(text) for column, text in row.items()} for row in rows]


def test_every_ratio_metric_by_campaign_equals_fct_campaign_kpis(built_database, tmp_path):
    rows = mf_query(
        built_database, tmp_path, "--metrics", ",".join(RATIO_METRICS), "--group-by", "campaign"
    )
    by_campaign = {int(row["campaign"]): row for row in rows}
    with duckdb.connect(str(built_database), read_only=True) as connection:
        expected = connection.sql(
            f"select campaign_id, {', '.join(RATIO_METRICS)} from fct_campaign_kpis"
        ).fetchall()

    assert expected, "fct_campaign_kpis is empty: nothing to compare"
    mismatches = []
    for campaign_id, *kpis in expected:
        # mf has no row for a campaign none of whose metrics has a value
        row = by_campaign.pop(campaign_id, dict.fromkeys(RATIO_METRICS))
        for metric, kpi in zip(RATIO_METRICS, kpis, strict=True):
            if not _relative_close(row[metric], kpi):
                mismatches.append((campaign_id, metric, row[metric], kpi))
    assert mismatches == []
    assert by_campaign == {}, "mf reports campaigns that fct_campaign_kpis does not have"


def test_open_counts_by_campaign_equal_fct_campaign_kpis(built_database, tmp_path):
    metrics = ("unique_opens", "machine_opens")
    rows = mf_query(
        built_database, tmp_path, "--metrics", ",".join(metrics), "--group-by", "campaign"
    )
    actual = {int(row["campaign"]): tuple(row[metric] for metric in metrics) for row in rows}
    with duckdb.connect(str(built_database), read_only=True) as connection:
        expected = connection.sql(
            "select campaign_id, unique_opens, machine_opens from fct_campaign_kpis where sent > 0"
        ).fetchall()
    assert expected and any(machine_opens > 0 for _, _, machine_opens in expected)
    assert actual == {
        campaign_id: (float(opens), float(machine)) for campaign_id, opens, machine in expected
    }


def test_campaign_rates_by_rfm_segment_pool_the_segment_mart_over_campaigns(
    built_database, tmp_path
):
    metrics = ("open_rate", "conversion_rate", "unsubscribe_rate")
    rows = mf_query(
        built_database,
        tmp_path,
        "--metrics",
        ",".join(metrics),
        "--group-by",
        "customer__rfm_segment",
    )
    actual = {row["customer__rfm_segment"] or "Unknown": row for row in rows}
    with duckdb.connect(str(built_database), read_only=True) as connection:
        expected = connection.sql(
            """
            select
                rfm_segment,
                sum(unique_opens) / nullif(sum(delivered), 0),
                sum(conversions) / nullif(sum(delivered), 0),
                sum(unsubscribes) / nullif(sum(delivered), 0)
            from fct_campaign_kpis_by_rfm_segment
            group by rfm_segment
            """
        ).fetchall()

    assert len(expected) > 1
    assert set(actual) == {segment for segment, *_ in expected}
    for segment, *rates in expected:
        for metric, rate in zip(metrics, rates, strict=True):
            assert _relative_close(actual[segment][metric], rate), (segment, metric)


def test_customer_metrics_equal_dim_customers(built_database, tmp_path):
    metrics = (
        "customers",
        "revenue",
        "orders",
        "active_customers",
        "average_order_value",
        "revenue_per_customer",
    )
    [row] = mf_query(built_database, tmp_path, "--metrics", ",".join(metrics))
    with duckdb.connect(str(built_database), read_only=True) as connection:
        [expected] = connection.sql(
            """
            select
                count(*),
                sum(total_spend),
                sum(order_count),
                count(*) filter (where order_count > 0),
                sum(total_spend) / sum(order_count),
                sum(total_spend) / count(*) filter (where order_count > 0)
            from dim_customers
            """
        ).fetchall()

    for metric, value in zip(metrics, expected, strict=True):
        assert math.isclose(row[metric], value, rel_tol=1e-9), metric
