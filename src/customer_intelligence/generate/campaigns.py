"""The campaigns and who receives them: twelve ordinary sends and an A/B test's three arms, each
customer's mailing-list timeline (subscribe, preference-centre pause, leaving by email), the
orders campaigns bring, and the subscription rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from customer_intelligence.generate.email_events import recipient_events
from customer_intelligence.generate.keyed import Keyed
from customer_intelligence.generate.personas import LAPSED, TRAITS
from customer_intelligence.generate.schemas import DAY, NEVER, TEXT, money, timestamps

if TYPE_CHECKING:
    from customer_intelligence.generate.context import Context

VARIANTS = ("control", "rfm_targeted", "kmeans_targeted")
PLANNED_SHARES = (0.34, 0.33, 0.33)
CONVERSION_RATES = (0.02, 0.05, 0.10)
CLICK_RATES = (0.03, 0.06, 0.12)
CONVERSION_DAYS = 7
# campaign orders get sequence numbers above any customer's ordinary orders
CAMPAIGN_SEQ = 512
CAMPAIGN_THEMES = (
    "New season wines", "Fresh fruit week", "Barbecue favourites", "Catch of the day",
    "Sweet treats", "Gold selection", "Spring offers", "Summer picnic", "Autumn harvest",
    "Winter warmers", "Loyalty rewards", "Holiday gifts",
)  # fmt: skip
# lapsed customers never answer a campaign with an order, so the others convert a little more
# often to keep each arm's overall conversion rate at the planned rate
_ACTIVE_OPT_IN_SHARE = 1 - (TRAITS["share"][LAPSED] * TRAITS["opt_in"][LAPSED]) / (
    TRAITS["share"] @ TRAITS["opt_in"]
)


def plan(rng: np.random.Generator, start_ts: int, end_ts: int, end_year: int):
    """The campaigns (ordinary ones roughly every three months, then the experiment's three arms)
    and the experiment's id."""
    send_days = 45 + 88 * np.arange(12) + rng.integers(-5, 6, size=12)
    sent = start_ts + send_days * DAY + rng.integers(9 * 3600, 11 * 3600, size=12)
    exp_sent = end_ts + 1 - 40 * DAY + 10 * 3600
    experiment_id = f"exp_{end_year}_targeting"
    month = pd.to_datetime(sent, unit="s").strftime("%Y-%m")
    campaigns = pd.DataFrame(
        {
            "campaign_id": np.arange(1, 16),
            "campaign_name": [f"{m} {t}" for m, t in zip(month, CAMPAIGN_THEMES, strict=True)]
            + [f"{experiment_id} {v}" for v in VARIANTS],
            "sent_ts": np.concatenate([sent, np.full(3, exp_sent)]),
            "subject": [f"{t}: our picks for you" for t in CAMPAIGN_THEMES]
            + ["Picked for you: this week's selection"] * 3,
            "cost": np.round(rng.uniform(300, 1500, size=15), 2),
            "experiment_id": [None] * 12 + [experiment_id] * 3,
            "variant": [None] * 12 + list(VARIANTS),
            "planned_share": [None] * 12 + list(PLANNED_SHARES),
            "audience_share": np.concatenate([rng.uniform(0.4, 0.7, size=12), np.ones(3)]),
        }
    )
    return campaigns, experiment_id


def campaign_rows(camps: pd.DataFrame) -> dict[str, pa.Array]:
    return {
        "campaign_id": camps["campaign_id"].to_numpy(),
        "campaign_name": camps["campaign_name"].to_numpy(),
        "sent_at": timestamps(camps["sent_ts"].to_numpy()),
        "subject": camps["subject"].to_numpy(),
        "cost": money(camps["cost"].to_numpy()),
        "experiment_id": pa.array(camps["experiment_id"], type=TEXT, from_pandas=True),
        "variant": pa.array(camps["variant"], type=TEXT, from_pandas=True),
        "planned_share": pa.array(camps["planned_share"], type=pa.float64(), from_pandas=True),
    }


@dataclass
class Mailing:
    events: dict[str, np.ndarray]
    subscriptions: dict[str, np.ndarray]
    campaign_orders: dict[str, np.ndarray]  # customer index, ordered_ts, seq
    experiment_sent_ts: np.ndarray  # per customer; NEVER when not in the experiment


def draw_mailing(
    kd: Keyed, ctx: Context, cust: dict, stats: dict, machine_open_share: float, opens: np.ndarray
) -> Mailing:
    ids, n = cust["id"], len(cust["id"])
    subscribe_at = cust["signup_day"] * DAY + kd.integers("subscribe", ids, 0, DAY)
    subscribed_ts = np.where(cust["opt_in"], subscribe_at, NEVER)
    # a few customers leave the list through the preference centre; some come back later
    paused = cust["opt_in"] & (kd.uniform("pause", ids) < 0.02)
    lo = np.maximum(subscribe_at, ctx.start_ts)
    pause_at = lo + (kd.uniform("pause_at", ids) * (ctx.end_ts - lo)).astype(np.int64)
    pause_from = np.where(paused, pause_at, NEVER)
    resume = pause_at + kd.integers("pause_days", ids, 30 * DAY, 300 * DAY)
    pause_to = np.where(
        paused & (kd.uniform("resume", ids) < 0.4) & (resume < ctx.end_ts), resume, NEVER
    )
    left_ts = np.full(n, NEVER)  # unsubscribed or complained by email
    left_type = np.full(n, "unsubscribe", dtype=object)
    bounced_ts = np.full(n, NEVER)
    exp_sent = np.full(n, NEVER)
    events, orders = [], []

    camps = ctx.campaigns
    ordinary = camps[camps["experiment_id"].isna()]
    sends = [
        (int(c), s, False) for c, s in zip(ordinary.index, ordinary["audience_share"], strict=True)
    ]
    # the experiment's arms share one send: eligible customers are split between the arms
    sends.append((int(camps.index[camps["experiment_id"].notna()][0]), 1.0, True))
    for idx, share, is_experiment in sends:
        sent = int(camps["sent_ts"].iloc[idx])
        eligible = (
            (subscribed_ts <= sent)
            & ~((pause_from <= sent) & (sent < pause_to))
            & (left_ts > sent)
            & (bounced_ts > sent)
        )
        if is_experiment:
            r = np.flatnonzero(eligible)
            arm = kd.choice("arm", ids[r], np.array(PLANNED_SHARES))
            click_p = np.array(CLICK_RATES)[arm]
        else:
            r = np.flatnonzero(eligible & (kd.uniform(f"audience{idx}", ids) < share))
            arm = np.zeros(len(r), dtype=np.int64)
            click_p = TRAITS["clicks"][cust["persona"][r]]
        campaign_idx = idx + arm
        ev, content, left, bounced, kind = recipient_events(
            kd, cust, r, campaign_idx, sent, click_p, machine_open_share, opens
        )
        events.append(ev)
        left_type[r] = np.where(left < left_ts[r], kind, left_type[r])
        left_ts[r] = np.minimum(left_ts[r], left)
        bounced_ts[r] = np.minimum(bounced_ts[r], bounced)

        key = ids[r] * 16 + campaign_idx
        active = cust["persona"][r] != LAPSED
        if is_experiment:
            exp_sent[r] = sent
            rate = np.array(CONVERSION_RATES)[arm] / _ACTIVE_OPT_IN_SHARE
            buys = active & (kd.uniform("convert", key) < rate)
            ts = sent + 600 + kd.integers("convert_at", key, 0, CONVERSION_DAYS * DAY - 1200)
            for a, variant in enumerate(VARIANTS):
                in_arm = arm == a
                stats[variant]["recipients"] += int(in_arm.sum())
                stats[variant]["converters"] += int((buys & in_arm).sum())
                stats[variant]["content_clickers"] += int((content & in_arm).sum())
        else:
            # ordinary campaigns lift orders slightly: some clickers buy within three days
            buys = active & content & (kd.uniform("lift", key) < 0.15)
            ts = sent + 3600 + kd.integers("lift_at", key, 0, 3 * DAY)
        orders.append((r[buys], ts[buys], CAMPAIGN_SEQ + campaign_idx[buys]))

    events = {k: np.concatenate([e[k] for e in events]) for k in events[0]}
    sub_r = [np.flatnonzero(cust["opt_in"])]
    sub_ts = [subscribed_ts[sub_r[0]]]
    sub_type = [np.full(len(sub_r[0]), "subscribe")]
    # the preference-centre pause is dropped when the customer had already left by email
    pause = np.flatnonzero(paused & (pause_from < left_ts))
    resumed = pause[pause_to[pause] < NEVER]
    left = np.flatnonzero(left_ts < NEVER)
    for r, ts, kind in [
        (pause, pause_from[pause], np.full(len(pause), "unsubscribe")),
        (resumed, pause_to[resumed], np.full(len(resumed), "subscribe")),
        (left, left_ts[left], left_type[left]),
    ]:
        sub_r.append(r)
        sub_ts.append(ts)
        sub_type.append(kind)
    return Mailing(
        events=events,
        subscriptions={
            "r": np.concatenate(sub_r),
            "ts": np.concatenate(sub_ts),
            "event_type": np.concatenate(sub_type).astype(object),
        },
        campaign_orders=dict(
            zip(
                ["r", "ts", "seq"],
                [np.concatenate(c) for c in zip(*orders, strict=True)],
                strict=True,
            )
        ),
        experiment_sent_ts=exp_sent,
    )


def subscription_rows(cust, mailing, first_id):
    sub = mailing.subscriptions
    kind_rank = np.where(sub["event_type"] == "subscribe", 0, 1)
    order = np.lexsort((kind_rank, sub["ts"], sub["r"]))
    r = sub["r"][order]
    return {
        "subscription_event_id": first_id + np.arange(len(order)),
        "customer_id": cust["id"][r],
        "email": cust["email"][r],
        "event_type": sub["event_type"][order],
        "event_at": timestamps(sub["ts"][order]),
    }
