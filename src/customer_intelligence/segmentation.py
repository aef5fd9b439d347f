"""Customer segmentation: scale features, choose k, fit k-means, keep ids stable, name segments.

Everything a SQL model needs to label customers comes back as a plain table:

- the preprocessing table (one row per feature) turns a raw value into its scaled value with
  ``(f(coalesce(x, impute_value)) - mean) / std`` where ``f`` is ``ln(1 + x)`` when
  ``log_transformed`` and the identity otherwise. A skewed feature (``LOG_FEATURES``) is
  log-transformed only when none of its values is negative, decided per build from the data: a
  bank's customer file gives income as an account balance, which can be below zero;
- the centroid table (one row per segment and feature) holds each centroid in scaled and original
  units; a customer belongs to the segment whose scaled centroid is nearest (Euclidean).

A dbt Python model only reads Arrow, calls one function here and returns its table. In order:
``prepare_features`` (keep the preprocessing table), ``select_k`` and ``compare_methods`` on
``apply_preprocessing``'s matrix, ``fit_centroids`` with ``chosen_k`` and the previous centroid
table (the refit starts from it, so a small change in the data moves few customers), then SQL
assigns customers and profiles segments, and ``name_segments`` names them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    pairwise_distances_argmin,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

Table = pa.Table | pd.DataFrame

CHANNELS = ("web", "store", "catalog")
CATEGORIES = ("wine", "fruit", "meat", "fish", "sweets", "gold")

# Shares are computed upstream in SQL: <channel>_share = orders_<channel> / order_count and
# <category>_share = spend_<category> / total_spend (null without orders).
DEFAULT_FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "income",
    "age_years",
    "household_size",
    *(f"{channel}_share" for channel in CHANNELS),
    "discount_order_share",
    *(f"{category}_share" for category in CATEGORIES),
)

# Money and counts are right-skewed: without log1p a few big spenders would own whole clusters.
# A feature with a negative value is scaled without it (prepare_features).
LOG_FEATURES = frozenset(
    {
        "frequency",
        "monetary",
        "income",
        "order_count",
        "total_spend",
        "average_order_value",
        *(f"orders_{channel}" for channel in CHANNELS),
        *(f"spend_{channel}" for channel in CHANNELS),
        *(f"spend_{category}" for category in CATEGORIES),
    }
)

# A customer without orders has no recency; treating it as "longer ago than anyone" keeps them
# at the lapsed end instead of pulling them to the median buyer.
IMPUTE_MAX_PLUS_ONE = frozenset({"recency_days"})

FIT_SAMPLE_SIZE = 200_000
METRIC_SAMPLE_SIZE = 5_000
# Several k-means++ starts: one start can land in a poor local minimum and fake instability.
N_INIT = 4
MIN_STABILITY = 0.8

# scikit-learn's OpenMP and BLAS threads, for every fit here. dbt runs another model beside this
# one on the machine's cores, and threads that wait for a busy core spin: at 1M customers on a
# loaded 2-core machine select_k took 128 s on all cores and 27 s on one. One thread also adds up
# k-means sums in one fixed order, so a refit repeats to the last bit.
_one_thread = threadpool_limits.wrap(limits=1)

PREPROCESSING_COLUMNS = ["feature", "log_transformed", "impute_rule", "impute_value", "mean", "std"]
CENTROID_COLUMNS = [
    "segment_id",
    "feature",
    "centroid_scaled",
    "centroid_original",
    "fit_start",
    "customers_moved_in",
]
# a refit from the previous centroids is replaced by a fresh k-means++ fit only when the fresh
# fit's inertia is lower by more than this share (var segmentation_refit_min_gain)
REFIT_MIN_GAIN = 0.02


# --- features --------------------------------------------------------------------------------


def raw_values(table: Table, features: Sequence[str]) -> np.ndarray:
    """The named columns as a new float matrix, nulls as NaN (decimals and integers cast)."""
    arrow = (
        table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
    )
    missing = [name for name in features if name not in arrow.column_names]
    if missing:
        raise KeyError(f"feature columns missing from the input table: {missing}")
    values = np.empty((arrow.num_rows, len(features)))
    for position, name in enumerate(features):
        column = pc.cast(arrow.column(name), pa.float64())
        values[:, position] = column.to_numpy(zero_copy_only=False)
    return values


# The tables the segmentation models return, for the empty result of a build without customers
# (own data with baskets only) or without a feature that varies.
RESULT_SCHEMAS = {
    "preprocessing": pa.schema(
        [
            ("feature", pa.string()),
            ("log_transformed", pa.bool_()),
            ("impute_rule", pa.string()),
            ("impute_value", pa.float64()),
            ("mean", pa.float64()),
            ("std", pa.float64()),
        ]
    ),
    "selection": pa.schema(
        [
            ("k", pa.int64()),
            ("inertia", pa.float64()),
            ("silhouette", pa.float64()),
            ("davies_bouldin", pa.float64()),
            ("calinski_harabasz", pa.float64()),
            ("is_knee", pa.bool_()),
            ("stability", pa.float64()),
            ("is_chosen", pa.bool_()),
        ]
    ),
    "centroids": pa.schema(
        [
            ("segment_id", pa.int64()),
            ("feature", pa.string()),
            ("centroid_scaled", pa.float64()),
            ("centroid_original", pa.float64()),
            ("fit_start", pa.string()),
            ("customers_moved_in", pa.int64()),
        ]
    ),
    "comparison": pa.schema(
        [
            ("method", pa.string()),
            ("n_segments", pa.int64()),
            ("silhouette", pa.float64()),
            ("davies_bouldin", pa.float64()),
            ("calinski_harabasz", pa.float64()),
            ("noise_share", pa.float64()),
            ("ari_vs_kmeans", pa.float64()),
            ("fit_seconds", pa.float64()),
        ]
    ),
    "names": pa.schema(
        [
            ("segment_id", pa.int64()),
            ("segment_name", pa.string()),
            ("naming_feature", pa.string()),
            ("naming_index", pa.float64()),
            ("description", pa.string()),
        ]
    ),
}


def empty_result(name: str) -> pa.Table:
    """No rows, with the columns and types the named segmentation model returns."""
    return RESULT_SCHEMAS[name].empty_table()


def default_features(table: Table) -> list[str]:
    """DEFAULT_FEATURES plus any extra numeric columns (features the user's own data brings),
    keeping only those that vary: own data often lacks some inputs (no product categories, no
    customer profile), and a column that is empty or constant cannot separate customers."""
    arrow = (
        table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
    )
    extra = [
        name
        for name, kind in zip(arrow.column_names, arrow.schema.types, strict=True)
        if name != "customer_id" and name not in DEFAULT_FEATURES and pa.types.is_floating(kind)
    ]
    candidates = [name for name in (*DEFAULT_FEATURES, *extra) if name in arrow.column_names]
    values = raw_values(arrow, candidates)
    return [name for name, column in zip(candidates, values.T, strict=True) if _varies(column)]


def _varies(column: np.ndarray) -> bool:
    """More than one distinct observed value (min < max: no sort of a million values)."""
    observed = column[~np.isnan(column)]
    return observed.size > 0 and observed.min() < observed.max()


def prepare_features(
    table: Table,
    features: Sequence[str] = DEFAULT_FEATURES,
    log_features: Iterable[str] = LOG_FEATURES,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Impute, log1p the skewed features and standardize; return the matrix and its recipe.

    A feature of `log_features` is log-transformed only when its smallest observed value is at
    least 0 (log1p is undefined below -1 and stretches the values near it without bound):
    otherwise it is only standardized, and the recipe's ``log_transformed`` says so.

    Imputation works in raw units so SQL can apply it with ``coalesce``: recency_days gets the
    largest observed value plus one day, every other feature the median of its observed values
    (log1p is monotone, so this is the median of the transformed column too, but for how an even
    count averages its two middle values). Mean and std are
    those of the transformed, imputed column (population std; a constant column gets std 1).
    """
    values = raw_values(table, features)
    empty = np.isnan(values).all(axis=0)
    if empty.any():
        raise ValueError(
            f"features with no observed value cannot be imputed: {np.asarray(features)[empty]}"
        )
    non_negative = np.nanmin(values, axis=0) >= 0
    logged = np.isin(np.asarray(features), list(log_features)) & non_negative
    max_plus_one = np.isin(np.asarray(features), list(IMPUTE_MAX_PLUS_ONE))
    impute = np.where(max_plus_one, np.nanmax(values, axis=0) + 1, np.nanmedian(values, axis=0))
    _impute_and_log(values, impute, logged, features)
    mean = values.mean(axis=0)
    std = values.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    preprocessing = pd.DataFrame(
        {
            "feature": list(features),
            "log_transformed": logged,
            "impute_rule": np.where(max_plus_one, "max_plus_one", "median"),
            "impute_value": impute,
            "mean": mean,
            "std": std,
        }
    )
    values -= mean
    values /= std
    return values, preprocessing


def apply_preprocessing(table: Table, preprocessing: pd.DataFrame) -> np.ndarray:
    """Scale a table with a recorded recipe, exactly as the SQL model does."""
    recipe = _to_pandas(preprocessing)
    features = recipe["feature"].tolist()
    values = raw_values(table, features)
    _impute_and_log(
        values,
        recipe["impute_value"].to_numpy(dtype=float),
        recipe["log_transformed"].to_numpy(dtype=bool),
        features,
    )
    values -= recipe["mean"].to_numpy(dtype=float)
    values /= recipe["std"].to_numpy(dtype=float)
    return values


class ScaledTable:
    """A feature table scaled with a recipe, row by row, only for the rows taken.

    ``select_k``, ``compare_methods`` and ``fit_kmeans`` read nothing but ``len(rows)`` and a
    seeded sample ``rows[positions]``: scaling is row by row, so this gives exactly those rows of
    ``apply_preprocessing(table, preprocessing)`` without scaling every customer for a sample.
    """

    def __init__(self, table: Table, preprocessing: pd.DataFrame) -> None:
        self.table = (
            table
            if isinstance(table, pa.Table)
            else pa.Table.from_pandas(table, preserve_index=False)
        )
        self.preprocessing = _to_pandas(preprocessing)

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, positions: np.ndarray) -> np.ndarray:
        return apply_preprocessing(self.table.take(positions), self.preprocessing)

    def keys(self, positions: np.ndarray) -> np.ndarray:
        """The customer_id of each row taken (its position without that column)."""
        if "customer_id" not in self.table.column_names:
            return np.asarray(positions)
        return self.table.column("customer_id").take(positions).to_numpy()


