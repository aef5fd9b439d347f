"""`customer-intel bench --only recommendations`: generated data, one build, each model timed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from customer_intelligence import cli
from customer_intelligence.bench import recommendations as bench_recommendations

REPO = Path(__file__).resolve().parents[1]


def test_copied_project_builds_staging_and_intermediate_models_as_tables(tmp_path):
    copy = bench_recommendations.copy_project(REPO, tmp_path / "project")

    settings = yaml.safe_load((copy / "dbt_project.yml").read_text())["models"]
    layers = settings["customer_intelligence"]
    assert layers["staging"]["+materialized"] == "table"
    assert layers["intermediate"]["+materialized"] == "table"
    assert layers["marts"]["+materialized"] == "table"
    original = yaml.safe_load((REPO / "dbt_project.yml").read_text())
    assert yaml.safe_load((copy / "dbt_project.yml").read_text())["vars"] == original["vars"]
    assert (copy / "models" / "marts" / "recommendations" / "basket_rules.sql").is_file()
    assert (copy / "seeds" / "raw_order_items.csv").is_file()


@pytest.mark.e2e
def test_bench_only_recommendations_times_every_model(tmp_path, capsys):
    output = tmp_path / "bench.json"
    arguments = ["--customers", "300", "--runs", "1", "--data-dir", str(tmp_path)]

    assert (
        cli.main(["bench", "--only", "recommendations", *arguments, "--output", str(output)]) == 0
    )

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
