"""Benchmark of the segmentation at scale: seconds and peak memory of selection, fit and SQL.

A feature table of any size is made by resampling, with replacement, the rows of a real
``int_customer_segmentation_features`` and adding small seeded noise to its fractional columns,
so it keeps the real data's shape and nulls. Every stage then runs ``runs`` times, each time in
a fresh Python process, so its peak memory (the process's maximum resident set size, imports
included) is its own:

1. selection: ``prepare_features`` + ``select_k`` with the project's default vars;
2. fit: ``fit_centroids`` at the chosen k on the default fit sample;
3. SQL assignment: the model ``int_customer_segment_assignments``, its Jinja rendered with
   ``ref(name)`` = ``name`` and its feature list read from the preprocessing table, run by
   DuckDB over tables of those names holding all rows.

Seconds cover the stage's work, not loading its input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import duckdb
import jinja2
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from customer_intelligence import segmentation
from customer_intelligence.bench import medians, peak_rss_mb, print_steps, timed_child

STAGES = ("selection", "fit", "sql_assignment")
ASSIGNMENT_MODEL = Path("models/intermediate/segments/int_customer_segment_assignments.sql")
# Defaults of dbt_project.yml's segmentation_* vars.
K_RANGE = range(2, 11)
BOOTSTRAP_RUNS = 5
# Relative noise on fractional values: resampled rows stop being exact copies of each other.
NOISE = 0.02


def resample_features(source: pa.Table, customers: int, seed: int = 0) -> pa.Table:
    """``customers`` rows drawn with replacement from ``source``, ids 1..customers.

    Floating-point columns are multiplied by exp(N(0, NOISE)), which keeps signs, zeros and
    nulls; integer columns (counts, days, ages) are copied as drawn.
    """
    rng = np.random.default_rng(seed)
    draw = pa.array(rng.integers(0, source.num_rows, size=customers))
    sample = source.take(draw)
    columns = {"customer_id": pa.array(np.arange(1, customers + 1, dtype=np.int64))}
    for name in sample.column_names:
        if name == "customer_id":
            continue
        column = sample.column(name)
        if pa.types.is_floating(column.type):
            values = column.to_numpy(zero_copy_only=False)
            noisy = values * np.exp(rng.normal(0.0, NOISE, size=customers))
            column = pa.array(noisy, mask=np.isnan(values))
        columns[name] = column
    return pa.table(columns)


def _sql_literal(value: object) -> str:
    """macros/config/quoting.sql's sql_literal on DuckDB."""
    return "'" + str(value).replace("'", "''") + "'"


def _sql_identifier(name: object) -> str:
    """macros/config/quoting.sql's sql_identifier on DuckDB."""
    return '"' + str(name).replace('"', '""') + '"'


def model_sql(project: Path, model: Path, connection: duckdb.DuckDBPyConnection) -> str:
    """A model's SQL with each ref() replaced by the bare model name, as dbt renders it when it
    runs: run_query() asks ``connection``, which holds tables of the referenced names."""

    def run_query(sql: str) -> SimpleNamespace:
        result = connection.sql(sql)
        rows = result.fetchall()
        return SimpleNamespace(
            columns=[
                SimpleNamespace(values=lambda index=index: [row[index] for row in rows])
                for index in range(len(result.columns))
            ]
        )

    template = (project / model).read_text()
    return jinja2.Template(template).render(
        ref=lambda name: name,
        execute=True,
        load_relation=lambda relation: relation,
        run_query=run_query,
        sql_literal=_sql_literal,
        sql_identifier=_sql_identifier,
        type_double=lambda: "double",
    )


def run_stage(stage: str, workdir: Path, project: Path) -> dict[str, float]:
    """One stage on the files in ``workdir`` (what earlier stages wrote); seconds and peak MB."""
    # the SQL stage reads the features in DuckDB only, so they do not count in its peak twice
    if stage == "selection":
        features = pq.read_table(workdir / "features.parquet")
        started = time.perf_counter()
        matrix, preprocessing = segmentation.prepare_features(features)
        selection = segmentation.select_k(matrix, K_RANGE, bootstrap_runs=BOOTSTRAP_RUNS)
        seconds = time.perf_counter() - started
        preprocessing.to_parquet(workdir / "preprocessing.parquet")
        selection.to_parquet(workdir / "selection.parquet")
    elif stage == "fit":
        features = pq.read_table(workdir / "features.parquet")
        preprocessing = pq.read_table(workdir / "preprocessing.parquet").to_pandas()
        k = segmentation.chosen_k(pq.read_table(workdir / "selection.parquet"))
        started = time.perf_counter()
        centroids = segmentation.fit_centroids(features, preprocessing, k)
        seconds = time.perf_counter() - started
        centroids.to_parquet(workdir / "centroids.parquet")
    else:
        with duckdb.connect() as connection:
            for table, file in (
                ("int_customer_segmentation_features", "features"),
                ("segment_preprocessing", "preprocessing"),
                ("segment_centroids", "centroids"),
            ):
                path = str(workdir / f"{file}.parquet")
                connection.execute(f"create table {table} as select * from read_parquet('{path}')")
            sql = model_sql(project, ASSIGNMENT_MODEL, connection)
            started = time.perf_counter()
            connection.execute(f"create table assignments as {sql}")
            seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": peak_rss_mb()}


def benchmark(
    source: pa.Table, customers: int, runs: int, project: Path, seed: int = 0
) -> dict[str, object]:
    """Median seconds and peak MB over ``runs`` fresh processes per stage, and every run."""
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        pq.write_table(resample_features(source, customers, seed), workdir / "features.parquet")
        stages = {
            stage: medians(
                [timed_child(__name__, stage, str(workdir), str(project)) for _ in range(runs)]
            )
            for stage in STAGES
        }
    total = sum(stage["median_seconds"] for stage in stages.values())
    return {"customers": customers, "runs": runs, "stages": stages, "total_seconds": total}


def print_table(result: dict[str, object]) -> None:
    title = f"{result['customers']:,} customers, median of {result['runs']} run(s)"
    print_steps(title, "stage", result["stages"], result["total_seconds"])


def main(argv: list[str] | None = None) -> int:
    """Child process: ``python -m customer_intelligence.bench.segmentation STAGE DIR PROJECT``."""
    arguments = argparse.ArgumentParser()
    arguments.add_argument("stage", choices=STAGES)
    arguments.add_argument("workdir", type=Path)
    arguments.add_argument("project", type=Path)
    args = arguments.parse_args(argv)
    print(json.dumps(run_stage(args.stage, args.workdir, args.project)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
