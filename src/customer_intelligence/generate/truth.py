"""The ground truth for planted.json: the planted structure and each campaign's openers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from customer_intelligence.generate.campaigns import (
    CLICK_RATES,
    CONVERSION_DAYS,
    CONVERSION_RATES,
    PLANNED_SHARES,
    VARIANTS,
)
from customer_intelligence.generate.orders import UNKNOWN_CUSTOMER_OFFSET
from customer_intelligence.generate.personas import PERSONAS
from customer_intelligence.generate.products import AFFINITY_PROBABILITY

if TYPE_CHECKING:
    from customer_intelligence.generate.context import Context


def planted(seed, n_customers, end_date, ctx, persona_counts, stats, conflicting) -> dict:
    """The planted structure, for planted.json."""
    camps = ctx.campaigns
    return {
        "seed": seed,
        "n_customers": n_customers,
        "window": {
            "start": pd.Timestamp(ctx.start_ts, unit="s").strftime("%Y-%m-%d"),
            "end": end_date,
        },
        "personas": {name: int(c) for name, c in zip(PERSONAS, persona_counts, strict=True)},
        "affinity_pairs": [
            {"product_a": int(a) + 1, "product_b": int(b) + 1, "b_added": AFFINITY_PROBABILITY}
            for a, b in ctx.pairs
        ],
        "experiment": {
            "experiment_id": ctx.experiment_id,
            "sent_at": str(pd.Timestamp(int(camps["sent_ts"].iloc[-1]), unit="s")),
            "conversion_window_days": CONVERSION_DAYS,
            "definitions": {
                "conversion": "recipient (one 'sent' row) with a completed order within"
                " conversion_window_days after sent_at; bounced recipients count too",
                "planned_click_rate": "P(content click) of a delivered (not bounced) recipient",
                "content_clickers": "recipients with at least one content click",
            },
            "variants": {
                v: {
                    "campaign_id": int(camps["campaign_id"].iloc[12 + i]),
                    "planned_share": PLANNED_SHARES[i],
                    "planned_conversion_rate": CONVERSION_RATES[i],
                    "planned_click_rate": CLICK_RATES[i],
                    **stats[v],
                }
                for i, v in enumerate(VARIANTS)
            },
        },
        "unknown_customer_id_offset": UNKNOWN_CUSTOMER_OFFSET,
        "conflicting_product_ids": [int(p) for p in conflicting],
    }


def planted_opens(ctx: Context, machine_open_share: float, opens: np.ndarray) -> dict:
    """Each campaign's human and machine-only openers, for planted.json."""
    return {
        "machine_open_share": machine_open_share,
        "definitions": {
            "machine_open_share": "share of customers whose mail client opens (prefetches) every"
            " delivered email within minutes of delivery; their own opens and clicks happen too",
            "human_unique_opens": "delivered recipients who opened the email themselves (anyone"
            " who clicked did)",
            "machine_only_openers": "delivered recipients whose only opens are machine opens",
        },
        "campaigns": {
            str(campaign_id): {
                "delivered": int(delivered),
                "human_unique_opens": int(human),
                "machine_only_openers": int(machine_only),
            }
            for campaign_id, (delivered, human, machine_only) in zip(
                ctx.campaigns["campaign_id"], opens, strict=True
            )
        },
    }
