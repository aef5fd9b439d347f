"""Seeded samples that stay put: rows drawn by a hash of customer_id, so removing a few customers
takes no one else out of a sample or in."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .features import ScaledTable


def stable_sample(table: pa.Table, size: int, seed: int = 0) -> np.ndarray:
    """Sorted positions of the `size` rows with the smallest seeded hash of their customer_id
    (all rows when fewer): removing a few customers takes no one else out of the sample or in."""
    if table.num_rows <= size:
        return np.arange(table.num_rows)
    customer_ids = table.column("customer_id").to_numpy().astype(np.uint64)
    hashed = mix64(mix64(customer_ids) ^ np.uint64(seed))
    return np.sort(np.argpartition(hashed, size - 1)[:size])


def mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer: a bijection of 64-bit integers that spreads neighbouring ids."""
    mixed = values + np.uint64(0x9E3779B97F4A7C15)
    mixed = (mixed ^ (mixed >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    mixed = (mixed ^ (mixed >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return mixed ^ (mixed >> np.uint64(31))


def sample_positions(matrix: np.ndarray | ScaledTable, size: int, seed: int) -> np.ndarray:
    """Sorted row positions of a seeded sample without replacement (all rows when fewer): the
    customers of ``stable_sample`` where the rows carry customer_id, so removing a few
    customers redraws no one else."""
    if isinstance(matrix, ScaledTable) and "customer_id" in matrix.table.column_names:
        return stable_sample(matrix.table, size, seed)
    if len(matrix) <= size:
        return np.arange(len(matrix))
    return np.sort(np.random.default_rng(seed).choice(len(matrix), size=size, replace=False))


def row_keys(matrix: np.ndarray | ScaledTable, positions: np.ndarray) -> np.ndarray:
    """The key of each row taken, which keyed k-means++ draws by: customer_id where the rows
    carry it, else the row position."""
    return matrix.keys(positions) if isinstance(matrix, ScaledTable) else positions
