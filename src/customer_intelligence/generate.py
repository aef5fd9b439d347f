"""Synthetic raw tables for the pipeline, with planted personas, affinities, an A/B test and dirt.

Every random value of a customer (and of its orders, emails and sessions) is a hash of
(seed, stream name, key) rather than the next draw of a shared generator, so any chunking of the
customers yields the same rows and a million customers can be written chunk by chunk. The small
catalogues (products, campaigns) come from ``numpy.random.default_rng(seed)``.

Machine opens (a mail client's privacy prefetch, flagged ``is_machine_open``) draw only from
streams of their own and take event ids above MACHINE_OPEN_EVENT_ID_OFFSET, so planting them
leaves every other row of every table as it was.

The ground truth (personas, planted structure, counts of planted dirt) goes to ``truth_dir``.
"""

from __future__ import annotations

import json
import zlib
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

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
CATEGORIES = ("wine", "fruit", "meat", "fish", "sweets", "gold")
EDUCATION = ("Basic", "2n Cycle", "Graduation", "Master", "PhD")
MARITAL = ("Single", "Married", "Together", "Divorced", "Widow")
CHANNELS = ("web", "store", "catalog")
STATUSES = ("completed", "cancelled", "returned")
TRAFFIC = ("email", "organic", "paid", "direct")
DEVICES = ("desktop", "mobile", "tablet")
COUNTRIES = ("US", "GB", "DE", "FR", "ES", "CA")
VARIANTS = ("control", "rfm_targeted", "kmeans_targeted")
PLANNED_SHARES = (0.34, 0.33, 0.33)
CONVERSION_RATES = (0.02, 0.05, 0.10)
CLICK_RATES = (0.03, 0.06, 0.12)
CONVERSION_DAYS = 7
# an order with product A that lacks its partner B gets B with this probability
AFFINITY_PROBABILITY = 0.6
# orders of customers missing from raw_customers carry the real customer's id plus this offset
UNKNOWN_CUSTOMER_OFFSET = 1_000_000_000
# share of customers whose mail client prefetches every delivered email (Apple Mail Privacy
# Protection and the like), and the minutes after delivery it takes
MACHINE_OPEN_SHARE = 0.45
MACHINE_OPEN_DELAY_MINUTES = (1, 10)
# a machine open's event id: this plus (customer id * 16 + campaign index), one per send
MACHINE_OPEN_EVENT_ID_OFFSET = 10**12

DAY = 86_400
NEVER = np.iinfo(np.int64).max
# campaign orders get sequence numbers above any customer's ordinary orders
CAMPAIGN_SEQ = 512

_ID = pa.int64()
_TEXT = pa.string()
_MONEY = pa.decimal128(12, 2)
SCHEMAS = {
    "customers": pa.schema(
        [
            ("customer_id", _ID),
            ("first_name", _TEXT),
            ("last_name", _TEXT),
            ("email", _TEXT),
            ("birth_year", pa.int64()),
            ("gender", _TEXT),
            ("education", _TEXT),
            ("marital_status", _TEXT),
            ("income", _MONEY),
            ("kids_at_home", pa.int64()),
            ("teens_at_home", pa.int64()),
            ("signup_date", _TEXT),
            ("country", _TEXT),
            ("email_opt_in", pa.bool_()),
        ]
    ),
    "products": pa.schema(
        [("product_id", _ID), ("name", _TEXT), ("category", _TEXT), ("price", _MONEY)]
    ),
    "orders": pa.schema(
        [
            ("order_id", _ID),
            ("customer_id", _ID),
            ("ordered_at", _TEXT),
            ("channel", _TEXT),
            ("status", _TEXT),
            ("discount_used", pa.bool_()),
        ]
    ),
    "order_items": pa.schema(
        [("order_id", _ID), ("product_id", _ID), ("quantity", pa.int64()), ("unit_price", _MONEY)]
    ),
    "campaigns": pa.schema(
        [
            ("campaign_id", _ID),
            ("campaign_name", _TEXT),
            ("sent_at", _TEXT),
            ("subject", _TEXT),
            ("cost", _MONEY),
            ("experiment_id", _TEXT),
            ("variant", _TEXT),
            ("planned_share", pa.float64()),
        ]
    ),
    "email_events": pa.schema(
        [
            ("event_id", _ID),
            ("campaign_id", _ID),
            ("customer_id", _ID),
            ("email", _TEXT),
            ("event_type", _TEXT),
            ("event_at", _TEXT),
            ("link_type", _TEXT),
            ("is_machine_open", pa.bool_()),
        ]
    ),
    "web_sessions": pa.schema(
        [
            ("session_id", _ID),
            ("customer_id", _ID),
            ("started_at", _TEXT),
            ("pages_viewed", pa.int64()),
            ("traffic_source", _TEXT),
            ("device", _TEXT),
        ]
    ),
    "subscriptions": pa.schema(
        [
            ("subscription_event_id", _ID),
            ("customer_id", _ID),
            ("email", _TEXT),
            ("event_type", _TEXT),
            ("event_at", _TEXT),
        ]
    ),
}
_PERSONA_SCHEMA = pa.schema([("customer_id", _ID), ("persona", _TEXT)])


