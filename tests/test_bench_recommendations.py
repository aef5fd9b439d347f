"""The recommendation benchmark: generated data, one build, every model's compiled SQL timed."""

from __future__ import annotations

import json

import duckdb
import pytest

from customer_intelligence import bench_recommendations, cli


def test_parents_first_puts_every_model_after_the_models_it_reads():
    def node(*parents: str) -> dict:
        return {"depends_on": {"nodes": [f"model.customer_intelligence.{p}" for p in parents]}}

    nodes = {
        "stg": node(),
        "rules": node("stg"),
        "affinity": node("stg"),
        "offers": node("rules", "affinity", "stg"),
    }

    assert bench_recommendations.parents_first(["offers", "rules"], nodes) == [
        "stg",
        "rules",
        "affinity",
        "offers",
    ]


def test_materialize_views_turns_views_into_tables_with_the_same_rows(tmp_path):
    database = tmp_path / "views.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table numbers as select range as n from range(5)")
        connection.execute("create view evens as select n from numbers where n % 2 = 0")
        connection.execute("create view doubled as select 2 * n as n from evens")

    bench_recommendations.materialize_views(database, ["numbers", "evens", "doubled"])

    with duckdb.connect(str(database), read_only=True) as connection:
        views = connection.sql("select view_name from duckdb_views() where not internal")
        assert views.fetchall() == []
        assert connection.sql("select n from doubled order by n").fetchall() == [(0,), (4,), (8,)]


@pytest.mark.e2e
def test_bench_recommendations_command_times_every_model(tmp_path, capsys):
    output = tmp_path / "bench.json"
    arguments = ["--customers", "300", "--runs", "1", "--workdir", str(tmp_path)]

    assert cli.main(["bench-recommendations", *arguments, "--output", str(output)]) == 0

    printed = capsys.readouterr().out
    written = json.loads(output.read_text())
    assert written["customers"] == 300
    # the generator makes about 20 order lines per customer
    assert 3_000 < written["order_lines"] < 15_000
    assert list(written["models"]) == list(bench_recommendations.MODELS)
    for model, figures in written["models"].items():
        assert model in printed
        assert len(figures["runs"]) == 1
        assert figures["median_seconds"] > 0
        assert figures["median_peak_mb"] > 0
    # the work folder is emptied afterwards
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bench.json"]
