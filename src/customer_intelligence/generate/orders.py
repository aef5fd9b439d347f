"""Orders and their items: each customer's ordinary orders and those campaigns brought, 1-5
distinct products an order with the planted affinity pairs, and the order and item rows with
their planted dirt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from customer_intelligence.generate.campaigns import CAMPAIGN_SEQ, CONVERSION_DAYS
from customer_intelligence.generate.keyed import Keyed, band, within
from customer_intelligence.generate.personas import LAPSED, TRAITS
from customer_intelligence.generate.products import AFFINITY_PROBABILITY
from customer_intelligence.generate.schemas import DAY, money, timestamps

if TYPE_CHECKING:
    from customer_intelligence.generate.campaigns import Mailing
    from customer_intelligence.generate.context import Context

CHANNELS = ("web", "store", "catalog")
STATUSES = ("completed", "cancelled", "returned")
# orders of customers missing from raw_customers carry the real customer's id plus this offset
UNKNOWN_CUSTOMER_OFFSET = 1_000_000_000
UNPARSEABLE_TIMESTAMPS = np.array(["2024-13-45 10:00:00", "n/a", "0000-00-00 00:00:00"])


def draw_orders(kd: Keyed, cust: dict, mailing: Mailing) -> dict[str, np.ndarray]:
    ids, persona = cust["id"], cust["persona"]
    mean = TRAITS["orders"][persona] * np.exp(0.45 * kd.normal("n_orders", ids) - 0.1)
    n_orders = np.clip(np.round(mean), 1, CAMPAIGN_SEQ - 1).astype(np.int64)
    r = np.repeat(np.arange(len(ids)), n_orders)
    seq = within(n_orders)
    key = ids[r] * 1024 + seq
    lo, hi = cust["active_from"][r], cust["active_to"][r]
    ts = lo + (kd.uniform("ordered_at", key) * (hi - lo)).astype(np.int64)
    ts = np.where((persona[r] == LAPSED) & (seq == 0), hi, ts)
    # ordinary purchases skip the week after the experiment's send, so that week's orders are
    # exactly the planted conversions
    exp_sent = mailing.experiment_sent_ts[r]
    ts = np.where(
        (ts >= exp_sent) & (ts - exp_sent <= CONVERSION_DAYS * DAY),
        ts + CONVERSION_DAYS * DAY + 1,
        ts,
    )

    extra = mailing.campaign_orders
    r = np.concatenate([r, extra["r"]])
    seq = np.concatenate([seq, extra["seq"]])
    ts = np.concatenate([ts, extra["ts"]])
    key = ids[r] * 1024 + seq
    order = np.lexsort((seq, ts, r))
    r, seq, ts, key = r[order], seq[order], ts[order], key[order]
    persona = persona[r]
    from_campaign = seq >= CAMPAIGN_SEQ
    status = kd.choice("status", key, np.array([0.93, 0.04, 0.03]))
    return {
        "r": r,
        "key": key,
        "ts": ts,
        "persona": persona,
        "from_campaign": from_campaign,
        "channel": kd.choice("channel", key, TRAITS["channels"][persona]),
        "status": np.where(from_campaign, 0, status),
        "discount": kd.uniform("discount", key) < TRAITS["discount"][persona],
    }


def draw_items(kd: Keyed, ctx: Context, orders: dict) -> dict[str, np.ndarray]:
    """Distinct products per order (1-5 lines), with the planted affinity pairs."""
    n_lines = 1 + kd.choice("n_lines", orders["key"], TRAITS["lines"][orders["persona"]])
    o = np.repeat(np.arange(len(n_lines)), n_lines)
    line_key = orders["key"][o] * 8 + within(n_lines)
    category = kd.choice("category", line_key, TRAITS["categories"][orders["persona"][o]])
    product = category * 10 + kd.integers("product", line_key, 0, 10)
    pair_key = np.sort(o * 64 + product)
    pair_key = pair_key[np.r_[True, np.diff(pair_key) != 0]]  # a product once per order
    for a, b in ctx.pairs:
        o, product = pair_key // 64, pair_key % 64
        has_a, has_b = np.zeros((2, len(n_lines)), dtype=bool)
        has_a[o[product == a]] = True
        has_b[o[product == b]] = True
        add = has_a & ~has_b & (kd.uniform(f"affinity{a}", orders["key"]) < AFFINITY_PROBABILITY)
        # an order that already has five lines gives up its last line other than A for B
        lines = np.bincount(o, minlength=len(n_lines))
        last = (np.cumsum(lines) - 1)[add & (lines == 5)]
        pair_key = np.delete(pair_key, np.where(product[last] == a, last - 1, last))
        pair_key = np.sort(np.concatenate([pair_key, np.flatnonzero(add) * 64 + b]))
    o, product = pair_key // 64, pair_key % 64
    item_key = orders["key"][o] * 64 + product
    units = kd.exponential("units", item_key, TRAITS["extra_units"][orders["persona"][o]])
    return {
        "o": o,
        "product": product,
        "key": item_key,
        "quantity": 1 + np.minimum(units, 11).astype(np.int64),
        "unit_price": ctx.products["price"].to_numpy()[product],
    }


def order_and_item_rows(kd, cust, orders, items, counts, first_order_id):
    """Order and item rows with the planted dirt; ids follow the clean order."""
    n = len(orders["key"])
    order_id = first_order_id + np.arange(n)
    eligible = ~orders["from_campaign"]  # the experiment's conversions stay clean
    dirt = band(
        kd.uniform("order_dirt", orders["key"]),
        {"dup": 0.01, "conflict": 0.005, "future": 0.003, "unparseable": 0.001,
         "unknown": 0.005, "outlier": 0.002},
    )  # fmt: skip
    dirt = {k: v & eligible for k, v in dirt.items()}
    future = int(pd.Timestamp("2031-01-01").timestamp()) + kd.integers(
        "future_at", orders["key"], 0, 9 * 365 * DAY
    )
    ts = np.where(dirt["future"], future, orders["ts"])
    ordered_at = timestamps(ts).to_numpy(zero_copy_only=False)
    bad = UNPARSEABLE_TIMESTAMPS[kd.integers("bad_ts", orders["key"], 0, 3)]
    ordered_at[dirt["unparseable"]] = bad[dirt["unparseable"]]
    customer_id = cust["id"][orders["r"]] + dirt["unknown"] * UNKNOWN_CUSTOMER_OFFSET

    rows = np.repeat(np.arange(n), 1 + (dirt["dup"] | dirt["conflict"]))
    copy = np.r_[False, rows[1:] == rows[:-1]]
    other = 1 + kd.integers("conflict", orders["key"][rows], 0, 2)
    shift = np.where(copy & dirt["conflict"][rows], other, 0)
    orders_out = {
        "order_id": order_id[rows],
        "customer_id": customer_id[rows],
        "ordered_at": ordered_at[rows],
        "channel": np.array(CHANNELS)[(orders["channel"][rows] + shift) % 3],
        "status": np.array(STATUSES)[orders["status"][rows]],
        "discount_used": orders["discount"][rows],
    }

    o = items["o"]
    quantity = items["quantity"].copy()
    unit_price = items["unit_price"].copy()
    first_line = np.r_[True, o[1:] != o[:-1]]
    outlier = dirt["outlier"][o] & first_line
    quantity[outlier] = kd.integers("outlier_units", items["key"][outlier], 200, 501)
    clean_order = eligible & ~np.any(list(dirt.values()), axis=0)
    item_dirt = band(
        kd.uniform("item_dirt", items["key"]), {"dup": 0.01, "quantity": 0.0025, "price": 0.0025}
    )
    item_dirt = {k: v & clean_order[o] for k, v in item_dirt.items()}
    quantity[item_dirt["quantity"]] = -kd.integers("bad_units", items["key"], 0, 3)[
        item_dirt["quantity"]
    ]
    # a price of 0 is a free item, a purchase: only negative prices are dirt
    unit_price[item_dirt["price"]] = -unit_price[item_dirt["price"]]
    item_rows = np.repeat(np.arange(len(o)), 1 + item_dirt["dup"])
    items_out = {
        "order_id": order_id[o][item_rows],
        "product_id": items["product"][item_rows] + 1,
        "quantity": quantity[item_rows],
        "unit_price": money(unit_price[item_rows]),
    }

    for table, name, value in [
        ("orders", "exact_duplicates", dirt["dup"].sum()),
        ("orders", "conflicting_keys", dirt["conflict"].sum()),
        ("orders", "future_dates", dirt["future"].sum()),
        ("orders", "unparseable_dates", dirt["unparseable"].sum()),
        ("orders", "unknown_customers", dirt["unknown"].sum()),
        ("orders", "outlier_orders", outlier.sum()),
        ("order_items", "exact_duplicates", item_dirt["dup"].sum()),
        ("order_items", "invalid_quantities", item_dirt["quantity"].sum()),
        ("order_items", "invalid_unit_prices", item_dirt["price"].sum()),
        ("order_items", "outlier_quantities", outlier.sum()),
        ("order_items", "of_unknown_customer_orders", dirt["unknown"][o].sum()),
        ("order_items", "of_future_orders", dirt["future"][o].sum()),
        ("order_items", "of_unparseable_orders", dirt["unparseable"][o].sum()),
    ]:
        counts[table][name] += int(value)
    return orders_out, items_out
