"""Web sessions: each customer's visits while active (and for 60 days after), some anonymous."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from customer_intelligence.generate.keyed import within
from customer_intelligence.generate.personas import TRAITS
from customer_intelligence.generate.schemas import DAY, timestamps

TRAFFIC = ("email", "organic", "paid", "direct")
DEVICES = ("desktop", "mobile", "tablet")


def session_rows(kd, ctx, cust, first_id):
    ids, persona = cust["id"], cust["persona"]
    mean = TRAITS["sessions"][persona] * np.exp(0.5 * kd.normal("n_sessions", ids) - 0.125)
    n_sessions = np.clip(np.round(mean), 0, 4000).astype(np.int64)
    r = np.repeat(np.arange(len(ids)), n_sessions)
    key = ids[r] * 4096 + within(n_sessions)
    lo = cust["active_from"][r]
    hi = np.minimum(cust["active_to"][r] + 60 * DAY, ctx.end_ts)
    ts = lo + (kd.uniform("started_at", key) * (hi - lo)).astype(np.int64)
    order = np.lexsort((key, ts, r))
    r, key, ts = r[order], key[order], ts[order]
    single = kd.uniform("single_page", key) < 0.35
    pages = 2 + kd.exponential("pages", key, 3.0).astype(np.int64)
    return {
        "session_id": first_id + np.arange(len(r)),
        "customer_id": pa.array(ids[r], mask=kd.uniform("anonymous", key) < 0.15),
        "started_at": timestamps(ts),
        "pages_viewed": np.where(single, 1, pages),
        "traffic_source": np.array(TRAFFIC)[
            kd.choice("traffic", key, TRAITS["traffic"][persona[r]])
        ],
        "device": np.array(DEVICES)[kd.choice("device", key, TRAITS["devices"][persona[r]])],
    }
