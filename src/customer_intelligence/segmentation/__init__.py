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

By subject: features (the columns and their scaling), sampling (samples by customer_id that
stay put), kmeans (fitting, refit from the previous build, stable ids), selection (choosing k),
comparison (other clustering methods), naming (profiles and names) and tables (the models'
columns, empty results and previous build).
"""

from .comparison import compare_methods
from .features import (
    DEFAULT_FEATURES,
    ScaledTable,
    apply_preprocessing,
    default_features,
    prepare_features,
    to_original_units,
)
from .kmeans import (
    align_to_previous,
    assign_nearest,
    centroid_table,
    centroids_from_table,
    fit_centroids,
    fit_kmeans,
    inertia,
    refit_from,
)
from .naming import name_segments, segment_profile
from .sampling import stable_sample
from .selection import chosen_k, find_knee, select_k
from .tables import empty_result, previous_build

__all__ = [
    "DEFAULT_FEATURES",
    "ScaledTable",
    "align_to_previous",
    "apply_preprocessing",
    "assign_nearest",
    "centroid_table",
    "centroids_from_table",
    "chosen_k",
    "compare_methods",
    "default_features",
    "empty_result",
    "fit_centroids",
    "fit_kmeans",
    "find_knee",
    "inertia",
    "name_segments",
    "prepare_features",
    "previous_build",
    "refit_from",
    "segment_profile",
    "select_k",
    "stable_sample",
    "to_original_units",
]