def to_original_units(scaled: np.ndarray, preprocessing: pd.DataFrame) -> np.ndarray:
    """Undo standardization and log1p, for centroids a person can read."""
    recipe = _to_pandas(preprocessing)
    unscaled = scaled * recipe["std"].to_numpy(dtype=float) + recipe["mean"].to_numpy(dtype=float)
    return np.where(recipe["log_transformed"].to_numpy(dtype=bool), np.expm1(unscaled), unscaled)


def _impute_and_log(
    values: np.ndarray, impute: np.ndarray, logged: np.ndarray, features: Sequence[str]
) -> None:
    """Fill NaN with the column's impute value and log1p the logged columns, in place: a
    million customers' matrix is not copied per step."""
    np.copyto(values, impute, where=np.isnan(values))
    logged_columns = np.flatnonzero(logged)
    negative = [column for column in logged_columns if (values[:, column] < 0).any()]
    if negative:
        raise ValueError(
            f"log-transformed features must not be negative: {np.asarray(features)[negative]}"
        )
    for column in logged_columns:
        np.log1p(values[:, column], out=values[:, column])


def _to_pandas(table: Table) -> pd.DataFrame:
    return table.to_pandas() if isinstance(table, pa.Table) else table


def _sample(matrix: np.ndarray | ScaledTable, size: int, seed: int) -> np.ndarray:
    """Sorted row positions of a seeded sample without replacement (all rows when fewer): the
    customers of ``stable_sample`` where the rows carry customer_id, so removing a few
    customers redraws no one else."""
    if isinstance(matrix, ScaledTable) and "customer_id" in matrix.table.column_names:
        return stable_sample(matrix.table, size, seed)
    if len(matrix) <= size:
        return np.arange(len(matrix))
    return np.sort(np.random.default_rng(seed).choice(len(matrix), size=size, replace=False))