@dataclass(frozen=True)
class Persona:
    name: str
    share: float
    income: tuple[float, float]  # mean, sd of annual income
    age: tuple[float, float]  # mean, sd
    kids: tuple[float, ...]  # P(0..3 kids at home)
    teens: tuple[float, ...]  # P(0..2 teens at home)
    marital: tuple[float, ...]  # over MARITAL
    education: tuple[float, ...]  # over EDUCATION
    orders: float  # mean orders in the three-year window
    lines: tuple[float, ...]  # P(1..5 lines per order)
    extra_units: float  # mean units above one per line
    channels: tuple[float, ...]  # over CHANNELS
    discount: float  # P(order uses a discount)
    categories: tuple[float, ...]  # share of lines per category, over CATEGORIES
    sessions: float  # mean web sessions in the window
    traffic: tuple[float, ...]  # over TRAFFIC
    devices: tuple[float, ...]  # over DEVICES
    opt_in: float
    opens: float  # P(open) of a delivered email
    clicks: float  # P(content click) of a delivered ordinary email


PERSONAS = (
    Persona(
        "High Spenders", 0.20, (92_000, 12_000), (58, 7), (0.8, 0.15, 0.05, 0),
        (0.6, 0.3, 0.1), (0.15, 0.45, 0.25, 0.1, 0.05), (0, 0.05, 0.45, 0.3, 0.2),
        14, (0.1, 0.2, 0.3, 0.25, 0.15), 0.8, (0.1, 0.45, 0.45), 0.05,
        (0.42, 0.03, 0.3, 0.05, 0.03, 0.17), 4, (0.15, 0.35, 0.15, 0.35), (0.6, 0.25, 0.15),
        0.6, 0.3, 0.03,
    ),
    Persona(
        "Budget Buyers", 0.15, (24_000, 6_000), (36, 8), (0.4, 0.35, 0.2, 0.05),
        (0.6, 0.3, 0.1), (0.4, 0.25, 0.2, 0.1, 0.05), (0.2, 0.2, 0.45, 0.1, 0.05),
        6, (0.55, 0.3, 0.1, 0.05, 0), 0.2, (0.3, 0.6, 0.1), 0.3,
        (0.02, 0.5, 0.03, 0.03, 0.42, 0), 5, (0.15, 0.35, 0.2, 0.3), (0.4, 0.5, 0.1),
        0.6, 0.2, 0.02,
    ),
    Persona(
        "Digital Enthusiasts", 0.20, (52_000, 9_000), (27, 4), (0.85, 0.15, 0, 0),
        (0.95, 0.05, 0), (0.6, 0.1, 0.25, 0.05, 0), (0.02, 0.1, 0.5, 0.3, 0.08),
        8, (0.3, 0.35, 0.2, 0.1, 0.05), 0.3, (0.82, 0.12, 0.06), 0.15,
        (0.08, 0.08, 0.06, 0.05, 0.33, 0.4), 40, (0.25, 0.3, 0.25, 0.2), (0.3, 0.6, 0.1),
        0.85, 0.4, 0.08,
    ),
    Persona(
        "Deal Seekers", 0.15, (50_000, 8_000), (45, 8), (0.5, 0.35, 0.15, 0),
        (0.6, 0.3, 0.1), (0.3, 0.4, 0.2, 0.08, 0.02), (0.05, 0.15, 0.5, 0.2, 0.1),
        9, (0.2, 0.3, 0.3, 0.15, 0.05), 0.5, (0.45, 0.45, 0.1), 0.85,
        (0.05, 0.06, 0.38, 0.45, 0.05, 0.01), 10, (0.35, 0.2, 0.3, 0.15), (0.45, 0.45, 0.1),
        0.9, 0.35, 0.07,
    ),
    Persona(
        "Lapsed Customers", 0.15, (45_000, 12_000), (50, 10), (0.6, 0.3, 0.1, 0),
        (0.6, 0.3, 0.1), (0.3, 0.35, 0.2, 0.1, 0.05), (0.1, 0.15, 0.45, 0.2, 0.1),
        3, (0.35, 0.35, 0.2, 0.1, 0), 0.4, (0.35, 0.45, 0.2), 0.2,
        (0.3, 0.15, 0.2, 0.15, 0.1, 0.1), 3, (0.1, 0.4, 0.1, 0.4), (0.5, 0.4, 0.1),
        0.5, 0.1, 0.01,
    ),
    Persona(
        "Families", 0.15, (68_000, 10_000), (40, 5), (0, 0.35, 0.45, 0.2),
        (0.35, 0.45, 0.2), (0, 0.7, 0.3, 0, 0), (0.05, 0.1, 0.5, 0.25, 0.1),
        10, (0.05, 0.1, 0.25, 0.3, 0.3), 1.5, (0.15, 0.75, 0.1), 0.2,
        (0.04, 0.4, 0.42, 0.08, 0.055, 0.005), 5, (0.15, 0.35, 0.2, 0.3), (0.5, 0.35, 0.15),
        0.65, 0.25, 0.03,
    ),
)  # fmt: skip
LAPSED = 4
_P = {
    field: np.array([getattr(p, field) for p in PERSONAS]) for field in Persona.__dataclass_fields__
}
# lapsed customers never answer a campaign with an order, so the others convert a little more
# often to keep each arm's overall conversion rate at the planned rate
_ACTIVE_OPT_IN_SHARE = 1 - (_P["share"][LAPSED] * _P["opt_in"][LAPSED]) / (
    _P["share"] @ _P["opt_in"]
)

