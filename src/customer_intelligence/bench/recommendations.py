"""Benchmark of the basket rules and recommendation models at scale: seconds and peak memory.

1. ``generate_dataset`` writes ``customers`` customers as Parquet (about 20 order lines each).
2. The raw files load into a fresh DuckDB database as text tables named like the seeds (as
   ``dbt seed`` would load them); in a copy of the project whose staging and intermediate models
   are tables rather than views, ``dbt seed`` loads the other seeds and ``dbt run`` builds the
   timed models and everything upstream of them once. So each timing covers one model's own
   SQL, not the staging under it, and staging runs once rather than once per model.
3. Each model's compiled SQL runs ``runs`` times as ``create table ... as``, each time in a fresh
   Python process, so its peak memory (the process's maximum resident set size) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import yaml

from customer_intelligence.bench import medians, peak_rss_mb, print_steps, timed_child
from customer_intelligence.generate import ENTITIES, generate_dataset

# in dependency order; the intermediate models are the recommendation-specific steps
MODELS = (
    "int_customer_product_first_purchases",
    "int_customer_products",
    "int_segment_product_affinity",
    "basket_rules",
    "category_basket_rules",
    "segment_recommendations",
    "customer_recommendations",
    "int_recommendation_training_rules",
    "int_recommendation_training_affinity",
    "int_recommendation_validation_rules",
    "int_recommendation_validation_affinity",
    "int_recommendation_validation_offers",
    "recommendation_blend_weights",
    "int_recommendation_holdout_offers",
    "recommendation_evaluation",
)
DATABASE = "bench.duckdb"
PROJECT_NODE = "model.customer_intelligence."
PROJECT_PARTS = (
    "profiles.yml",
    "seeds",
    "models",
    "python_models",
    "macros",
    "snapshots",
    "analyses",
)


def copy_project(project: Path, destination: Path) -> Path:
    """The dbt project with staging and intermediate models as tables."""
    destination.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = project / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        elif source.exists():
            shutil.copy2(source, destination / part)
    settings = yaml.safe_load((project / "dbt_project.yml").read_text())
    for layer in ("staging", "intermediate"):
        settings["models"]["customer_intelligence"][layer]["+materialized"] = "table"
    (destination / "dbt_project.yml").write_text(yaml.safe_dump(settings, sort_keys=False))
    return destination


def load_raw(raw_dir: Path, database: Path) -> None:
    """raw_<entity> tables with every column as text, the way the seeds load."""
    with duckdb.connect(str(database)) as connection:
        for entity in ENTITIES:
            path = str(raw_dir / f"raw_{entity}.parquet")
            columns = connection.sql(f"select * from read_parquet('{path}')").columns
            as_text = ", ".join(f"cast({column} as varchar) as {column}" for column in columns)
            connection.execute(
                f"create table raw_{entity} as select {as_text} from read_parquet('{path}')"
            )


def dbt(project: Path, workdir: Path, *arguments: str) -> None:
    """A dbt command on the benchmark database; output and logs stay in ``workdir``."""
    env = {
        **os.environ,
        "DUCKDB_PATH": str(workdir / DATABASE),
        "EXPORT_DIR": str(workdir / "exports"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }
    command = [str(Path(sys.executable).with_name("dbt")), *arguments]
    command += ["--project-dir", str(project), "--profiles-dir", str(project)]
    command += ["--target-path", str(workdir / "target")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"dbt {arguments[0]} failed:\n{result.stdout[-4000:]}")


def build_upstream(project: Path, workdir: Path) -> dict[str, dict]:
    """Builds the timed models and their parents once; returns their manifest nodes by name."""
    # the raw tables are loaded already: only the editable maps are seeded
    helper_seeds = [
        seed.stem for seed in (project / "seeds").glob("*.csv") if not seed.name.startswith("raw_")
    ]
    dbt(project, workdir, "seed", "--select", *helper_seeds)
    dbt(project, workdir, "run", "--select", *(f"+{model}" for model in MODELS))
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    return {
        node["name"]: node
        for key, node in manifest["nodes"].items()
        if key.startswith(PROJECT_NODE)
    }


def run_model(database: Path, sql_file: Path) -> dict[str, float]:
    """Child process: one model's SQL as ``create table``; seconds and peak MB."""
    sql = sql_file.read_text()
    with duckdb.connect(str(database)) as connection:
        started = time.perf_counter()
        connection.execute(f"create or replace table bench_output as {sql}")
        seconds = time.perf_counter() - started
        connection.execute("drop table bench_output")
    return {"seconds": seconds, "peak_mb": peak_rss_mb()}


def benchmark(
    customers: int, runs: int, project: Path, workdir: Path, seed: int = 42
) -> dict[str, object]:
    """Median seconds and peak MB over ``runs`` fresh processes per model, and every run."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "exports").mkdir(exist_ok=True)
    database = workdir / DATABASE
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    generate_dataset(customers, seed=seed, out_dir=workdir / "raw", fmt="parquet")
    generated = time.perf_counter()
    # in a child: Linux keeps a process's peak RSS across fork and exec, so a large parent would
    # raise every timed child's peak
    subprocess.run(
        [sys.executable, "-m", __name__, str(database), "--load-raw", str(workdir / "raw")],
        check=True,
    )
    nodes = build_upstream(copy_project(project, workdir / "project"), workdir)
    built = time.perf_counter()
    models = {}
    for model in MODELS:
        sql_file = workdir / f"{model}.sql"
        sql_file.write_text(nodes[model]["compiled_code"])
        models[model] = medians(
            [timed_child(__name__, str(database), str(sql_file)) for _ in range(runs)]
        )
    with duckdb.connect(str(database), read_only=True) as connection:
        order_lines = connection.sql("select count(*) from stg_order_items").fetchall()[0][0]
    return {
        "customers": customers,
        "order_lines": order_lines,
        "runs": runs,
        "generate_seconds": generated - started,
        "build_seconds": built - generated,
        "models": models,
        "total_seconds": sum(model["median_seconds"] for model in models.values()),
    }


def print_table(result: dict[str, object]) -> None:
    title = (
        f"{result['customers']:,} customers, {result['order_lines']:,} order lines, "
        f"median of {result['runs']} run(s)"
    )
    print_steps(title, "model", result["models"], result["total_seconds"])


def main(argv: list[str] | None = None) -> int:
    """Child process: ``python -m customer_intelligence.bench.recommendations DATABASE SQL``."""
    arguments = argparse.ArgumentParser()
    arguments.add_argument("database", type=Path)
    arguments.add_argument("sql_file", type=Path, nargs="?")
    arguments.add_argument("--load-raw", type=Path, default=None, help="load this folder instead")
    args = arguments.parse_args(argv)
    if args.load_raw:
        load_raw(args.load_raw, args.database)
    else:
        print(json.dumps(run_model(args.database, args.sql_file)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