# --- choosing k ------------------------------------------------------------------------------


def find_knee(x: Sequence[float], y: Sequence[float]) -> int:
    """Position of the knee of a convex curve by the Kneedle method, x in ascending order.

    Both axes are scaled to [0, 1]; the knee is the point farthest below the straight line
    joining the first and last points (ties to the first). Inertia by k falls and sorted
    k-distances rise, and both are convex, so "below the chord" fits both; measuring below
    (not either side) keeps a concave stretch before a sharp drop from being taken as the knee.
    """
    points = np.column_stack([x, y]).astype(float)
    span = np.ptp(points, axis=0)
    scaled_x, scaled_y = ((points - points.min(axis=0)) / np.where(span > 0, span, 1.0)).T
    chord = scaled_y[0] + (scaled_y[-1] - scaled_y[0]) * scaled_x
    return int(np.argmax(chord - scaled_y))


@_one_thread
def select_k(
    matrix: np.ndarray | ScaledTable,
    k_range: Iterable[int] = range(2, 11),
    sample_size: int = METRIC_SAMPLE_SIZE,
    bootstrap_runs: int = 5,
    seed: int = 0,
    min_stability: float = MIN_STABILITY,
    fixed_k: int | None = None,
    previous_k: int | None = None,
    min_gain: float = REFIT_MIN_GAIN,
) -> pd.DataFrame:
    """Score each k on one seeded sample and choose one.

    For each k, k-means is fitted on the sample (at most ``sample_size`` rows); inertia,
    silhouette, Davies-Bouldin and Calinski-Harabasz are computed on that sample only, so the
    quadratic silhouette never sees all rows. Stability is the mean adjusted Rand index between
    the sample's labels and the labels a refit on a bootstrap resample gives the same points
    (the resamples are shared by every k). ``is_knee`` marks the Kneedle elbow of inertia.

    Rule: among ks with stability >= ``min_stability`` (all ks when none is that stable), choose
    the highest silhouette, ties to the smaller k; but the previous build's ``previous_k`` stays
    chosen while it is a candidate whose silhouette is within ``min_gain`` (a share of the
    highest) of the highest, as a new k refits every segment. ``fixed_k`` overrides the rule (and
    is scored even when outside ``k_range``).
    """
    rng = np.random.default_rng(seed)
    positions = _sample(matrix, sample_size, seed)
    sample, keys = matrix[positions], _keys(matrix, positions)
    # silhouette needs 2 <= k <= points - 1: small own data caps the range rather than failing
    ks = sorted(
        {k for k in k_range if k < len(sample)} | ({fixed_k} if fixed_k is not None else set())
    )
    if not ks or max(ks) >= len(sample):
        raise ValueError(
            f"k-means segmentation needs more customers than segments: {len(sample)} customers "
            f"cannot be split into {fixed_k or min(k_range)} or more segments. Lower var "
            "segmentation_k_min (or segmentation_fixed_k), or bring more customers."
        )
    resamples = rng.integers(0, len(sample), size=(bootstrap_runs, len(sample)))
    rows = []
    for k in ks:
        model = keyed_kmeans(sample, keys, k, seed)
        refits = [
            keyed_kmeans(sample[draw], keys[draw], k, seed + 1 + run).predict(sample)
            for run, draw in enumerate(resamples)
        ]
        rows.append(
            {
                "k": k,
                "inertia": model.inertia_,
                "silhouette": silhouette_score(sample, model.labels_),
                "davies_bouldin": davies_bouldin_score(sample, model.labels_),
                "calinski_harabasz": calinski_harabasz_score(sample, model.labels_),
                "stability": np.mean([adjusted_rand_score(model.labels_, r) for r in refits])
                if refits
                else np.nan,
            }
        )
    scores = pd.DataFrame(rows)
    scores["is_knee"] = np.arange(len(scores)) == find_knee(scores["k"], scores["inertia"])
    if fixed_k is not None:
        chosen = fixed_k
    else:
        stable = scores[scores["stability"] >= min_stability]
        candidates = stable if len(stable) else scores
        # idxmax returns the first maximum and ks are sorted, so ties go to the smaller k
        chosen = candidates.loc[candidates["silhouette"].idxmax(), "k"]
        best = candidates["silhouette"].max()
        kept = candidates.loc[candidates["k"] == previous_k, "silhouette"]
        # a k that only just overtakes the previous build's would refit every segment
        if len(kept) and kept.item() >= best - min_gain * abs(best):
            chosen = previous_k
    scores["is_chosen"] = scores["k"] == chosen
    columns = ["k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz"]
    return scores[[*columns, "is_knee", "stability", "is_chosen"]]


