"""What every chunk of customers shares: the three-year window, the catalogue and the campaigns.

These small tables come from ``numpy.random.default_rng(seed)``, drawn in one fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_intelligence.generate.campaigns import plan
from customer_intelligence.generate.products import catalogue


@dataclass(frozen=True)
class Context:
    """What every chunk shares: the window, the product catalogue and the campaigns."""

    start_ts: int
    end_ts: int
    end_year: int
    products: pd.DataFrame
    pairs: np.ndarray  # (n_pairs, 2) product indices: A, then the B it pulls in
    campaigns: pd.DataFrame
    experiment_id: str

    @classmethod
    def build(cls, seed: int, end_date: str) -> Context:
        rng = np.random.default_rng(seed)
        end = pd.Timestamp(end_date)
        start = end - pd.DateOffset(years=3) + pd.Timedelta(days=1)
        start_ts = int(start.timestamp())
        end_ts = int((end + pd.Timedelta(days=1)).timestamp()) - 1

        products, pairs = catalogue(rng)
        campaigns, experiment_id = plan(rng, start_ts, end_ts, end.year)
        return cls(start_ts, end_ts, end.year, products, pairs, campaigns, experiment_id)
