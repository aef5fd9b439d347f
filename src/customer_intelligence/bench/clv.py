"""Benchmark of the CLV fits: seconds and peak memory of clv_model_params at each size.

Customers are drawn from the BG/NBD and Gamma-Gamma processes with the parameters of a real
purchase log (clv.simulate_statistics, measured in whole days as the build measures them) and
written once per size; each run then fits both models on every customer (clv.fit_table, the
build's default) in a fresh Python process, so its peak memory (imports and the statistics
included) is its own. Seconds cover the fit, not reading the statistics.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from customer_intelligence import clv
from customer_intelligence.bench import medians, peak_rss_mb, timed_child

# about the maximum-likelihood estimates of a real CD store's log (23,570 customers)
BGNBD = {"r": 0.25, "alpha": 4.79, "a": 0.72, "b": 2.16}
GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}


def fit_once(path: Path) -> dict[str, object]:
    table = pq.read_table(path)
    started = time.perf_counter()
    params = clv.fit_table(table, data_name=str(path)).to_pylist()[0]
    seconds = time.perf_counter() - started
    fitted = {name: params[name] for name in ("r", "alpha", "a", "b", "p", "q", "v")}
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "params": fitted}


def benchmark(sizes: list[int], runs: int, seed: int = 0) -> dict[str, object]:
    """Median seconds and peak MB of ``runs`` fits per size, and every run."""
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for customers in sizes:
            path = Path(folder) / f"statistics_{customers}.parquet"
            table = clv.simulate_statistics(
                customers, seed=seed, bgnbd=BGNBD, gamma_gamma=GAMMA_GAMMA
            )
            pq.write_table(table, path)
            del table
            results[customers] = medians([timed_child(__name__, str(path)) for _ in range(runs)])
    return {"runs": runs, "sizes": results}


def print_table(result: dict[str, object]) -> None:
    print(f"CLV fits on every customer, median of {result['runs']} run(s)")
    print(f"{'customers':>12}{'seconds':>10}{'peak MB':>10}   r, alpha, a, b | p, q, v")
    for customers, figures in result["sizes"].items():
        params = figures["runs"][0]["params"]
        shown = ", ".join(f"{params[name]:.4g}" for name in ("r", "alpha", "a", "b"))
        shown += " | " + ", ".join(f"{params[name]:.4g}" for name in ("p", "q", "v"))
        print(
            f"{customers:>12,}{figures['median_seconds']:>10.2f}"
            f"{figures['median_peak_mb']:>10.0f}   {shown}"
        )


def main(argv: list[str] | None = None) -> int:
    """Child process: ``python -m customer_intelligence.bench.clv STATISTICS.parquet``."""
    arguments = argparse.ArgumentParser()
    arguments.add_argument("statistics", type=Path)
    print(json.dumps(fit_once(arguments.parse_args(argv).statistics)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
