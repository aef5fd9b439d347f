"""The tables the segmentation's dbt models return: their columns, the empty result of a build
with nothing to fit, and a model's own table as the previous build left it."""

from __future__ import annotations

import pyarrow as pa

# how well the labels of each k (select_k) or method (compare_methods) separate the customers
SCORE_COLUMNS = ("silhouette", "davies_bouldin", "calinski_harabasz")

# each model's columns, in order
RESULT_COLUMNS = {
    "preprocessing": ("feature", "log_transformed", "impute_rule", "impute_value", "mean", "std"),
    "selection": ("k", "inertia", *SCORE_COLUMNS, "is_knee", "stability", "is_chosen"),
    "centroids": (
        "segment_id",
        "feature",
        "centroid_scaled",
        "centroid_original",
        "fit_start",
        "customers_moved_in",
    ),
    "comparison": (
        "method",
        "n_segments",
        *SCORE_COLUMNS,
        "noise_share",
        "ari_vs_kmeans",
        "fit_seconds",
    ),
    "names": ("segment_id", "segment_name", "naming_feature", "naming_index", "description"),
}
# a column has one type in every table it is in; a column not named here is a double
COLUMN_TYPES = {
    **dict.fromkeys(("k", "segment_id", "n_segments", "customers_moved_in"), pa.int64()),
    **dict.fromkeys(("log_transformed", "is_knee", "is_chosen"), pa.bool_()),
    **dict.fromkeys(("feature", "impute_rule", "fit_start", "method", "segment_name"), pa.string()),
    **dict.fromkeys(("naming_feature", "description"), pa.string()),
}


def empty_result(name: str) -> pa.Table:
    """No rows, with the columns and types the named segmentation model returns (a build
    without customers, as own data with baskets only, or without a feature that varies)."""
    columns = RESULT_COLUMNS[name]
    return pa.schema(
        [(column, COLUMN_TYPES.get(column, pa.float64())) for column in columns]
    ).empty_table()


def previous_build(dbt, session) -> pa.Table | None:
    """A dbt Python model's own table as the last build left it (read before it is replaced),
    or None on a first build."""
    exists = session.execute(
        "select count(*) from information_schema.tables"
        " where table_catalog = ? and table_schema = ? and table_name = ?",
        [dbt.this.database, dbt.this.schema, dbt.this.identifier],
    ).fetchall()[0][0]
    return session.sql(f"select * from {dbt.this}").to_arrow_table() if exists else None