def previous_build(dbt, session) -> pa.Table | None:
    """A dbt Python model's own table as the last build left it (read before it is replaced),
    or None on a first build."""
    exists = session.execute(
        "select count(*) from information_schema.tables"
        " where table_catalog = ? and table_schema = ? and table_name = ?",
        [dbt.this.database, dbt.this.schema, dbt.this.identifier],
    ).fetchall()[0][0]
    return session.sql(f"select * from {dbt.this}").to_arrow_table() if exists else None


def chosen_k(selection: Table) -> int:
    """The k that ``select_k`` marked as chosen."""
    scores = _to_pandas(selection)
    return int(scores.loc[scores["is_chosen"], "k"].item())


# --- fitting and assigning -------------------------------------------------------------------


@_one_thread
def fit_kmeans(
    matrix: np.ndarray | ScaledTable, k: int, sample_size: int = FIT_SAMPLE_SIZE, seed: int = 0
) -> np.ndarray:
    """Scaled k-means centroids, largest segment first, fitted on a seeded sample of rows.

    Ordering by size makes first-fit segment ids readable (1 is the biggest) and independent of
    the arbitrary order k-means finds clusters in.
    """
    positions = _sample(matrix, sample_size, seed)
    return _largest_first(keyed_kmeans(matrix[positions], _keys(matrix, positions), k, seed))


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
    hashed = _mix64(np.asarray(keys).astype(np.uint64))
    chosen = []
    squared = np.ones(len(points))  # the first centre is a uniform draw
    for centre in range(k):
        draw = _mix64(hashed ^ _mix64(np.array([stream * 1_000 + centre], dtype=np.uint64)))
        # an exponential variate from the top 53 bits of the hash, never log(0)
        race = -np.log(((draw >> np.uint64(11)).astype(float) + 0.5) / 2.0**53)
        chosen.append(int(np.argmax(squared / race)))
        distance = np.sum((points - points[chosen[-1]]) ** 2, axis=1)
        squared = distance if centre == 0 else np.minimum(squared, distance)
    return points[chosen]


