"""Profiling and naming segments: each segment's feature means against the population, and a
unique name for each from the naming rules seed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .features import DEFAULT_FEATURES, Table, raw_values, to_pandas


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
    ordered = to_pandas(rules).sort_values("precedence", kind="stable")
    if ordered["segment_name"].duplicated().any():
        raise ValueError("segment_name must be unique in the naming rules")
    if not ordered["operator"].isin([">=", "<="]).all():
        raise ValueError("naming rule operators must be '>=' or '<='")
    index = to_pandas(profile).pivot_table(
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
