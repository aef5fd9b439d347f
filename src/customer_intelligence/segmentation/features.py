"""Features and their scaling: which columns segment customers, and the preprocessing recipe
(impute, log1p the skewed, standardize) that Python and SQL apply alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def raw_values(table: Table, features: Sequence[str]) -> np.ndarray:
    """The named columns as a new float matrix, nulls as NaN (decimals and integers cast)."""
    arrow = to_arrow(table)
    missing = [name for name in features if name not in arrow.column_names]
    if missing:
        raise KeyError(f"feature columns missing from the input table: {missing}")
    values = np.empty((arrow.num_rows, len(features)))
    for position, name in enumerate(features):
        column = pc.cast(arrow.column(name), pa.float64())
        values[:, position] = column.to_numpy(zero_copy_only=False)
    return values


def default_features(table: Table) -> list[str]:
    """DEFAULT_FEATURES plus any extra numeric columns (features the user's own data brings),
    keeping only those that vary: own data often lacks some inputs (no product categories, no
    customer profile), and a column that is empty or constant cannot separate customers."""
    arrow = to_arrow(table)
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
    recipe = to_pandas(preprocessing)
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
        self.table = to_arrow(table)
        self.preprocessing = to_pandas(preprocessing)

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
    recipe = to_pandas(preprocessing)
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


def to_pandas(table: Table) -> pd.DataFrame:
    return table.to_pandas() if isinstance(table, pa.Table) else table


def to_arrow(table: Table) -> pa.Table:
    return (
        table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
    )
