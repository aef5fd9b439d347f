"""Choosing k: each candidate k scored on one seeded sample (inertia, silhouette, Davies-Bouldin,
Calinski-Harabasz, bootstrap stability), the Kneedle knee, and the rule that picks one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

from .features import ScaledTable, Table, to_pandas
from .kmeans import REFIT_MIN_GAIN, keyed_kmeans, one_thread
from .sampling import row_keys, sample_positions
from .tables import RESULT_COLUMNS, SCORE_COLUMNS

METRIC_SAMPLE_SIZE = 5_000
MIN_STABILITY = 0.8


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


@one_thread
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
    positions = sample_positions(matrix, sample_size, seed)
    sample, keys = matrix[positions], row_keys(matrix, positions)
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
                **cluster_scores(sample, model.labels_),
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
    return scores[list(RESULT_COLUMNS["selection"])]


def chosen_k(selection: Table) -> int:
    """The k that ``select_k`` marked as chosen."""
    scores = to_pandas(selection)
    return int(scores.loc[scores["is_chosen"], "k"].item())


def cluster_scores(points: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """SCORE_COLUMNS of labelled points, leaving out noise (label -1); NaN unless at least two
    clusters remain and not every point is a cluster of its own."""
    clustered = labels >= 0
    points, labels = points[clustered], labels[clustered]
    if not 2 <= len(np.unique(labels)) < len(labels):
        return dict.fromkeys(SCORE_COLUMNS, np.nan)
    return {
        "silhouette": silhouette_score(points, labels),
        "davies_bouldin": davies_bouldin_score(points, labels),
        "calinski_harabasz": calinski_harabasz_score(points, labels),
    }
