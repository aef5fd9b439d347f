"""The pipeline benchmark: generated Parquet data, the full build through an input config, figures.

Small sizes only: these tests prove the command works, they time nothing.
"""

from __future__ import annotations

import json
import os

import pyarrow.parquet as pq

from conftest import copy_project
from customer_intelligence import cli
from customer_intelligence.bench import build as bench
from customer_intelligence.generate import ENTITIES
from customer_intelligence.input_config import load_input_config


def test_a_data_set_of_the_same_size_and_seed_is_reused(tmp_path):
    assert bench.ensure_dataset(tmp_path, customers=40, seed=1) is True
    written = (tmp_path / "raw_orders.parquet").stat().st_mtime_ns

    assert bench.ensure_dataset(tmp_path, customers=40, seed=1) is False
    assert (tmp_path / "raw_orders.parquet").stat().st_mtime_ns == written
    assert bench.ensure_dataset(tmp_path, customers=50, seed=1) is True
    assert bench.row_counts(tmp_path)["customers"] >= 50


def test_a_data_set_missing_a_file_is_generated_again(tmp_path):
    bench.ensure_dataset(tmp_path, customers=40, seed=1)
    (tmp_path / "raw_web_sessions.parquet").unlink()

    assert bench.ensure_dataset(tmp_path, customers=40, seed=1) is True
    assert (tmp_path / "raw_web_sessions.parquet").is_file()


def test_the_input_config_maps_every_entity_to_its_parquet_file(tmp_path):
    config = bench.write_input_config(tmp_path)

    sources = load_input_config(config)["input_sources"]

    assert sorted(sources) == sorted(ENTITIES)
    assert sources["order_items"]["path"] == str(tmp_path / "raw_order_items.parquet")


def test_the_transactions_config_gives_every_order_line_as_one_log(tmp_path):
    bench.ensure_dataset(tmp_path, customers=40, seed=1)
    config = bench.write_input_config(tmp_path, "transactions")

    sources = load_input_config(config)["input_sources"]

    assert list(sources) == ["transactions"]
    log = pq.read_table(sources["transactions"]["path"])
    items = pq.read_table(tmp_path / "raw_order_items.parquet")
    orders = pq.read_table(tmp_path / "raw_orders.parquet").to_pandas()
    # an order line whose order id appears on n order rows is n lines of the log
    copies = orders["order_id"].value_counts()
    expected = int(items.to_pandas()["order_id"].map(copies).fillna(0).sum())
    assert log.num_rows == expected
    assert log.column_names == [
        "customer_id", "order_id", "order_date", "product_id", "product_name", "category",
        "quantity", "unit_price", "channel",
    ]  # fmt: skip


def test_bench_builds_generated_data_and_writes_its_figures(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(copy_project(tmp_path / "project"))
    monkeypatch.setenv("DUCKDB_THREADS", "1")
    output = tmp_path / "x.json"

    status = cli.main(
        ["bench", "--customers", "300", "--runs", "1", "--output", str(output)]
        + ["--data-dir", str(tmp_path / "data")]
    )

    assert status == 0
    result = json.loads(output.read_text())
    assert result["customers"] == 300
    assert result["runs"] == 1
    # the generator's volumes: about 24 order lines and 6 email events per customer
    assert 10 * 300 < result["order_lines"] < 40 * 300
    assert 2 * 300 < result["email_events"] < 20 * 300
    assert len(result["build_seconds_runs"]) == 1
    assert result["build_seconds"] == result["build_seconds_runs"][0] > 0
    # the dbt process imports pandas, scikit-learn and DuckDB: tens of MB at least
    assert 50 < result["peak_rss_mb"] < 24_000
    assert {"dim_customers", "customer_rfm", "segment_centroids"} <= set(result["model_seconds"])
    assert all(seconds >= 0 for seconds in result["model_seconds"].values())
    # figures are only comparable with the cores and settings they were measured with
    assert result["cpu_count"] == os.cpu_count()
    assert result["settings"]["DUCKDB_THREADS"] == "1"
    printed = capsys.readouterr().out
    assert "slowest models" in printed and "DUCKDB_THREADS=1" in printed
    # the project's own target folder is left alone
    assert not (tmp_path / "project" / "target" / "run_results.json").exists()


def test_a_failing_build_is_reported_with_the_end_of_its_log(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    # a model that cannot compile makes dbt exit with an error
    (project / "models" / "broken.sql").write_text("select * from {{ ref('no_such_model') }}\n")
    monkeypatch.chdir(project)
    data = tmp_path / "data"

    status = cli.main(["bench", "--customers", "40", "--runs", "1", "--data-dir", str(data)])

    assert status == 1
    error = capsys.readouterr().err
    assert "build 1 exited with" in error
    assert "no_such_model" in error
    assert not (data / "build_1.json").exists()


def test_bench_only_clv_fits_each_size_and_other_parts_take_one(tmp_path, capsys):
    output = tmp_path / "clv.json"
    arguments = ["--customers", "300", "600", "--runs", "1", "--output", str(output)]

    assert cli.main(["bench", "--only", "clv", *arguments]) == 0
    assert cli.main(["bench", "--customers", "300", "600"]) == 2

    written = json.loads(output.read_text())
    assert list(written["sizes"]) == ["300", "600"]
    assert all(size["median_seconds"] > 0 for size in written["sizes"].values())
    assert "--customers takes one size except with --only clv" in capsys.readouterr().err
