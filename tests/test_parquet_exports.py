"""Every mart is published as Parquet under EXPORT_DIR/marts, whole and with its columns."""

from __future__ import annotations

import json

import duckdb
import pytest

pytestmark = pytest.mark.e2e

BI_MARTS = {
    "dim_customers",
    "customer_rfm",
    "customer_segments",
    "segment_profiles",
    "fct_campaign_kpis",
    "fct_ab_test_results",
    "fct_segment_transitions",
}


def marts(project):
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    return {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }


def shape(connection, relation):
    columns = [row[0] for row in connection.sql(f"describe select * from {relation}").fetchall()]
    rows = connection.sql(f"select count(*) from {relation}").fetchall()[0][0]
    return columns, rows


def test_every_mart_has_a_parquet_file_with_its_rows_and_columns(two_builds):
    project, database, _, _ = two_builds
    folder = project / "exports" / "marts"

    assert marts(project) >= BI_MARTS
    assert {path.stem for path in folder.glob("*.parquet")} == marts(project)
    with duckdb.connect(str(database), read_only=True) as connection:
        for mart in sorted(marts(project)):
            parquet = f"read_parquet('{folder / f'{mart}.parquet'}')"
            assert shape(connection, parquet) == shape(connection, mart), mart


def test_an_empty_mart_gives_a_header_only_parquet_file(two_builds):
    # on the first build the snapshot has one version per customer, so no one has moved yet
    _, database, first, _ = two_builds
    path = first["exports"] / "marts" / "fct_segment_transitions.parquet"
    with duckdb.connect(str(database), read_only=True) as connection:
        columns, rows = shape(connection, f"read_parquet('{path}')")
        expected_columns, _ = shape(connection, "fct_segment_transitions")

    assert rows == 0
    assert columns == expected_columns


def test_no_temporary_files_remain(two_builds):
    project, _, first, _ = two_builds

    assert list((project / "exports").rglob("*.tmp")) == []
    assert list(first["exports"].rglob("*.tmp")) == []
