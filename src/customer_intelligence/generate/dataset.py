"""`customer-intel generate`: writes every raw table chunk by chunk, then the ground truth."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from customer_intelligence.generate.campaigns import (
    VARIANTS,
    campaign_rows,
    draw_mailing,
    subscription_rows,
)
from customer_intelligence.generate.context import Context
from customer_intelligence.generate.customers import customer_rows, draw_customers
from customer_intelligence.generate.email_events import MACHINE_OPEN_SHARE, email_rows
from customer_intelligence.generate.keyed import Keyed
from customer_intelligence.generate.orders import draw_items, draw_orders, order_and_item_rows
from customer_intelligence.generate.personas import PERSONAS
from customer_intelligence.generate.products import product_rows
from customer_intelligence.generate.schemas import DIRT_KINDS, ENTITIES, PERSONA_SCHEMA, SCHEMAS
from customer_intelligence.generate.sessions import session_rows
from customer_intelligence.generate.truth import planted, planted_opens


class _Writer:
    """Appends chunks of one table to a CSV file (header once) or a Parquet file."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str):
        self.schema = schema
        self.rows = 0
        if fmt == "csv":
            options = pa_csv.WriteOptions(quoting_style="none", quoting_header="none")
            self._writer = pa_csv.CSVWriter(str(path), schema, write_options=options)
        else:
            self._writer = pq.ParquetWriter(str(path), schema)

    def write(self, columns: dict) -> None:
        table = pa.table(columns, schema=self.schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()


def generate_dataset(
    n_customers: int,
    seed: int,
    out_dir: str | Path,
    fmt: str = "csv",
    truth_dir: str | Path | None = None,
    end_date: str = "2025-12-31",
    *,
    chunk_size: int = 100_000,
    machine_open_share: float = MACHINE_OPEN_SHARE,
) -> dict[str, int]:
    """Write raw_<entity>.<fmt> for every entity in ENTITIES and the ground truth.

    machine_open_share is the share of customers whose mail client opens every delivered email
    (machine opens). Returns the number of rows written per entity. The same arguments give
    byte-identical files, whatever the chunk_size.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    if not 0 <= machine_open_share <= 1:
        raise ValueError(f"machine_open_share must be between 0 and 1, not {machine_open_share}")
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir is not None else out_dir / "ground_truth"
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)

    ctx = Context.build(seed, end_date)
    kd = Keyed(seed)
    counts = {table: dict.fromkeys(kinds, 0) for table, kinds in DIRT_KINDS.items()}
    stats = {v: {"recipients": 0, "converters": 0, "content_clickers": 0} for v in VARIANTS}
    persona_counts = np.zeros(len(PERSONAS), dtype=np.int64)
    # per campaign: delivered recipients, human openers, machine-only openers
    opens = np.zeros((len(ctx.campaigns), 3), dtype=np.int64)
    next_id = dict.fromkeys(["order", "event", "session", "subscription"], 1)

    with ExitStack() as stack:
        writers = {}
        for entity in ENTITIES:
            writers[entity] = _Writer(out_dir / f"raw_{entity}.{fmt}", SCHEMAS[entity], fmt)
            stack.callback(writers[entity].close)
        truth = _Writer(truth_dir / "personas.csv", PERSONA_SCHEMA, "csv")
        stack.callback(truth.close)

        products, conflicting = product_rows(ctx.products, np.random.default_rng([seed, 1]), counts)
        writers["products"].write(products)
        writers["campaigns"].write(campaign_rows(ctx.campaigns))

        names = np.array(PERSONAS)
        for first in range(0, n_customers, chunk_size):
            ids = np.arange(first + 1, min(first + chunk_size, n_customers) + 1, dtype=np.int64)
            cust = draw_customers(kd, ctx, ids)
            writers["customers"].write(customer_rows(kd, cust, counts))
            truth.write({"customer_id": ids, "persona": names[cust["persona"]]})
            persona_counts += np.bincount(cust["persona"], minlength=len(PERSONAS))

            mailing = draw_mailing(kd, ctx, cust, stats, machine_open_share, opens)
            orders = draw_orders(kd, cust, mailing)
            items = draw_items(kd, ctx, orders)
            orders_out, items_out = order_and_item_rows(
                kd, cust, orders, items, counts, next_id["order"]
            )
            next_id["order"] += len(orders["key"])
            writers["orders"].write(orders_out)
            writers["order_items"].write(items_out)

            events = email_rows(kd, cust, mailing, counts, next_id["event"])
            next_id["event"] += int((~mailing.events["is_machine_open"]).sum())
            writers["email_events"].write(events)
            subscriptions = subscription_rows(cust, mailing, next_id["subscription"])
            next_id["subscription"] += len(mailing.subscriptions["r"])
            writers["subscriptions"].write(subscriptions)
            sessions = session_rows(kd, ctx, cust, next_id["session"])
            next_id["session"] += len(sessions["session_id"])
            writers["web_sessions"].write(sessions)
        rows = {entity: writer.rows for entity, writer in writers.items()}

    truth_json = planted(seed, n_customers, end_date, ctx, persona_counts, stats, conflicting)
    truth_json["email_opens"] = planted_opens(ctx, machine_open_share, opens)
    truth_json["dirt"] = counts
    (truth_dir / "planted.json").write_text(json.dumps(truth_json, indent=2) + "\n")
    return rows
