"""The raw tables: their names, Arrow schemas and column types, and the dirt planted.json counts.

Timestamps are whole seconds since the epoch until a table's rows are made.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ENTITIES = (
    "customers",
    "products",
    "orders",
    "order_items",
    "campaigns",
    "email_events",
    "web_sessions",
    "subscriptions",
)

DAY = 86_400
NEVER = np.iinfo(np.int64).max

ID = pa.int64()
TEXT = pa.string()
MONEY = pa.decimal128(12, 2)
SCHEMAS = {
    "customers": pa.schema(
        [
            ("customer_id", ID),
            ("first_name", TEXT),
            ("last_name", TEXT),
            ("email", TEXT),
            ("birth_year", pa.int64()),
            ("gender", TEXT),
            ("education", TEXT),
            ("marital_status", TEXT),
            ("income", MONEY),
            ("kids_at_home", pa.int64()),
            ("teens_at_home", pa.int64()),
            ("signup_date", TEXT),
            ("country", TEXT),
            ("email_opt_in", pa.bool_()),
        ]
    ),
    "products": pa.schema(
        [("product_id", ID), ("name", TEXT), ("category", TEXT), ("price", MONEY)]
    ),
    "orders": pa.schema(
        [
            ("order_id", ID),
            ("customer_id", ID),
            ("ordered_at", TEXT),
            ("channel", TEXT),
            ("status", TEXT),
            ("discount_used", pa.bool_()),
        ]
    ),
    "order_items": pa.schema(
        [("order_id", ID), ("product_id", ID), ("quantity", pa.int64()), ("unit_price", MONEY)]
    ),
    "campaigns": pa.schema(
        [
            ("campaign_id", ID),
            ("campaign_name", TEXT),
            ("sent_at", TEXT),
            ("subject", TEXT),
            ("cost", MONEY),
            ("experiment_id", TEXT),
            ("variant", TEXT),
            ("planned_share", pa.float64()),
        ]
    ),
    "email_events": pa.schema(
        [
            ("event_id", ID),
            ("campaign_id", ID),
            ("customer_id", ID),
            ("email", TEXT),
            ("event_type", TEXT),
            ("event_at", TEXT),
            ("link_type", TEXT),
            ("is_machine_open", pa.bool_()),
        ]
    ),
    "web_sessions": pa.schema(
        [
            ("session_id", ID),
            ("customer_id", ID),
            ("started_at", TEXT),
            ("pages_viewed", pa.int64()),
            ("traffic_source", TEXT),
            ("device", TEXT),
        ]
    ),
    "subscriptions": pa.schema(
        [
            ("subscription_event_id", ID),
            ("customer_id", ID),
            ("email", TEXT),
            ("event_type", TEXT),
            ("event_at", TEXT),
        ]
    ),
}
PERSONA_SCHEMA = pa.schema([("customer_id", ID), ("persona", TEXT)])
# planted.json counts these per table. Exact duplicates are extra rows identical to another row;
# conflicting keys are extra rows that repeat a key with other values (the first row is true);
# other kinds count distinct rows. Order-level dirt never overlaps: an order has at most one kind,
# and item-level dirt only touches items of orders without dirt.
DIRT_KINDS = {
    "customers": ["exact_duplicates", "conflicting_keys", "messy_emails", "invalid_emails",
                  "missing_income"],
    "products": ["conflicting_keys"],
    "orders": ["exact_duplicates", "conflicting_keys", "future_dates", "unparseable_dates",
               "unknown_customers", "outlier_orders"],
    "order_items": ["exact_duplicates", "invalid_quantities", "invalid_unit_prices",
                    "outlier_quantities", "of_unknown_customer_orders", "of_future_orders",
                    "of_unparseable_orders"],
    "email_events": ["exact_duplicates"],
}  # fmt: skip


def timestamps(seconds: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(seconds.astype("datetime64[s]")), format="%Y-%m-%d %H:%M:%S")


def money(values: np.ndarray) -> pa.Array:
    return pa.array(np.round(values, 2), from_pandas=True).cast(MONEY)
