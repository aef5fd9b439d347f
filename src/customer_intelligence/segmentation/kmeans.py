"""k-means fitting: keyed k-means++ starts, the production fit and its refit from the previous
build's centroids, segment ids kept across builds, and the centroid table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances_argmin
from threadpoolctl import threadpool_limits

from .features import ScaledTable, Table, apply_preprocessing, to_original_units, to_pandas
from .sampling import mix64, row_keys, sample_positions, stable_sample

FIT_SAMPLE_SIZE = 200_000
# Several k-means++ starts: one start can land in a poor local minimum and fake instability.
N_INIT = 4

# scikit-learn's OpenMP and BLAS threads, for every fit of the segmentation. dbt runs another
# model beside this one on the machine's cores, and threads that wait for a busy core spin: at 1M
# customers on a loaded 2-core machine select_k took 128 s on all cores and 27 s on one. One
# thread also adds up k-means sums in one fixed order, so a refit repeats to the last bit.
one_thread = threadpool_limits.wrap(limits=1)

# a refit from the previous centroids is replaced by a fresh k-means++ fit only when the fresh
# fit's inertia is lower by more than this share (var segmentation_refit_min_gain)
REFIT_MIN_GAIN = 0.02


@one_thread
def fit_kmeans(
    matrix: np.ndarray | ScaledTable, k: int, sample_size: int = FIT_SAMPLE_SIZE, seed: int = 0
) -> np.ndarray:
    """Scaled k-means centroids, largest segment first, fitted on a seeded sample of rows.

    Ordering by size makes first-fit segment ids readable (1 is the biggest) and independent of
    the arbitrary order k-means finds clusters in.
    """
    positions = sample_positions(matrix, sample_size, seed)
    return _largest_first(keyed_kmeans(matrix[positions], row_keys(matrix, positions), k, seed))


def _largest_first(model: KMeans) -> np.ndarray:
    sizes = np.bincount(model.labels_, minlength=model.n_clusters)
    return model.cluster_centers_[np.argsort(-sizes, kind="stable")]


def keyed_kmeans(sample: np.ndarray, keys: np.ndarray, k: int, seed: int) -> KMeans:
    """The best of N_INIT k-means fits, each from a k-means++ start drawn by row key.

    k-means++ draws each next centre with probability proportional to the squared distance to
    the nearest centre so far. Here a row's draw is an exponential race, distance^2 / E with E
    from a seeded hash of its key (customer_id), so the starts depend on which customers there
    are, not on their row positions: removing a few customers changes a start only if one of
    them was a centre. scikit-learn's draws by position put 3.8% of the bundled customers in
    another segment when 5 of 2,000 others were removed. Fits run until no row changes segment
    (tol 0), so a refit from a fit's centroids on the same data returns them.
    """
    best = None
    for start in range(N_INIT):
        centres = _keyed_plus_plus(sample, keys, k, seed * N_INIT + start)
        model = KMeans(n_clusters=k, init=centres, n_init=1, tol=0).fit(sample)
        if best is None or model.inertia_ < best.inertia_:
            best = model
    return best


def _keyed_plus_plus(points: np.ndarray, keys: np.ndarray, k: int, stream: int) -> np.ndarray:
    hashed = mix64(np.asarray(keys).astype(np.uint64))
    chosen = []
    squared = np.ones(len(points))  # the first centre is a uniform draw
    for centre in range(k):
        draw = mix64(hashed ^ mix64(np.array([stream * 1_000 + centre], dtype=np.uint64)))
        # an exponential variate from the top 53 bits of the hash, never log(0)
        race = -np.log(((draw >> np.uint64(11)).astype(float) + 0.5) / 2.0**53)
        chosen.append(int(np.argmax(squared / race)))
        distance = np.sum((points - points[chosen[-1]]) ** 2, axis=1)
        squared = distance if centre == 0 else np.minimum(squared, distance)
    return points[chosen]


@one_thread
def refit_from(sample: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """k-means started from given centroids (same order out): where the data did not move
    them, they come back as they were."""
    model = KMeans(n_clusters=len(centroids), init=centroids, n_init=1, tol=0).fit(sample)
    return model.cluster_centers_


def inertia(matrix: np.ndarray, centroids: np.ndarray) -> float:
    """Sum of squared distances of the rows to their nearest centroid."""
    nearest = assign_nearest(matrix, centroids)
    return float(np.sum((matrix - centroids[nearest]) ** 2))


def assign_nearest(matrix: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Row position of the nearest centroid (Euclidean) for every row; ties to the first."""
    return pairwise_distances_argmin(matrix, centroids)


