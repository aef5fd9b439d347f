"""`customer-intel bench --only segmentation`: resampled input, the model's own SQL, each stage."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from sklearn.datasets import make_blobs

from customer_intelligence import cli, segmentation
from customer_intelligence.bench import segmentation as bench_segmentation

REPO = Path(__file__).resolve().parents[1]


def feature_table(rows: int = 300) -> pa.Table:
    """Positive blobs in every default feature column, with nulls in one of them."""
    features = segmentation.DEFAULT_FEATURES
    matrix, _ = make_blobs(n_samples=rows, n_features=len(features), centers=4, random_state=3)
    columns = {"customer_id": pa.array(np.arange(rows, dtype=np.int64))}
    for position, name in enumerate(features):
        columns[name] = pa.array(np.abs(matrix[:, position]))
    columns["income"] = pa.array(np.abs(matrix[:, 3]), mask=np.arange(rows) % 10 == 0)
    columns["household_size"] = pa.array(np.arange(rows) % 5 + 1, type=pa.int32())
    return pa.table(columns)


def test_resample_features_draws_rows_and_only_jitters_fractional_values():
    source = feature_table(rows=50)

    resampled = bench_segmentation.resample_features(source, customers=400, seed=1)

    assert resampled.schema == source.schema
    assert resampled.column("customer_id").to_pylist() == list(range(1, 401))
    assert set(resampled.column("household_size").to_pylist()) <= {1, 2, 3, 4, 5}
    income = resampled.column("income").to_numpy(zero_copy_only=False)
    assert 0 < np.isnan(income).sum() < 400
    # every noisy value stays within a few percent of some source value
    original = source.column("monetary").to_numpy()
    noisy = resampled.column("monetary").to_numpy()
    relative = np.abs(noisy[:, None] / original[None, :] - 1).min(axis=1)
    assert relative.max() < 0.15
    assert not np.isin(noisy, original).all()


def test_benchmark_sql_is_the_assignment_model_and_matches_assign_nearest():
    table = feature_table()
    matrix, preprocessing = segmentation.prepare_features(table)
    centroids = segmentation.fit_centroids(table, preprocessing, k=4)
    segment_ids, scaled = segmentation.centroids_from_table(centroids, preprocessing)
    expected = dict(
        zip(
            table.column("customer_id").to_pylist(),
            segment_ids[segmentation.assign_nearest(matrix, scaled)],
            strict=True,
        )
    )

    with duckdb.connect() as connection:
        connection.register("int_customer_segmentation_features", table)
        connection.register("segment_preprocessing", preprocessing)
        connection.register("segment_centroids", centroids)
        sql = bench_segmentation.model_sql(REPO, bench_segmentation.ASSIGNMENT_MODEL, connection)
        assigned = dict(connection.sql(f"select customer_id, segment_id from ({sql})").fetchall())

    assert "{{" not in sql
    assert assigned == expected


def test_bench_only_segmentation_prints_and_writes_every_stage(tmp_path, capsys):
    database, output = tmp_path / "source.duckdb", tmp_path / "bench.json"
    with duckdb.connect(str(database)) as connection:
        connection.register("source", feature_table())
        connection.execute("create table int_customer_segmentation_features as from source")

    arguments = ["--customers", "2000", "--runs", "1", "--database", str(database)]
    assert cli.main(["bench", "--only", "segmentation", *arguments, "--output", str(output)]) == 0

    printed = capsys.readouterr().out
    written = json.loads(output.read_text())
    assert written["customers"] == 2000
    assert list(written["stages"]) == ["selection", "fit", "sql_assignment"]
    for stage, figures in written["stages"].items():
        assert stage in printed
        assert figures["median_seconds"] > 0
        assert figures["median_peak_mb"] > 0
