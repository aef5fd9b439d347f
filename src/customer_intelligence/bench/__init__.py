"""Benchmarks of the build and of its heavy parts at any size: `customer-intel bench --only PART`.

- ``build``: the whole `customer-intel build` on generated Parquet files (bench.build);
- ``segmentation``: selection, fit and SQL assignment on resampled features (bench.segmentation);
- ``recommendations``: the basket-rule and recommendation models' SQL (bench.recommendations);
- ``clv``: the BG/NBD and Gamma-Gamma fits on simulated customers (bench.clv).

Each timed step runs in a fresh process, so its peak memory (the process's maximum resident set
size) is its own: Linux keeps a process's peak across fork and exec, so a large parent would
raise every child's.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys

PARTS = ("build", "segmentation", "recommendations", "clv")


def peak_rss_mb(rusage=None) -> float:
    """``ru_maxrss`` (kilobytes on Linux) in MB; of this process when no rusage is given."""
    return (rusage or resource.getrusage(resource.RUSAGE_SELF)).ru_maxrss / 1024


def timed_child(module: str, *arguments: str) -> dict:
    """Runs ``python -m module arguments`` and returns the JSON it prints (its timing)."""
    child = subprocess.run(
        [sys.executable, "-m", module, *arguments], capture_output=True, text=True, check=True
    )
    return json.loads(child.stdout)


def medians(runs: list[dict]) -> dict[str, object]:
    """Median seconds and peak MB of a step's runs (each with seconds and peak_mb), and the runs."""
    return {
        "median_seconds": statistics.median(run["seconds"] for run in runs),
        "median_peak_mb": statistics.median(run["peak_mb"] for run in runs),
        "runs": runs,
    }


def print_steps(title: str, label: str, steps: dict[str, dict], total: float | None = None) -> None:
    """A table of steps (as `medians` gives them): name, median seconds, median peak MB."""
    width = max([len(label), *(len(str(name)) for name in steps)]) + 2
    print(title)
    print(f"{label:<{width}}{'seconds':>10}{'peak MB':>10}")
    for name, figures in steps.items():
        print(
            f"{name!s:<{width}}{figures['median_seconds']:>10.2f}{figures['median_peak_mb']:>10.0f}"
        )
    if total is not None:
        print(f"{'total':<{width}}{total:>10.2f}")
