"""Seeded fuzz: dirty copies of a generated transaction log build without a crash, every line is
accounted for, and the clean lines' revenue is exact to the cent.

The log is the generator's order lines (with its own dirt: unparseable and future dates, negative
quantities and prices, order ids shared by two customers), and on top of it, mixed at random:
missing customer ids, amounts with a currency sign or a thousands separator, 1e308, free items,
quantities that are zero or text, bad dates, product names with quotes, line breaks and unicode,
text and spreadsheet-style customer ids and exact duplicate lines. An independent pandas
implementation of the documented rules says what each line must become.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import build_with_input, copy_project, quick_vars_block
from customer_intelligence.bench import build as bench

pytestmark = pytest.mark.e2e

EMPTY_KEYS = {"", "null", "none", "nan", "n/a", "na"}
MONEY_LIMIT = Decimal("1e12")


def key_texts(ids: pd.Series) -> pd.Series:
    """macros/input/input_keys.sql's input_key(..., as_text=true) over a key domain: the
    integer's text when every id is a plain integer, else the trimmed text; None for an empty
    id."""
    trimmed = ids.str.strip()
    empty = trimmed.str.lower().isin(EMPTY_KEYS)
    numeric = trimmed[~empty].str.fullmatch(r"-?(0|[1-9][0-9]*)(\.0+)?").all()
    return pd.Series(
        [
            None if is_empty else str(int(text.split(".")[0])) if numeric else text
            for text, is_empty in zip(trimmed, empty, strict=True)
        ],
        index=ids.index,
        dtype=object,
    )


def dirty_log(folder: Path, seed: int) -> pd.DataFrame:
    bench.ensure_dataset(folder, customers=250, seed=seed)
    lines = pd.read_parquet(bench.write_transactions_file(folder)).astype(str)
    rng = np.random.default_rng(seed)
    # a line total, the way most logs give money
    lines["amount"] = [
        f"{Decimal(q) * Decimal(p):.2f}"
        for q, p in zip(lines["quantity"], lines["unit_price"], strict=True)
    ]
    lines = lines.drop(columns="unit_price")
    # some customers are known by text ids, some by spreadsheet floats, always the same way
    customer = lines["customer_id"].astype(int)
    lines.loc[customer % 17 == 0, "customer_id"] = "C-" + lines["customer_id"].str.zfill(5)
    lines.loc[customer % 13 == 0, "customer_id"] = lines["customer_id"] + ".0"
    n = len(lines)

    def pick(share: float) -> np.ndarray:
        return rng.random(n) < share

    lines.loc[pick(0.02), "customer_id"] = rng.choice(["", "n/a"])
    lines.loc[pick(0.01), "amount"] = "$" + lines["amount"]
    lines.loc[pick(0.01), "amount"] = "1,234.50"
    lines.loc[pick(0.005), "amount"] = "1e308"
    lines.loc[pick(0.02), "amount"] = "0"
    lines.loc[pick(0.01), "quantity"] = rng.choice(["0", "two"])
    lines.loc[pick(0.01), "order_date"] = rng.choice(["someday", ""])
    names = ['Mug "Large"', "Tea\nTowel", "Crème brûlée ✓", "Plate, blue"]
    lines.loc[pick(0.02), "product_name"] = rng.choice(names)
    duplicates = lines[pick(0.02)]
    return pd.concat([lines, duplicates], ignore_index=True).sample(frac=1, random_state=seed)


def expected_outcome(lines: pd.DataFrame) -> tuple[Counter, int, Decimal, int]:
    """(rejections by reason, staged lines, their revenue, exact duplicates), by the rules of
    base_transactions."""
    distinct = lines.drop_duplicates().assign(
        customer=lambda frame: key_texts(frame["customer_id"]),
        order=lambda frame: key_texts(frame["order_id"]),
    )
    today = pd.Timestamp(datetime.datetime.now(datetime.timezone.utc).date())
    reasons, usable = Counter(), []
    for line in distinct.itertuples(index=False):
        customer = line.customer
        ordered_at = pd.to_datetime(line.order_date, format="%Y-%m-%d %H:%M:%S", errors="coerce")
        quantity = pd.to_numeric(line.quantity, errors="coerce") if line.quantity else 1.0
        amount = pd.to_numeric(line.amount, errors="coerce")
        if customer is None:
            reason = "missing_customer_id"
        elif not line.order_date:
            reason = "missing_order_date"
        elif pd.isna(ordered_at):
            reason = "unparseable_order_date"
        elif ordered_at.normalize() > today:
            reason = "future_order_date"
        elif pd.isna(quantity):
            reason = "unparseable_quantity"
        elif quantity <= 0:
            reason = "non_positive_quantity"
        elif pd.isna(amount):
            reason = "unparseable_amount"
        elif amount < 0:
            reason = "negative_amount"
        elif Decimal(line.amount) >= MONEY_LIMIT:
            reason = "amount_out_of_range"
        else:
            usable.append((line.order, customer, Decimal(line.amount)))
            continue
        reasons[reason] += 1
    # an order id that several customers' lines share belongs to the smallest customer id (text)
    owner: dict[str, str] = {}
    for order, customer, _ in usable:
        owner[order] = min(owner.get(order, customer), customer)
    staged = [(order, customer, amount) for order, customer, amount in usable]
    staged = [line for line in staged if owner[line[0]] == line[1]]
    if len(staged) < len(usable):
        reasons["order_id_conflict"] = len(usable) - len(staged)
    revenue = sum((amount for _, _, amount in staged), Decimal(0))
    return reasons, len(staged), revenue, len(lines) - len(distinct)


@pytest.mark.parametrize("seed", [11, 12])
def test_dirty_logs_build_and_every_line_is_accounted_for(tmp_path, seed):
    lines = dirty_log(tmp_path / "data", seed)
    path = tmp_path / "log.csv"
    lines.to_csv(path, index=False)
    config = f"sources:\n  transactions:\n    path: {path}\n" + quick_vars_block().replace(
        "vars: {", "vars: {input_max_invalid_share: 0.2, "
    )
    database = tmp_path / "build.duckdb"
    result = build_with_input(copy_project(tmp_path / "project"), config, database)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

    reasons, staged, revenue, duplicates = expected_outcome(lines)
    with duckdb.connect(str(database), read_only=True) as connection:
        reconciliation = connection.sql(
            "select raw_rows, staged_rows, rejected_rows, exact_duplicates_removed "
            "from dq_source_reconciliation where source_table = 'transactions'"
        ).fetchall()
        rejected = dict(
            connection.sql(
                "select reason, count(*) from dq_rejected_rows "
                "where source_table = 'transactions' group by 1"
            ).fetchall()
        )
        derived_rejections = connection.sql(
            "select count(*) from dq_rejected_rows where source_table <> 'transactions'"
        ).fetchall()
        staged_revenue = connection.sql(
            "select sum(cast(quantity * unit_price as decimal(38, 6))) from stg_order_items"
        ).fetchall()[0][0]
    assert reconciliation == [(len(lines), staged, sum(reasons.values()), duplicates)]
    assert rejected == dict(reasons)
    assert derived_rejections == [(0,)]
    assert round(staged_revenue, 2) == revenue
