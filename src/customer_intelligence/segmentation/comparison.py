"""Comparing methods: k-means, a Gaussian mixture, Ward agglomerative and DBSCAN, scored alike on
one seeded sample."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.cluster import DBSCAN, AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors

from .features import ScaledTable
from .kmeans import FIT_SAMPLE_SIZE, assign_nearest, fit_kmeans, one_thread
from .sampling import sample_positions
from .selection import METRIC_SAMPLE_SIZE, cluster_scores, find_knee


@one_thread
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
    sample = matrix[sample_positions(matrix, sample_size, seed)]
    fit_rows = matrix[sample_positions(matrix, FIT_SAMPLE_SIZE, seed)]

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
                **cluster_scores(sample, row["labels"]),
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
