"""How many customers change segment when a few others leave or get a new id, and a rebuild runs.

The experiment of issue 29, for the tests (test_segment_stability.py) and for measuring a
checkout of the project on the bundled seeds:

    .venv/bin/python tests/segment_moves.py --removed 5 --renamed 20 --workdir EMPTY_DIR

builds this checkout's project once on its seeds, then on a copy of that database rebuilds with
the seeds changed: `removed` customers (and their orders, emails, sessions) gone
and `renamed` others given new ids, no one else's rows touched. It prints the customers present in
both builds (a renamed customer is followed to its new id) and how many changed K-means and RFM
segment. To measure an older commit, export it (`git archive <commit> | tar -x -C DIR`), copy
this file to DIR/tests/ and run it there with PYTHONPATH=DIR/src, so that its dbt Python models
import that commit's package.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import duckdb
import numpy as np

from conftest import REPO, WITHOUT_UNIT_TESTS, copy_project, run_dbt

# every raw file with a customer_id column; order items follow their order
CUSTOMER_FILES = (
    "raw_customers.csv",
    "raw_orders.csv",
    "raw_email_events.csv",
    "raw_subscriptions.csv",
    "raw_web_sessions.csv",
)
SEGMENTS = "+customer_segment_memberships"
# the experiment counts moves; the data tests run in the suites
WITHOUT_TESTS = ("--exclude-resource-type", "test")


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def pick_customers(raw_dir: Path, removed: int, renamed: int, seed: int = 29):
    """Seeded choice of customer ids to remove and to rename (to new ids after the largest)."""
    _, customers = read_csv(raw_dir / "raw_customers.csv")
    ids = sorted(int(row["customer_id"]) for row in customers)
    chosen = np.random.default_rng(seed).choice(ids, size=removed + renamed, replace=False)
    renames = {int(old): max(ids) + 1 + position for position, old in enumerate(chosen[removed:])}
    return {int(customer) for customer in chosen[:removed]}, renames


def change_customers(
    raw_dir: Path, out_dir: Path, removed: set[int], renamed: dict[int, int]
) -> Path:
    """A copy of raw_dir's raw files without the removed customers and with the renamed ids."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for raw in raw_dir.glob("raw_*.csv"):
        shutil.copy2(raw, out_dir / raw.name)
    dropped_orders: set[str] = set()
    for name in CUSTOMER_FILES:
        header, rows = read_csv(raw_dir / name)
        kept = []
        for row in rows:
            customer = int(row["customer_id"]) if row["customer_id"].isdigit() else None
            if customer in removed:
                dropped_orders.add(row.get("order_id", ""))
                continue
            if customer in renamed:
                row["customer_id"] = str(renamed[customer])
            kept.append(row)
        write_csv(out_dir / name, header, kept)
    header, items = read_csv(raw_dir / "raw_order_items.csv")
    write_csv(
        out_dir / "raw_order_items.csv",
        header,
        [item for item in items if item["order_id"] not in dropped_orders],
    )
    return out_dir


def segments(database: Path) -> dict[int, tuple[int, str]]:
    """(K-means segment id, RFM segment) by customer."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.sql(
            "select customer_id, kmeans_segment_id, rfm_segment from customer_segment_memberships"
        ).fetchall()
    return {customer: (kmeans, rfm) for customer, kmeans, rfm in rows}


def count_moves(before: dict, after: dict, renamed: dict[int, int]) -> dict[str, int]:
    """Customers in both builds (renamed ones under their new id) and how many changed segment."""
    pairs = [
        (segment, after[renamed.get(customer, customer)])
        for customer, segment in before.items()
        if renamed.get(customer, customer) in after
    ]
    return {
        "customers": len(pairs),
        "kmeans_moved": sum(old[0] != new[0] for old, new in pairs),
        "rfm_moved": sum(old[1] != new[1] for old, new in pairs),
    }


def build(project: Path, database: Path, *selection: str) -> None:
    result = run_dbt(
        project, "build", *selection, *WITHOUT_UNIT_TESTS, *WITHOUT_TESTS, database=database
    )
    assert result.returncode == 0, result.stdout[-4000:]


def experiment(
    raw_dir: Path, workdir: Path, removed: int, renamed: int, pick_seed: int = 29
) -> dict[str, int]:
    """Build the project on raw_dir's files, rebuild a copy with the customers changed."""
    first = workdir / "first"
    project = copy_project(first / "project", raw_dir)
    database = first / "build.duckdb"
    build(project, database, "--select", SEGMENTS)
    gone, renames = pick_customers(raw_dir, removed, renamed, pick_seed)
    second = workdir / "second"
    changed = change_customers(raw_dir, second / "raw", gone, renames)
    rebuilt = second / "build.duckdb"  # same file name: views name their catalog
    shutil.copy2(database, rebuilt)
    build(copy_project(second / "project", changed), rebuilt, "--select", SEGMENTS)
    return count_moves(segments(database), segments(rebuilt), renames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--removed", type=int, default=5)
    parser.add_argument("--renamed", type=int, default=20)
    parser.add_argument("--pick-seed", type=int, default=29, help="seed of the customers picked")
    parser.add_argument("--workdir", type=Path, required=True, help="an empty folder to build in")
    args = parser.parse_args()
    moves = experiment(REPO / "seeds", args.workdir, args.removed, args.renamed, args.pick_seed)
    print(
        f"removed {args.removed}, renamed {args.renamed} (pick seed {args.pick_seed}): "
        f"of {moves['customers']} customers in both builds, {moves['kmeans_moved']} changed "
        f"K-means segment and {moves['rfm_moved']} RFM segment"
    )


if __name__ == "__main__":
    main()