FIRST_NAMES_F = np.array(
    ["Anna", "Maria", "Laura", "Emma", "Sofia", "Julia", "Claire", "Lucia", "Hannah", "Olivia"]
)
FIRST_NAMES_M = np.array(
    ["James", "Lukas", "Pierre", "Carlos", "David", "Thomas", "Daniel", "Paul", "Jonas", "Mark"]
)
LAST_NAMES = np.array(
    ["Smith", "Müller", "Martin", "Garcia", "Brown", "Schmidt", "Bernard", "Lopez", "Wilson",
     "Fischer", "Dubois", "Sanchez", "Taylor", "Weber", "Moreau", "Perez", "Clark", "Wagner",
     "Laurent", "Gomez"]
)  # fmt: skip
DOMAINS = np.array(
    ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "gmx.de", "orange.fr", "web.de"]
)
PRODUCT_NAMES = {
    "wine": ["Rioja Reserva", "Chianti Classico", "Bordeaux Rouge", "Riesling Kabinett",
             "Malbec", "Sauvignon Blanc", "Pinot Noir", "Prosecco", "Port Tawny", "Champagne Brut"],
    "fruit": ["Apples", "Bananas", "Oranges", "Strawberries", "Grapes", "Pears", "Mangoes",
              "Blueberries", "Kiwis", "Cherries"],
    "meat": ["Beef Steak", "Chicken Breast", "Pork Chops", "Lamb Rack", "Serrano Ham",
             "Salami", "Veal Cutlet", "Duck Breast", "Chorizo", "Minced Beef"],
    "fish": ["Salmon Fillet", "Tuna Steak", "Cod Loin", "Prawns", "Sea Bass", "Mussels",
             "Smoked Trout", "Sardines", "Halibut", "Scallops"],
    "sweets": ["Dark Chocolate", "Macarons", "Fudge", "Nougat", "Truffles", "Marzipan",
               "Gummy Bears", "Caramels", "Shortbread", "Praline Box"],
    "gold": ["Gold Caviar Tin", "Truffle Oil Gift", "Saffron Box", "Gold Leaf Chocolate",
             "Vintage Cognac", "Iberico Ham Leg", "Wagyu Box", "Premium Tea Chest",
             "Oyster Platter", "Gourmet Hamper"],
}  # fmt: skip
PRICE_RANGES = {
    "wine": (8, 60),
    "fruit": (1, 6),
    "meat": (5, 30),
    "fish": (6, 35),
    "sweets": (2, 10),
    "gold": (50, 400),
}
CAMPAIGN_THEMES = (
    "New season wines", "Fresh fruit week", "Barbecue favourites", "Catch of the day",
    "Sweet treats", "Gold selection", "Spring offers", "Summer picnic", "Autumn harvest",
    "Winter warmers", "Loyalty rewards", "Holiday gifts",
)  # fmt: skip
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
UNPARSEABLE_TIMESTAMPS = np.array(["2024-13-45 10:00:00", "n/a", "0000-00-00 00:00:00"])