def _keys(matrix: np.ndarray | ScaledTable, positions: np.ndarray) -> np.ndarray:
    return matrix.keys(positions) if isinstance(matrix, ScaledTable) else positions


@_one_thread
def refit_from(sample: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """k-means started from given centroids (same order out): where the data did not move
    them, they come back as they were."""
    model = KMeans(n_clusters=len(centroids), init=centroids, n_init=1, tol=0).fit(sample)
    return model.cluster_centers_


def inertia(matrix: np.ndarray, centroids: np.ndarray) -> float:
    """Sum of squared distances of the rows to their nearest centroid."""
    nearest = assign_nearest(matrix, centroids)
    return float(np.sum((matrix - centroids[nearest]) ** 2))


def stable_sample(table: pa.Table, size: int, seed: int = 0) -> np.ndarray:
    """Sorted positions of the `size` rows with the smallest seeded hash of their customer_id
    (all rows when fewer): removing a few customers takes no one else out of the sample or in."""
    if table.num_rows <= size:
        return np.arange(table.num_rows)
    customer_ids = table.column("customer_id").to_numpy().astype(np.uint64)
    hashed = _mix64(_mix64(customer_ids) ^ np.uint64(seed))
    return np.sort(np.argpartition(hashed, size - 1)[:size])


def _mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer: a bijection of 64-bit integers that spreads neighbouring ids."""
    mixed = values + np.uint64(0x9E3779B97F4A7C15)
    mixed = (mixed ^ (mixed >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    mixed = (mixed ^ (mixed >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return mixed ^ (mixed >> np.uint64(31))


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
    recipe = _to_pandas(preprocessing)
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
    recipe = _to_pandas(preprocessing)
    stored = _to_pandas(table)
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
    recipe = _to_pandas(preprocessing)
    rows = ScaledTable(table, recipe)
    positions = stable_sample(rows.table, sample_size, seed)
    sample = rows[positions]
    fresh = _largest_first(keyed_kmeans(sample, rows.keys(positions), k, seed))
    if previous_centroids is None or _to_pandas(previous_centroids).empty:
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


# --- comparing methods -----------------------------------------------------------------------


@_one_thread
def compare_methods(
    matrix: np.ndarray | ScaledTable, k: int, sample_size: int = METRIC_SAMPLE_SIZE, seed: int = 0
) -> pd.DataFrame:
    """Fit k-means, a Gaussian mixture, Ward agglomerative and DBSCAN; score them alike.

    Every method labels one seeded sample of ``sample_size`` rows, and every column is computed
    on it (labelling all rows would change no score: at 1M customers DBSCAN's nearest core point
    for every row took longer than all the fits). k-means fits on up to FIT_SAMPLE_SIZE rows, as
    in production. The mixture fits on the sample (on 200,000 rows its full covariances took
    longer than all other methods together). Ward is quadratic in memory, so it fits on the
    sample, whose rows then go to the nearest cluster mean. DBSCAN fits on the sample with
    min_samples = 2 * dimensions and eps at the Kneedle knee of the sorted distances to the
    min_samples-th neighbour; a row within eps of a core point takes its nearest core point's
    cluster, the rest are noise. Its silhouette, Davies-Bouldin and Calinski-Harabasz leave
    noise out; ari_vs_kmeans keeps noise as one label.
    """
    sample = matrix[_sample(matrix, sample_size, seed)]
    fit_rows = matrix[_sample(matrix, FIT_SAMPLE_SIZE, seed)]

    def kmeans() -> np.ndarray:
        return assign_nearest(sample, fit_kmeans(fit_rows, k, seed=seed))

    def gaussian_mixture() -> np.ndarray:
        return GaussianMixture(n_components=k, random_state=seed).fit(sample).predict(sample)

    def agglomerative_ward() -> np.ndarray:
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(sample)
        return assign_nearest(sample, _cluster_means(sample, labels, k))

    def dbscan() -> np.ndarray:
        return _dbscan_labels(sample)

    rows = []
    methods = {
        "kmeans": kmeans,
        "gaussian_mixture": gaussian_mixture,
        "agglomerative_ward": agglomerative_ward,
        "dbscan": dbscan,
    }
    for method, fit in methods.items():
        started = time.perf_counter()
        labels = fit()
        seconds = time.perf_counter() - started
        rows.append({"method": method, "labels": labels, "fit_seconds": seconds})
    reference = rows[0]["labels"]
    return pd.DataFrame(
        [
            {
                "method": row["method"],
                "n_segments": len(np.unique(row["labels"][row["labels"] >= 0])),
                **_scores(sample, row["labels"]),
                "noise_share": float(np.mean(row["labels"] < 0)),
                "ari_vs_kmeans": adjusted_rand_score(reference, row["labels"]),
                "fit_seconds": row["fit_seconds"],
            }
            for row in rows
        ]
    )


def _cluster_means(points: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    sums = np.zeros((k, points.shape[1]))
    np.add.at(sums, labels, points)
    return sums / np.bincount(labels, minlength=k)[:, None]


def _dbscan_labels(sample: np.ndarray) -> np.ndarray:
    # the usual 2 x dimensions, capped for a sample smaller than that (tiny own data)
    min_samples = min(2 * sample.shape[1], len(sample))
    # the query point is its own first neighbour, as DBSCAN counts it in min_samples
    distances, _ = NearestNeighbors(n_neighbors=min_samples).fit(sample).kneighbors(sample)
    k_distance = np.sort(distances[:, -1])
    eps = max(k_distance[find_knee(np.arange(len(k_distance)), k_distance)], 1e-12)
    model = DBSCAN(eps=eps, min_samples=min_samples).fit(sample)
    core = model.core_sample_indices_
    if len(core) == 0:
        return np.full(len(sample), -1)
    reach, nearest = NearestNeighbors(n_neighbors=1).fit(sample[core]).kneighbors(sample)
    return np.where(reach[:, 0] <= eps, model.labels_[core][nearest[:, 0]], -1)


def _scores(points: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    clustered = labels >= 0
    points, labels = points[clustered], labels[clustered]
    if not 2 <= len(np.unique(labels)) < len(labels):
        return {"silhouette": np.nan, "davies_bouldin": np.nan, "calinski_harabasz": np.nan}
    return {
        "silhouette": silhouette_score(points, labels),
        "davies_bouldin": davies_bouldin_score(points, labels),
        "calinski_harabasz": calinski_harabasz_score(points, labels),
    }


# --- profiling and naming --------------------------------------------------------------------


def segment_profile(
    table: Table, segment_ids: Sequence[int], features: Sequence[str] = DEFAULT_FEATURES
) -> pd.DataFrame:
    """One row per segment and feature: mean raw value and its index vs the population.

    index = 100 * segment mean / population mean (100 = average); means skip nulls, as SQL
    ``avg`` does, so the same table can be computed in SQL after assignment.
    """
    values = pd.DataFrame(raw_values(table, features), columns=list(features))
    segments = pd.Series(np.asarray(segment_ids), name="segment_id")
    means = values.groupby(segments).mean()
    population = values.mean()
    customers = segments.value_counts().reindex(means.index)
    profile = pd.DataFrame(
        {
            "segment_id": np.repeat(means.index.to_numpy(), len(features)),
            "customers": np.repeat(customers.to_numpy(), len(features)),
            "feature": np.tile(np.asarray(features, dtype=object), len(means)),
            "segment_mean": means.to_numpy().ravel(),
            "population_mean": np.tile(population.to_numpy(), len(means)),
        }
    )
    population_mean = profile["population_mean"].where(profile["population_mean"] != 0)
    profile["index"] = 100 * profile["segment_mean"] / population_mean
    return profile


def name_segments(profile: Table, rules: Table) -> pd.DataFrame:
    """A unique name for every segment from a profile and the naming rules seed.

    ``profile`` needs segment_id, feature and index (100 = population average); ``rules`` needs
    precedence, segment_name, feature, operator (">=" or "<="), threshold and description.

    Algorithm: rules are applied in ascending precedence. A rule looks at the segments still
    unnamed whose index for its feature passes ``index <operator> threshold`` and gives its
    name to the single most extreme of them (highest index for ">=", lowest for "<="; ties to
    the smaller segment_id). So each rule names at most one segment and each segment gets at
    most one rule name; rule names must be unique in the seed. A segment no rule names is
    called "Segment <id>: Mixed". A rule whose feature is not in the profile never matches.
    """
    ordered = _to_pandas(rules).sort_values("precedence", kind="stable")
    if ordered["segment_name"].duplicated().any():
        raise ValueError("segment_name must be unique in the naming rules")
    if not ordered["operator"].isin([">=", "<="]).all():
        raise ValueError("naming rule operators must be '>=' or '<='")
    index = _to_pandas(profile).pivot_table(
        index="segment_id", columns="feature", values="index", aggfunc="first", dropna=False
    )
    segment_ids = index.index.to_numpy(dtype=np.int64)
    names = np.array([f"Segment {segment}: Mixed" for segment in segment_ids], dtype=object)
    named = np.zeros(len(segment_ids), dtype=bool)
    feature = np.full(len(segment_ids), None, dtype=object)
    matched = np.full(len(segment_ids), np.nan)
    description = np.full(len(segment_ids), "Matches no naming rule", dtype=object)
    # Greedy in precedence order: a segment taken by an earlier rule is not available later.
    for rule in ordered.itertuples(index=False):
        if rule.feature not in index.columns:
            continue
        sign = 1.0 if rule.operator == ">=" else -1.0
        signed = sign * index[rule.feature].to_numpy(dtype=float)
        eligible = ~named & (signed >= sign * rule.threshold)
        if not eligible.any():
            continue
        best = np.flatnonzero(eligible)[np.argmax(signed[eligible])]
        names[best], named[best] = rule.segment_name, True
        feature[best], matched[best] = rule.feature, sign * signed[best]
        description[best] = rule.description
    return pd.DataFrame(
        {
            "segment_id": segment_ids,
            "segment_name": names,
            "naming_feature": feature,
            "naming_index": matched,
            "description": description,
        }
    )
