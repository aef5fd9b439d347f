"""Email events of a send (sent, bounces, opens, clicks, unsubscribes, complaints, forwards, and the
machine opens of prefetching mail clients), and the email event rows.

Machine opens (a mail client's privacy prefetch, flagged ``is_machine_open``) draw only from
streams of their own and take event ids above MACHINE_OPEN_EVENT_ID_OFFSET, so planting them
leaves every other row of every table as it was.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from customer_intelligence.generate.personas import TRAITS
from customer_intelligence.generate.schemas import DAY, NEVER, TEXT, timestamps

# share of customers whose mail client prefetches every delivered email (Apple Mail Privacy
# Protection and the like), and the minutes after delivery it takes
MACHINE_OPEN_SHARE = 0.45
MACHINE_OPEN_DELAY_MINUTES = (1, 10)
# a machine open's event id: this plus (customer id * 16 + campaign index), one per send
MACHINE_OPEN_EVENT_ID_OFFSET = 10**12


def recipient_events(kd, cust, r, campaign_idx, sent, click_p, machine_open_share, opens):
    """Email events of one send; r indexes customers, one entry per recipient. Adds each
    campaign's delivered, human openers and machine-only openers to `opens` (one row a campaign)."""
    key = cust["id"][r] * 16 + campaign_idx
    events = []

    def add(mask, slot, ts, event_type, link=None, machine=False):
        n = mask.sum()
        events.append(
            (r[mask], campaign_idx[mask], np.full(n, slot), ts[mask], np.full(n, event_type),
             np.full(n, link), np.full(n, machine))
        )  # fmt: skip

    everyone = np.ones(len(r), dtype=bool)
    sent_ts = sent + kd.integers("sent_delay", key, 1, 1800)
    add(everyone, 0, sent_ts, "sent")
    u = kd.uniform("bounce", key)
    hard = cust["dirt"]["invalid"][r] | (u < 0.01)  # invalid addresses always bounce
    soft = ~hard & (u < 0.03)
    bounce_ts = sent_ts + kd.integers("bounce_delay", key, 5, 300)
    add(hard, 1, bounce_ts, "hard_bounce")
    add(soft, 1, bounce_ts, "soft_bounce")

    delivered = ~hard & ~soft
    persona = cust["persona"][r]
    content = delivered & (kd.uniform("click", key) < click_p)
    unsub_click = delivered & (kd.uniform("unsub_click", key) < 0.004)
    pref_click = delivered & (kd.uniform("pref_click", key) < 0.003)
    opened = delivered & (
        (kd.uniform("open", key) < TRAITS["opens"][persona]) | content | unsub_click | pref_click
    )
    first_open = sent_ts + 60 + kd.exponential("open_delay", key, 6 * 3600).astype(np.int64)
    open_ts = first_open
    # opens may repeat for one recipient, so unique counting matters downstream
    for k, p in enumerate((1.0, 0.35, 0.12)):
        if k:
            open_ts = open_ts + 60 + kd.exponential(f"reopen{k}", key, DAY).astype(np.int64)
        add(opened & (kd.uniform(f"open{k}", key) < p), 2 + k, open_ts, "open")
    click_ts = first_open + kd.integers("click_delay", key, 10, 600)
    add(content, 5, click_ts, "click", "content")
    again = content & (kd.uniform("reclick", key) < 0.3)
    add(again, 6, click_ts + kd.integers("reclick_delay", key, 60, 3600), "click", "content")
    unsub_click_ts = first_open + kd.integers("unsub_click_delay", key, 20, 900)
    add(unsub_click, 7, unsub_click_ts, "click", "unsubscribe")
    add(pref_click, 8, first_open + kd.integers("pref_delay", key, 20, 900), "click", "preferences")

    # most unsubscribes follow the unsubscribe link; a few come from the mail client's header
    u = kd.uniform("unsubscribe", key)
    via_link = unsub_click & (u < 0.85)
    via_header = delivered & ~unsub_click & (u < 0.0008)
    unsub_ts = np.where(
        via_link,
        unsub_click_ts + kd.integers("unsub_delay", key, 5, 120),
        sent_ts + kd.integers("header_unsub_delay", key, 3600, 2 * DAY),
    )
    unsubscribed = via_link | via_header
    add(unsubscribed, 9, unsub_ts, "unsubscribe")
    complained = delivered & ~unsubscribed & (kd.uniform("complaint", key) < 0.0005)
    complaint_ts = sent_ts + kd.integers("complaint_delay", key, 3600, 3 * DAY)
    add(complained, 10, complaint_ts, "complaint")
    forward_ts = first_open + kd.integers("forward_delay", key, 30, 3600)
    add(opened & (kd.uniform("forward", key) < 0.02), 11, forward_ts, "forward")

    # a prefetching client opens every delivered email, whatever its reader does; added last,
    # from streams of its own, so that the other events keep their draws and their order
    prefetching = kd.uniform("prefetching_client", cust["id"][r]) < machine_open_share
    machine = delivered & prefetching
    low, high = MACHINE_OPEN_DELAY_MINUTES
    machine_ts = sent_ts + kd.integers("machine_open_delay", key, 60 * low, 60 * high + 1)
    add(machine, 12, machine_ts, "open", machine=True)
    for column, mask in enumerate((delivered, opened, machine & ~opened)):
        np.add.at(opens[:, column], campaign_idx[mask], 1)

    columns = [np.concatenate(c) for c in zip(*events, strict=True)]
    events = dict(
        zip(
            ["r", "campaign_idx", "slot", "ts", "event_type", "link_type", "is_machine_open"],
            columns,
            strict=True,
        )
    )
    left_ts = np.where(unsubscribed, unsub_ts, np.where(complained, complaint_ts, NEVER))
    bounced_ts = np.where(hard, bounce_ts, NEVER)
    return events, content, left_ts, bounced_ts, np.where(complained, "complaint", "unsubscribe")


def email_rows(kd, cust, mailing, counts, first_event_id):
    """Email event rows; the other events number on from first_event_id as if machine opens were
    not there, and machine opens are never duplicated, so they change no other row."""
    ev = mailing.events
    order = np.lexsort((ev["slot"], ev["campaign_idx"], ev["ts"], ev["r"]))
    ev = {k: v[order] for k, v in ev.items()}
    machine = ev["is_machine_open"]
    send_key = cust["id"][ev["r"]] * 16 + ev["campaign_idx"]
    event_id = np.where(
        machine,
        MACHINE_OPEN_EVENT_ID_OFFSET + send_key,
        first_event_id + np.cumsum(~machine) - 1,
    )
    dup = ~machine & (kd.uniform("event_dup", send_key * 16 + ev["slot"]) < 0.005)
    counts["email_events"]["exact_duplicates"] += int(dup.sum())
    rows = np.repeat(np.arange(len(order)), 1 + dup)
    return {
        "event_id": event_id[rows],
        "campaign_id": ev["campaign_idx"][rows] + 1,
        "customer_id": cust["id"][ev["r"]][rows],
        "email": cust["email"][ev["r"]][rows],
        "event_type": ev["event_type"][rows],
        "event_at": timestamps(ev["ts"][rows]),
        "link_type": pa.array(ev["link_type"][rows].astype(object), type=TEXT),
        "is_machine_open": machine[rows],
    }
