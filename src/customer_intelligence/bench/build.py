"""Benchmark of the whole pipeline: `customer-intel build` on generated data of any size.

The generator writes Parquet files to a data folder (kept, with a marker file naming its size and
seed, so a second benchmark of that size skips generation); an input config maps every contract
entity to its file, and `customer-intel build --input` runs ``runs`` times in a fresh process on a
fresh database with the project's default vars. Per run it records the wall-clock seconds, the
peak resident memory and each model's seconds from dbt's run_results.json.

Peak memory is the largest maximum resident set size among the processes of the build (the
customer-intel wrapper and the dbt process it starts, which runs DuckDB and the Python models
in-process), as the kernel reports it for the waited-for process tree; it is not a sum.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import yaml

from customer_intelligence.bench import peak_rss_mb
from customer_intelligence.generate import ENTITIES, generate_dataset

MARKER = "bench_dataset.json"
SLOWEST_SHOWN = 10
# the settings the build inherits that change its speed or memory (README: "Scale")
SETTINGS = ("DBT_THREADS", "DUCKDB_THREADS", "DUCKDB_MEMORY_LIMIT")


class BuildFailed(RuntimeError):
    """A benchmarked build exited with an error (out of memory, a failing test, ...)."""


def ensure_dataset(data_dir: Path, customers: int, seed: int) -> bool:
    """Parquet files of ``customers`` in ``data_dir``; False when they were already there."""
    marker = data_dir / MARKER
    wanted = {"customers": customers, "seed": seed}
    # files removed to free disk after a large run are made again, not reported missing
    complete = all((data_dir / f"raw_{entity}.parquet").is_file() for entity in ENTITIES)
    if complete and marker.is_file() and json.loads(marker.read_text()) == wanted:
        return False
    # a half-written data set must not pass for a finished one
    marker.unlink(missing_ok=True)
    generate_dataset(customers, seed=seed, out_dir=data_dir, fmt="parquet")
    marker.write_text(json.dumps(wanted) + "\n")
    return True


def row_counts(data_dir: Path) -> dict[str, int]:
    """Rows per entity, from the Parquet footers."""
    return {
        entity: pq.ParquetFile(data_dir / f"raw_{entity}.parquet").metadata.num_rows
        for entity in ENTITIES
    }


TRANSACTIONS_FILE = "raw_transactions.parquet"


def write_transactions_file(data_dir: Path) -> Path:
    """The generated order lines as one transaction log: a line per order line, with its order's
    customer, date and channel and its product's name and category (raw, dirt included)."""
    path = data_dir / TRANSACTIONS_FILE
    if path.is_file() and path.stat().st_mtime >= (data_dir / MARKER).stat().st_mtime:
        return path
    files = {entity: str(data_dir / f"raw_{entity}.parquet") for entity in ENTITIES}
    target = str(path).replace("'", "''")  # COPY takes no parameter for its file
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
                select
                    orders.customer_id, items.order_id, orders.ordered_at as order_date,
                    items.product_id, products.name as product_name, products.category,
                    items.quantity, items.unit_price, orders.channel
                from read_parquet(?) as items
                inner join read_parquet(?) as orders on items.order_id = orders.order_id
                left join (
                    select product_id, min(name) as name, min(category) as category
                    from read_parquet(?)
                    group by product_id
                ) as products on items.product_id = products.product_id
            ) to '{target}' (format parquet)
            """,
            [files["order_items"], files["orders"], files["products"]],
        )
    return path


def write_input_config(data_dir: Path, input_format: str = "entities") -> Path:
    """An input config: every entity mapped to its Parquet file (columns already match), or the
    order lines given as one transaction log."""
    config = data_dir / f"input_{input_format}.yml"
    if input_format == "transactions":
        sources = {"transactions": {"path": write_transactions_file(data_dir).name}}
    else:
        sources = {entity: {"path": f"raw_{entity}.parquet"} for entity in ENTITIES}
    config.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False))
    return config


def build_once(config: Path, workdir: Path, run: int) -> dict[str, object]:
    """One `customer-intel build` on a new database; seconds, peak MB and per-model seconds."""
    database = workdir / "bench.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)
    target = workdir / "target"
    env = {**os.environ, "DUCKDB_PATH": str(database), "EXPORT_DIR": str(workdir / "exports")}
    command = [sys.executable, "-m", "customer_intelligence.cli", "build", "--input", str(config)]
    # its own target folder: the project's target/ and run_results.json stay untouched
    command += ["--target-path", str(target)]
    log = workdir / f"build_{run}.log"
    with log.open("w") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        # wait4 gives this run's own rusage, covering the children the wrapper waited for
        _, status, rusage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
        raise BuildFailed(f"build {run} exited with {child.returncode}; end of {log}:\n{tail}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    figures = {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(rusage),
        "model_seconds": {
            result["unique_id"].split(".")[-1]: result["execution_time"]
            for result in results
            if result["unique_id"].startswith("model.")
        },
        "node_seconds_by_type": _seconds_by_type(results),
    }
    # an interrupted benchmark keeps the runs it finished
    (workdir / f"build_{run}.json").write_text(json.dumps(figures, indent=2))
    return figures


def _seconds_by_type(results: list[dict]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        totals[kind] = totals.get(kind, 0.0) + result["execution_time"]
    return totals


def _median_by_key(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs if key in run) for key in runs[0]}


def benchmark(
    customers: int, runs: int, data_dir: Path, seed: int = 42, input_format: str = "entities"
) -> dict[str, object]:
    """Generate (or reuse) the data, build ``runs`` times, and the figures as a dict."""
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    generated = ensure_dataset(data_dir, customers, seed)
    generation_seconds = time.perf_counter() - started if generated else None
    rows = row_counts(data_dir)
    config = write_input_config(data_dir, input_format)
    # dbt's saved parse in the data folder may come from another checkout of the project, whose
    # seed paths it would keep: the first build parses afresh, the next ones reuse its parse
    (data_dir / "target" / "partial_parse.msgpack").unlink(missing_ok=True)
    measured = [build_once(config, data_dir, run) for run in range(1, runs + 1)]
    model_seconds = _median_by_key([run["model_seconds"] for run in measured])
    return {
        "customers": customers,
        "seed": seed,
        "input_format": input_format,
        "runs": runs,
        "cpu_count": os.cpu_count(),
        "settings": {name: os.environ[name] for name in SETTINGS if os.environ.get(name)},
        "order_lines": rows["order_items"],
        "email_events": rows["email_events"],
        "orders": rows["orders"],
        "rows": rows,
        "generation_seconds": generation_seconds,
        "build_seconds": statistics.median(run["seconds"] for run in measured),
        "build_seconds_runs": [run["seconds"] for run in measured],
        "peak_rss_mb": max(run["peak_rss_mb"] for run in measured),
        "peak_rss_mb_runs": [run["peak_rss_mb"] for run in measured],
        "node_seconds_by_type": _median_by_key([run["node_seconds_by_type"] for run in measured]),
        "model_seconds": dict(sorted(model_seconds.items(), key=lambda item: -item[1])),
    }


def print_table(result: dict[str, object]) -> None:
    """Totals, per-customer volumes and the slowest models (share of the build's wall clock)."""
    customers = result["customers"]
    build = result["build_seconds"]
    print(
        f"{customers:,} customers as {result['input_format']}, median of {result['runs']} build(s)"
    )
    settings = " ".join(f"{name}={value}" for name, value in result["settings"].items())
    print(f"{'cores':<42}{result['cpu_count']:>12}  {settings or '(default settings)'}")
    for label, rows in (
        ("order lines", result["order_lines"]),
        ("email events", result["email_events"]),
    ):
        print(f"{label:<42}{rows:>12,}  ({rows / customers:.1f} per customer)")
    print(f"{'build seconds':<42}{build:>12.1f}")
    print(f"{'peak RSS MB (largest process)':<42}{result['peak_rss_mb']:>12.0f}")
    for kind, seconds in result["node_seconds_by_type"].items():
        print(f"{'  sum of ' + kind + ' seconds':<42}{seconds:>12.1f}")
    print(f"{'slowest models':<42}{'seconds':>12}{'share':>8}")
    for model, seconds in list(result["model_seconds"].items())[:SLOWEST_SHOWN]:
        print(f"  {model:<40}{seconds:>12.2f}{seconds / build:>8.0%}")