class _Keyed:
    """Random values that are a pure function of (seed, stream, key)."""

    _M1 = np.uint64(0xBF58476D1CE4E5B9)
    _M2 = np.uint64(0x94D049BB133111EB)

    def __init__(self, seed: int):
        self._seed = seed

    @classmethod
    def _mix(cls, x: np.ndarray) -> np.ndarray:
        # splitmix64 finaliser; uint64 arrays wrap on overflow, which the hash relies on
        x = (x ^ (x >> np.uint64(30))) * cls._M1
        x = (x ^ (x >> np.uint64(27))) * cls._M2
        return x ^ (x >> np.uint64(31))

    def uniform(self, stream: str, keys: np.ndarray) -> np.ndarray:
        """Uniform values in (0, 1), one per key."""
        salt = np.uint64((zlib.crc32(stream.encode()) << 32 ^ self._seed) & (2**64 - 1))
        h = self._mix(self._mix(np.asarray(keys, dtype=np.uint64) ^ salt) + salt)
        return ((h >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53

    def normal(self, stream: str, keys: np.ndarray) -> np.ndarray:
        """Standard normal values (Box-Muller)."""
        radius = np.sqrt(-2 * np.log(self.uniform(stream + ":r", keys)))
        return radius * np.cos(2 * np.pi * self.uniform(stream + ":t", keys))

    def integers(self, stream: str, keys: np.ndarray, low: int, high: int) -> np.ndarray:
        """Integers in [low, high)."""
        return low + (self.uniform(stream, keys) * (high - low)).astype(np.int64)

    def choice(self, stream: str, keys: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """Category indices; probs is one distribution or one row per key."""
        cum = np.cumsum(probs, axis=-1)
        u = self.uniform(stream, keys) * cum[..., -1]
        if cum.ndim == 1:
            return np.searchsorted(cum, u, side="right")
        return (u[:, None] >= cum).sum(axis=1)

    def exponential(self, stream: str, keys: np.ndarray, mean: float | np.ndarray) -> np.ndarray:
        return -np.log(self.uniform(stream, keys)) * mean


def _timestamps(seconds: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(seconds.astype("datetime64[s]")), format="%Y-%m-%d %H:%M:%S")


def _money(values: np.ndarray) -> pa.Array:
    return pa.array(np.round(values, 2), from_pandas=True).cast(_MONEY)


def _within(counts: np.ndarray) -> np.ndarray:
    """Position of each repeated row within its group, for np.repeat(..., counts)."""
    starts = np.cumsum(counts) - counts
    return np.arange(counts.sum()) - np.repeat(starts, counts)


def _band(u: np.ndarray, bands: dict[str, float]) -> dict[str, np.ndarray]:
    """Split one uniform draw into mutually exclusive masks of the given shares."""
    masks, low = {}, 0.0
    for name, share in bands.items():
        masks[name] = (u >= low) & (u < low + share)
        low += share
    return masks


@dataclass(frozen=True)
class _Context:
    """What every chunk shares: the window, the product catalogue and the campaigns."""

    start_ts: int
    end_ts: int
    end_year: int
    products: pd.DataFrame
    pairs: np.ndarray  # (n_pairs, 2) product indices: A, then the B it pulls in
    campaigns: pd.DataFrame
    experiment_id: str

    @classmethod
    def build(cls, seed: int, end_date: str) -> _Context:
        rng = np.random.default_rng(seed)
        end = pd.Timestamp(end_date)
        start = end - pd.DateOffset(years=3) + pd.Timedelta(days=1)
        start_ts = int(start.timestamp())
        end_ts = int((end + pd.Timedelta(days=1)).timestamp()) - 1

        categories = np.repeat(CATEGORIES, 10)
        low, high = np.array([PRICE_RANGES[c] for c in categories]).T
        products = pd.DataFrame(
            {
                "product_id": np.arange(1, len(categories) + 1),
                "name": np.concatenate([PRODUCT_NAMES[c] for c in CATEGORIES]),
                "category": categories,
                "price": np.round(rng.uniform(low, high), 2),
            }
        )
        # one pair per category, so that pulling B into an order leaves category shares intact
        pairs = (
            np.arange(0, len(products), 10)[:, None]
            + rng.permuted(np.tile(np.arange(10), (len(CATEGORIES), 1)), axis=1)[:, :2]
        )

        # ordinary campaigns roughly every three months, then the experiment's three arms
        send_days = 45 + 88 * np.arange(12) + rng.integers(-5, 6, size=12)
        sent = start_ts + send_days * DAY + rng.integers(9 * 3600, 11 * 3600, size=12)
        exp_sent = end_ts + 1 - 40 * DAY + 10 * 3600
        experiment_id = f"exp_{end.year}_targeting"
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
        return cls(start_ts, end_ts, end.year, products, pairs, campaigns, experiment_id)


def _customers(kd: _Keyed, ctx: _Context, ids: np.ndarray) -> dict[str, np.ndarray]:
    persona = kd.choice("persona", ids, _P["share"])
    female = kd.uniform("gender", ids) < 0.5
    first = np.where(
        female,
        FIRST_NAMES_F[kd.integers("first_f", ids, 0, len(FIRST_NAMES_F))],
        FIRST_NAMES_M[kd.integers("first_m", ids, 0, len(FIRST_NAMES_M))],
    )
    last_idx = kd.integers("last", ids, 0, len(LAST_NAMES))
    domain = DOMAINS[kd.integers("domain", ids, 0, len(DOMAINS))]
    local = (pd.Series(first) + "." + LAST_NAMES[last_idx] + pd.Series(ids).astype(str)).str.lower()
    email = (local + "@" + domain).to_numpy(dtype=object)
    dirt = _band(
        kd.uniform("customer_dirt", ids),
        {"dup": 0.01, "conflict": 0.01, "messy": 0.05, "invalid": 0.02, "no_income": 0.02},
    )
    # messy addresses are valid after trim + lower; invalid ones lack the @ or the domain
    kind = kd.integers("email_dirt_kind", ids, 0, 4)
    upper = pd.Series(email).str.upper().to_numpy(dtype=object)
    messy = np.select(
        [kind == 0, kind == 1, kind == 2], [upper, " " + email, email + "  "], " " + upper + " "
    )
    invalid = np.where(kind % 2 == 0, (local + domain).to_numpy(dtype=object), local + "@")
    email = np.where(dirt["messy"], messy, np.where(dirt["invalid"], invalid, email))
    age = _P["age"][persona, 0] + _P["age"][persona, 1] * kd.normal("age", ids)
    income = _P["income"][persona, 0] + _P["income"][persona, 1] * kd.normal("income", ids)

    start_day, end_day = ctx.start_ts // DAY, ctx.end_ts // DAY
    signup_day = kd.integers("signup", ids, start_day - 730, end_day - 400)
    lapsed = persona == LAPSED
    # a lapsed customer's last order falls 12 to 30 months before the end of the window
    last_order_ts = ctx.end_ts - kd.integers("lapse", ids, 365 * DAY, 912 * DAY)
    signup_day = np.where(lapsed, np.minimum(signup_day, last_order_ts // DAY - 60), signup_day)
    return {
        "id": ids,
        "persona": persona,
        "first_name": first,
        "last_idx": last_idx,
        "email": email,  # as stored, dirt included: emails are sent to this address
        "birth_year": ctx.end_year - np.clip(np.round(age), 18, 90).astype(np.int64),
        "gender": np.where(female, "F", "M"),
        "education": np.array(EDUCATION)[kd.choice("edu", ids, _P["education"][persona])],
        "marital_status": np.array(MARITAL)[kd.choice("marital", ids, _P["marital"][persona])],
        "income": np.round(np.maximum(income, 8_000), 2),
        "kids_at_home": kd.choice("kids", ids, _P["kids"][persona]),
        "teens_at_home": kd.choice("teens", ids, _P["teens"][persona]),
        "signup_day": signup_day,
        "country": np.array(COUNTRIES)[kd.choice("country", ids, [0.4, 0.15, 0.15, 0.1, 0.1, 0.1])],
        "opt_in": kd.uniform("opt_in", ids) < _P["opt_in"][persona],
        "dirt": dirt,
        "active_from": np.maximum(signup_day * DAY, ctx.start_ts),
        "active_to": np.where(lapsed, last_order_ts, ctx.end_ts),
    }


def _customer_rows(kd: _Keyed, cust: dict, counts: dict) -> dict[str, pa.Array]:
    """Customer rows with exact duplicates, conflicting copies and missing incomes."""
    ids, dirt = cust["id"], cust["dirt"]
    income = np.where(dirt["no_income"], np.nan, cust["income"])

    rows = np.repeat(np.arange(len(ids)), 1 + (dirt["dup"] | dirt["conflict"]))
    copy = np.r_[False, rows[1:] == rows[:-1]]
    conflict = copy & dirt["conflict"][rows]
    # a conflicting copy has either another last name or a changed income
    other_name = kd.uniform("conflict_kind", ids[rows]) < 0.5
    last_idx = cust["last_idx"][rows]
    last = LAST_NAMES[np.where(conflict & other_name, (last_idx + 7) % len(LAST_NAMES), last_idx)]
    income = income[rows]
    income = np.where(conflict & ~other_name, np.round(income * 1.25, 2), income)

    for name, mask in [
        ("exact_duplicates", dirt["dup"]),
        ("conflicting_keys", dirt["conflict"]),
        ("messy_emails", dirt["messy"]),
        ("invalid_emails", dirt["invalid"]),
        ("missing_income", dirt["no_income"]),
    ]:
        counts["customers"][name] += int(mask.sum())
    return {
        "customer_id": ids[rows],
        "first_name": cust["first_name"][rows],
        "last_name": last,
        "email": cust["email"][rows],
        "birth_year": cust["birth_year"][rows],
        "gender": cust["gender"][rows],
        "education": cust["education"][rows],
        "marital_status": cust["marital_status"][rows],
        "income": _money(income),
        "kids_at_home": cust["kids_at_home"][rows],
        "teens_at_home": cust["teens_at_home"][rows],
        "signup_date": pc.strftime(
            pa.array(cust["signup_day"][rows].astype("datetime64[D]")), format="%Y-%m-%d"
        ),
        "country": cust["country"][rows],
        "email_opt_in": cust["opt_in"][rows],
    }


@dataclass
class _Mailing:
    events: dict[str, np.ndarray]
    subscriptions: dict[str, np.ndarray]
    campaign_orders: dict[str, np.ndarray]  # customer index, ordered_ts, seq
    experiment_sent_ts: np.ndarray  # per customer; NEVER when not in the experiment


def _recipient_events(kd, cust, r, campaign_idx, sent, click_p, machine_open_share, opens):
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
        (kd.uniform("open", key) < _P["opens"][persona]) | content | unsub_click | pref_click
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


def _mailing(
    kd: _Keyed, ctx: _Context, cust: dict, stats: dict, machine_open_share: float, opens: np.ndarray
) -> _Mailing:
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
            click_p = _P["clicks"][cust["persona"][r]]
        campaign_idx = idx + arm
        ev, content, left, bounced, kind = _recipient_events(
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
    return _Mailing(
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


def _orders(kd: _Keyed, cust: dict, mailing: _Mailing) -> dict[str, np.ndarray]:
    ids, persona = cust["id"], cust["persona"]
    mean = _P["orders"][persona] * np.exp(0.45 * kd.normal("n_orders", ids) - 0.1)
    n_orders = np.clip(np.round(mean), 1, CAMPAIGN_SEQ - 1).astype(np.int64)
    r = np.repeat(np.arange(len(ids)), n_orders)
    seq = _within(n_orders)
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
        "channel": kd.choice("channel", key, _P["channels"][persona]),
        "status": np.where(from_campaign, 0, status),
        "discount": kd.uniform("discount", key) < _P["discount"][persona],
    }


def _items(kd: _Keyed, ctx: _Context, orders: dict) -> dict[str, np.ndarray]:
    """Distinct products per order (1-5 lines), with the planted affinity pairs."""
    n_lines = 1 + kd.choice("n_lines", orders["key"], _P["lines"][orders["persona"]])
    o = np.repeat(np.arange(len(n_lines)), n_lines)
    line_key = orders["key"][o] * 8 + _within(n_lines)
    category = kd.choice("category", line_key, _P["categories"][orders["persona"][o]])
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
    units = kd.exponential("units", item_key, _P["extra_units"][orders["persona"][o]])
    return {
        "o": o,
        "product": product,
        "key": item_key,
        "quantity": 1 + np.minimum(units, 11).astype(np.int64),
        "unit_price": ctx.products["price"].to_numpy()[product],
    }


def _dirty_orders(kd, cust, orders, items, counts, first_order_id):
    """Order and item rows with the planted dirt; ids follow the clean order."""
    n = len(orders["key"])
    order_id = first_order_id + np.arange(n)
    eligible = ~orders["from_campaign"]  # the experiment's conversions stay clean
    dirt = _band(
        kd.uniform("order_dirt", orders["key"]),
        {"dup": 0.01, "conflict": 0.005, "future": 0.003, "unparseable": 0.001,
         "unknown": 0.005, "outlier": 0.002},
    )  # fmt: skip
    dirt = {k: v & eligible for k, v in dirt.items()}
    future = int(pd.Timestamp("2031-01-01").timestamp()) + kd.integers(
        "future_at", orders["key"], 0, 9 * 365 * DAY
    )
    ts = np.where(dirt["future"], future, orders["ts"])
    ordered_at = _timestamps(ts).to_numpy(zero_copy_only=False)
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
    item_dirt = _band(
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
        "unit_price": _money(unit_price[item_rows]),
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


def _email_rows(kd, cust, mailing, counts, first_event_id):
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
        "event_at": _timestamps(ev["ts"][rows]),
        "link_type": pa.array(ev["link_type"][rows].astype(object), type=_TEXT),
        "is_machine_open": machine[rows],
    }


def _subscription_rows(cust, mailing, first_id):
    sub = mailing.subscriptions
    kind_rank = np.where(sub["event_type"] == "subscribe", 0, 1)
    order = np.lexsort((kind_rank, sub["ts"], sub["r"]))
    r = sub["r"][order]
    return {
        "subscription_event_id": first_id + np.arange(len(order)),
        "customer_id": cust["id"][r],
        "email": cust["email"][r],
        "event_type": sub["event_type"][order],
        "event_at": _timestamps(sub["ts"][order]),
    }


def _session_rows(kd, ctx, cust, first_id):
    ids, persona = cust["id"], cust["persona"]
    mean = _P["sessions"][persona] * np.exp(0.5 * kd.normal("n_sessions", ids) - 0.125)
    n_sessions = np.clip(np.round(mean), 0, 4000).astype(np.int64)
    r = np.repeat(np.arange(len(ids)), n_sessions)
    key = ids[r] * 4096 + _within(n_sessions)
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
        "started_at": _timestamps(ts),
        "pages_viewed": np.where(single, 1, pages),
        "traffic_source": np.array(TRAFFIC)[kd.choice("traffic", key, _P["traffic"][persona[r]])],
        "device": np.array(DEVICES)[kd.choice("device", key, _P["devices"][persona[r]])],
    }


def _catalogue_rows(ctx: _Context, rng: np.random.Generator, counts: dict):
    products = ctx.products
    # two products appear twice with different prices; the first row holds the true price
    conflicting = np.sort(rng.choice(len(products), size=2, replace=False))
    rows = np.sort(np.concatenate([np.arange(len(products)), conflicting]))
    copy = np.r_[False, rows[1:] == rows[:-1]]
    price = products["price"].to_numpy()[rows]
    price = np.where(copy, np.round(price * 1.15 + 0.5, 2), price)
    counts["products"]["conflicting_keys"] += len(conflicting)
    product_rows = {
        "product_id": products["product_id"].to_numpy()[rows],
        "name": products["name"].to_numpy()[rows],
        "category": products["category"].to_numpy()[rows],
        "price": _money(price),
    }
    camps = ctx.campaigns
    campaign_rows = {
        "campaign_id": camps["campaign_id"].to_numpy(),
        "campaign_name": camps["campaign_name"].to_numpy(),
        "sent_at": _timestamps(camps["sent_ts"].to_numpy()),
        "subject": camps["subject"].to_numpy(),
        "cost": _money(camps["cost"].to_numpy()),
        "experiment_id": pa.array(camps["experiment_id"], type=_TEXT, from_pandas=True),
        "variant": pa.array(camps["variant"], type=_TEXT, from_pandas=True),
        "planned_share": pa.array(camps["planned_share"], type=pa.float64(), from_pandas=True),
    }
    return product_rows, campaign_rows, products["product_id"].to_numpy()[conflicting]


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


def _planted(seed, n_customers, end_date, ctx, persona_counts, stats, conflicting) -> dict:
    """The planted structure, for planted.json."""
    camps = ctx.campaigns
    return {
        "seed": seed,
        "n_customers": n_customers,
        "window": {
            "start": pd.Timestamp(ctx.start_ts, unit="s").strftime("%Y-%m-%d"),
            "end": end_date,
        },
        "personas": {p.name: int(c) for p, c in zip(PERSONAS, persona_counts, strict=True)},
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


def _planted_opens(ctx: _Context, machine_open_share: float, opens: np.ndarray) -> dict:
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

    ctx = _Context.build(seed, end_date)
    kd = _Keyed(seed)
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
        truth = _Writer(truth_dir / "personas.csv", _PERSONA_SCHEMA, "csv")
        stack.callback(truth.close)

        product_rows, campaign_rows, conflicting = _catalogue_rows(
            ctx, np.random.default_rng([seed, 1]), counts
        )
        writers["products"].write(product_rows)
        writers["campaigns"].write(campaign_rows)

        names = np.array([p.name for p in PERSONAS])
        for first in range(0, n_customers, chunk_size):
            ids = np.arange(first + 1, min(first + chunk_size, n_customers) + 1, dtype=np.int64)
            cust = _customers(kd, ctx, ids)
            writers["customers"].write(_customer_rows(kd, cust, counts))
            truth.write({"customer_id": ids, "persona": names[cust["persona"]]})
            persona_counts += np.bincount(cust["persona"], minlength=len(PERSONAS))

            mailing = _mailing(kd, ctx, cust, stats, machine_open_share, opens)
            orders = _orders(kd, cust, mailing)
            items = _items(kd, ctx, orders)
            orders_out, items_out = _dirty_orders(kd, cust, orders, items, counts, next_id["order"])
            next_id["order"] += len(orders["key"])
            writers["orders"].write(orders_out)
            writers["order_items"].write(items_out)

            events = _email_rows(kd, cust, mailing, counts, next_id["event"])
            next_id["event"] += int((~mailing.events["is_machine_open"]).sum())
            writers["email_events"].write(events)
            subscriptions = _subscription_rows(cust, mailing, next_id["subscription"])
            next_id["subscription"] += len(mailing.subscriptions["r"])
            writers["subscriptions"].write(subscriptions)
            sessions = _session_rows(kd, ctx, cust, next_id["session"])
            next_id["session"] += len(sessions["session_id"])
            writers["web_sessions"].write(sessions)
        rows = {entity: writer.rows for entity, writer in writers.items()}

    planted = _planted(seed, n_customers, end_date, ctx, persona_counts, stats, conflicting)
    planted["email_opens"] = _planted_opens(ctx, machine_open_share, opens)
    planted["dirt"] = counts
    (truth_dir / "planted.json").write_text(json.dumps(planted, indent=2) + "\n")
    return rows