def align_to_previous(
    new_centroids: np.ndarray,
    previous_centroids: np.ndarray,
    previous_ids: Sequence[int] | None = None,
) -> np.ndarray:
    """Segment id for each new centroid, so a refit keeps the ids of the segments it re-finds.

    New and previous centroids (same scaled space) are paired by the Hungarian method
    (minimum total Euclidean distance); a paired new centroid inherits the previous id. New
    centroids left over when k grew get fresh ids after the largest previous id, in row order.
    ``previous_ids`` defaults to 1..len(previous_centroids).
    """
    old_ids = (
        np.arange(1, len(previous_centroids) + 1)
        if previous_ids is None
        else np.asarray(previous_ids, dtype=np.int64)
    )
    rows, cols = linear_sum_assignment(cdist(new_centroids, previous_centroids))
    ids = np.zeros(len(new_centroids), dtype=np.int64)
    ids[rows] = old_ids[cols]
    unmatched = np.setdiff1d(np.arange(len(new_centroids)), rows)
    ids[unmatched] = np.max(old_ids, initial=0) + 1 + np.arange(len(unmatched))
    return ids


def centroid_table(
    centroids: np.ndarray,
    segment_ids: Sequence[int],
    preprocessing: pd.DataFrame,
    fit_start: str = "fresh",
    customers_moved_in: Sequence[int] | None = None,
) -> pd.DataFrame:
    """One row per segment and feature: the centroid scaled (for SQL) and in original units,
    how the fit started and how many customers it moved into the segment (null: first fit)."""
    recipe = to_pandas(preprocessing)
    segments, features = centroids.shape
    moved = (
        pd.array([None] * segments, dtype="Int64")
        if customers_moved_in is None
        else pd.array(customers_moved_in, dtype="Int64")
    )
    table = pd.DataFrame(
        {
            "segment_id": np.repeat(np.asarray(segment_ids, dtype=np.int64), features),
            "feature": np.tile(recipe["feature"].to_numpy(dtype=object), segments),
            "centroid_scaled": centroids.ravel(),
            "centroid_original": to_original_units(centroids, recipe).ravel(),
            "fit_start": fit_start,
            "customers_moved_in": moved.repeat(features),
        }
    )
    return table.sort_values(["segment_id"], kind="stable", ignore_index=True)


def centroids_from_table(
    table: Table, preprocessing: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Segment ids and centroids of a stored centroid table, rescaled with a (new) recipe.

    The original-unit values are rescaled rather than the stored scaled ones, because a refit
    has its own means and stds.
    """
    recipe = to_pandas(preprocessing)
    stored = to_pandas(table)
    features = recipe["feature"].tolist()
    if set(stored["feature"]) != set(features):
        raise ValueError(
            "previous centroids use other features than the preprocessing table: "
            f"{sorted(set(stored['feature']) ^ set(features))}"
        )
    wide = stored.pivot_table(
        index="segment_id", columns="feature", values="centroid_original", aggfunc="first"
    )[features]
    return wide.index.to_numpy(dtype=np.int64), apply_preprocessing(wide, recipe)


def fit_centroids(
    table: Table,
    preprocessing: pd.DataFrame,
    k: int,
    previous_centroids: Table | None = None,
    sample_size: int = FIT_SAMPLE_SIZE,
    seed: int = 0,
    min_gain: float = REFIT_MIN_GAIN,
) -> pd.DataFrame:
    """Production fit: scale with the recipe, fit k-means, keep previous ids, return the table.

    The fit runs on the customers of ``stable_sample`` (by customer_id; all rows when there
    are no more than ``sample_size``). With previous centroids at the same k, k-means
    starts from them (rescaled with this recipe) and each keeps its segment id; a fresh
    k-means++ fit replaces that refit only when its inertia on the sample is lower by more
    than ``min_gain`` (a share), and then inherits ids by Hungarian matching. Without previous
    centroids, or at another k, the fit is fresh. ``customers_moved_in`` counts, for each
    segment, the customers of ``table`` nearest to it now whose nearest previous centroid had
    another id: the customers the refit moved (a customer whose own data changed is counted
    only when the centroids' move, not its data, changed its segment).
    """
    recipe = to_pandas(preprocessing)
    rows = ScaledTable(table, recipe)
    positions = stable_sample(rows.table, sample_size, seed)
    sample = rows[positions]
    fresh = _largest_first(keyed_kmeans(sample, rows.keys(positions), k, seed))
    if previous_centroids is None or to_pandas(previous_centroids).empty:
        return centroid_table(fresh, np.arange(1, k + 1), recipe)
    old_ids, old = centroids_from_table(previous_centroids, recipe)
    refit = refit_from(sample, old) if len(old) == k else None
    if refit is not None and inertia(sample, fresh) >= (1 - min_gain) * inertia(sample, refit):
        centroids, ids, fit_start = refit, old_ids, "previous"
    else:
        centroids, ids, fit_start = fresh, align_to_previous(fresh, old, old_ids), "fresh"
    matrix = apply_preprocessing(rows.table, recipe)
    now = ids[assign_nearest(matrix, centroids)]
    moved = now != old_ids[assign_nearest(matrix, old)]
    moved_in = [int(np.sum(moved & (now == segment))) for segment in ids]
    return centroid_table(centroids, ids, recipe, fit_start, moved_in)
