"""Own data: `customer-intel build --input input.yml` on small files these tests write themselves.

Each end-to-end test builds the whole pipeline on one kind of input (a transaction log, baskets
only, the Kaggle marketing_campaign format, the mall-customers format) and checks its marts
against an independent pandas computation on the same file. The pre-flight tests check that a
broken config stops before any model runs with a message naming the file, the column and the fix.
"""

from __future__ import annotations

import decimal
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import (
    QUICK_SEGMENTATION_VARS,
    build_with_input,
    copy_project,
    input_build,
    quick_vars_block,
    upstream_of,
)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("own_data") / "project")


# --- a transaction log (Online Retail style) ----------------------------------------------------


def write_transaction_log(path: Path, rows: int = 900, seed: int = 3) -> pd.DataFrame:
    """Lines with US-style timestamps, float-looking customer ids, alphanumeric stock codes, no
    line total (quantity x unit price), a guest invoice without a customer and one undated."""
    rng = np.random.default_rng(seed)
    codes = ["85123A", "71053", "84406B", "22423", "POST", "21730"]
    names = dict(
        zip(
            codes,
            ["Heart Holder", "Lantern", "Cream Cupid", "Cake Stand", "Postage", "Glass Star"],
            strict=True,
        )
    )
    invoices = rng.integers(536000, 536000 + rows // 3, size=rows)
    customer_of_invoice = {invoice: 17000 + invoice % 80 for invoice in np.unique(invoices)}
    day_of_invoice = {invoice: int(rng.integers(0, 300)) for invoice in np.unique(invoices)}
    lines = pd.DataFrame(
        {
            "InvoiceNo": invoices.astype(str),
            "StockCode": rng.choice(codes, size=rows),
            "Quantity": rng.integers(1, 6, size=rows),
            "UnitPrice": rng.choice([0.85, 1.25, 2.55, 4.95], size=rows),
            "CustomerID": [f"{customer_of_invoice[i]}.0" for i in invoices],
            "Day": [day_of_invoice[i] for i in invoices],
        }
    )
    lines["Description"] = lines["StockCode"].map(names)
    timestamps = pd.Timestamp("2010-12-01 08:26") + pd.to_timedelta(lines["Day"], unit="D")
    lines["InvoiceDate"] = [
        f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}" for t in timestamps
    ]
    guest, undated = np.unique(invoices)[:2]
    lines.loc[lines["InvoiceNo"] == str(guest), "CustomerID"] = ""  # a guest checkout
    lines.loc[lines["InvoiceNo"] == str(undated), "InvoiceDate"] = "not a date"
    lines.drop(columns="Day").to_csv(path, index=False)
    return lines


@pytest.fixture(scope="module")
def transaction_build(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("transactions")
    lines = write_transaction_log(folder / "online_retail.csv")
    config = (
        "sources:\n"
        "  transactions:\n"
        f"    path: {folder / 'online_retail.csv'}\n"
        "    date_format: '%m/%d/%Y %H:%M'\n"
        "    columns: {customer_id: CustomerID, order_id: InvoiceNo, order_date: InvoiceDate,\n"
        "              product_id: StockCode, product_name: Description, quantity: Quantity,\n"
        "              unit_price: UnitPrice}\n" + quick_vars_block()
    )
    database = folder / "build.duckdb"
    result = build_with_input(project, config, database)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    with duckdb.connect(str(database), read_only=True) as connection:
        yield connection, lines, result.stdout


def test_transaction_log_gives_rfm_that_matches_pandas(transaction_build):
    connection, lines, _ = transaction_build
    # identical lines are one line (exact duplicates collapse, as for every input)
    distinct = lines.drop_duplicates()
    usable = distinct[
        (distinct["CustomerID"] != "") & (distinct["InvoiceDate"] != "not a date")
    ].copy()
    usable["ordered_on"] = pd.to_datetime(
        usable["InvoiceDate"], format="%m/%d/%Y %H:%M"
    ).dt.normalize()
    usable["amount"] = usable["Quantity"] * usable["UnitPrice"]
    usable["customer_id"] = usable["CustomerID"].str.removesuffix(".0").astype(int)
    orders = usable.groupby(["customer_id", "InvoiceNo"]).agg(
        ordered_on=("ordered_on", "min"), amount=("amount", "sum")
    )
    as_of = orders["ordered_on"].max() + pd.Timedelta(days=1)
    expected = orders.groupby("customer_id").agg(
        frequency=("amount", "size"), monetary=("amount", "sum"), last=("ordered_on", "max")
    )
    expected["recency_days"] = (as_of - expected["last"]).dt.days
    actual = (
        connection.sql(
            "select customer_id, frequency, monetary, recency_days from customer_rfm "
            "where frequency > 0"
        )
        .df()
        .set_index("customer_id")
        .sort_index()
    )
    pd.testing.assert_index_equal(actual.index, expected.index, check_names=False)
    np.testing.assert_array_equal(actual["frequency"], expected["frequency"])
    np.testing.assert_array_equal(actual["recency_days"], expected["recency_days"])
    np.testing.assert_allclose(actual["monetary"], expected["monetary"])


def test_transaction_log_keeps_codes_names_and_rejects_what_it_cannot_use(transaction_build):
    connection, lines, stdout = transaction_build
    names = dict(connection.sql("select product_name, category from stg_products").fetchall())
    assert set(names) == set(lines["Description"])
    assert set(names.values()) == {"uncategorised"}
    # each bad line is rejected on its own, under the input's name, in the file's own words
    distinct = lines.drop(columns="Day").drop_duplicates()
    rejected = connection.sql(
        "select reason, raw_record from dq_rejected_rows where source_table = 'transactions'"
    ).df()
    expected_reasons = {
        "missing_customer_id": int((distinct["CustomerID"] == "").sum()),
        "unparseable_order_date": int((distinct["InvoiceDate"] == "not a date").sum()),
    }
    assert rejected["reason"].value_counts().to_dict() == expected_reasons
    records = [json.loads(record) for record in rejected["raw_record"]]
    assert {key for record in records for key in record} == {
        "CustomerID", "InvoiceNo", "InvoiceDate", "StockCode", "Description", "Quantity",
        "UnitPrice",
    }  # fmt: skip
    assert {record["InvoiceDate"] for record in records} >= {"not a date"}
    assert (
        connection.sql(
            "select source_table from dq_rejected_rows where source_table <> 'transactions'"
        ).fetchall()
        == []
    )
    reconciliation = connection.sql(
        "select raw_rows, staged_rows, rejected_rows, exact_duplicates_removed "
        "from dq_source_reconciliation where source_table = 'transactions'"
    ).fetchall()
    duplicates = len(lines) - len(distinct)
    assert reconciliation == [
        (
            len(lines),
            len(distinct) - sum(expected_reasons.values()),
            sum(expected_reasons.values()),
            duplicates,
        )
    ]
    assert connection.sql("select count(*) from fct_campaign_kpis").fetchall() == [(0,)]
    assert "Input: no email_events in input_sources: skipped campaign KPIs" in stdout
    assert connection.sql("select count(*) from customer_segments").fetchall()[0][0] == 80


# --- baskets only (a groceries-style file: one row per order and item name) ----------------------


PLANTED_PAIR = ("whole milk", "rolls/buns")


def write_baskets(path: Path, orders: int = 400, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    others = ["yogurt", "soda", "bottled water", "tropical fruit", "root vegetables", "sausage"]
    rows = []
    for order in range(1, orders + 1):
        items = set(rng.choice(others, size=rng.integers(1, 4), replace=False))
        if rng.random() < 0.3:
            items |= set(PLANTED_PAIR)
        elif rng.random() < 0.15:
            items.add(PLANTED_PAIR[0])
        rows += [{"basket": f"B{order:05d}", "item": item} for item in sorted(items)]
    baskets = pd.DataFrame(rows)
    baskets.to_csv(path, index=False)
    return baskets


def test_baskets_alone_give_basket_rules_that_match_pandas(project, tmp_path):
    baskets = write_baskets(tmp_path / "groceries.csv")
    config = (
        "sources:\n"
        "  order_items:\n"
        f"    path: {tmp_path / 'groceries.csv'}\n"
        "    columns: {order_id: basket, product_id: item}\n" + quick_vars_block()
    )
    database = tmp_path / "build.duckdb"
    result = build_with_input(project, config, database)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    orders = baskets["basket"].nunique()
    with_a = set(baskets.loc[baskets["item"] == PLANTED_PAIR[0], "basket"])
    with_b = set(baskets.loc[baskets["item"] == PLANTED_PAIR[1], "basket"])
    support = len(with_a & with_b) / orders
    confidence = len(with_a & with_b) / len(with_a)
    lift = confidence / (len(with_b) / orders)
    with duckdb.connect(str(database), read_only=True) as connection:
        rule = connection.sql(
            """
            select rules.support, rules.confidence, rules.lift
            from basket_rules as rules
            inner join stg_products as antecedents on rules.antecedent = antecedents.product_id
            inner join stg_products as consequents on rules.consequent = consequents.product_id
            where antecedents.product_name = ? and consequents.product_name = ?
            """,
            params=list(PLANTED_PAIR),
        ).fetchall()
        assert rule == [pytest.approx((support, confidence, lift))]
        assert connection.sql("select count(*) from dim_customers").fetchall() == [(0,)]
        assert connection.sql("select count(*) from stg_order_items").fetchall() == [
            (len(baskets),)
        ]
    assert "Input: no orders in input_sources: skipped RFM" in result.stdout


# --- typed files --------------------------------------------------------------------------------


def test_a_typed_parquet_file_stages_exactly_as_the_same_rows_as_text(project, tmp_path):
    """Duplicates of a typed file are collapsed on its own integers and decimals: the base rows,
    their copies and their rejections equal those of the same values read as CSV text. A key
    conflict is settled on the raw text even where the file holds numbers ("10" < "9")."""
    cents = decimal.Decimal("0.01")
    lines = pa.table(
        {
            "order_id": pa.array([1, 1, 1, 2, 2, 3, 4, 4], pa.int64()),
            "product_id": pa.array([10, 10, 11, 10, 10, 12, 10, 10], pa.int64()),
            "quantity": pa.array([2, 2, 1, 3, 5, 0, 9, 10], pa.int64()),
            "unit_price": pa.array(
                [
                    decimal.Decimal(price).quantize(cents)
                    for price in ("2.5", "2.5", "4", "2.5", "2.5", "1", "2.5", "2.5")
                ],
                pa.decimal128(12, 2),
            ),
        }
    )
    pq.write_table(lines, tmp_path / "lines.parquet")
    lines.to_pandas().to_csv(tmp_path / "lines.csv", index=False)

    staged = {}
    for kind in ("parquet", "csv"):
        config = f"sources:\n  order_items: {{path: {tmp_path / f'lines.{kind}'}}}\n"
        with input_build(
            project, config, tmp_path / f"{kind}.duckdb", *upstream_of("dq_rejected_rows")
        ) as connection:
            # raw_values keeps each file's own types: the parsed columns must agree
            staged[kind] = connection.sql(
                """
                select * exclude (raw_values)
                from base_order_items order by order_id, product_id, quantity
                """
            ).fetchall()
    assert staged["parquet"] == staged["csv"]
    with duckdb.connect(str(tmp_path / "parquet.duckdb"), read_only=True) as connection:
        outcome = connection.sql(
            """
            select order_id, product_id, quantity, copies, rejection_reason
            from base_order_items order by order_id, product_id, quantity
            """
        ).fetchall()
        rejected = connection.sql(
            """
            select record_key, reason, raw_record from dq_rejected_rows
            where source_table = 'raw_order_items' order by record_key, raw_record
            """
        ).fetchall()
    assert outcome == [
        (1, 10, 2, 2, None),
        (1, 11, 1, 1, None),
        (2, 10, 3, 1, None),
        (2, 10, 5, 1, "duplicate_key_conflict"),
        (3, 12, 0, 1, "non_positive_quantity"),
        (4, 10, 9, 1, "duplicate_key_conflict"),
        (4, 10, 10, 1, None),
    ]
    assert [row[:2] for row in rejected] == [
        ("2-10", "duplicate_key_conflict"),
        ("3-12", "non_positive_quantity"),
        ("4-10", "duplicate_key_conflict"),
    ]
    assert '"quantity":"5"' in rejected[0][2] and '"unit_price":"2.50"' in rejected[0][2]


def test_float_columns_of_a_parquet_file_parse_as_their_text(project, tmp_path):
    """Integers and decimals are cast from the file's own values; floats are not, since the cast
    differs from the text: a double rounds half to even into an integer (2.5 -> 2, its text
    '2.5' -> 3), and a float32 widens with noise (0.1 -> 0.10000000149, its text '0.1')."""
    lines = pa.table(
        {
            "order_id": pa.array([1, 2], pa.int64()),
            "product_id": pa.array([10, 10], pa.int64()),
            "quantity": pa.array([2.5, 3.5], pa.float64()),
            "unit_price": pa.array([0.1, 0.7], pa.float32()),
        }
    )
    pq.write_table(lines, tmp_path / "lines.parquet")
    config = f"sources:\n  order_items: {{path: {tmp_path / 'lines.parquet'}}}\n"
    with input_build(
        project, config, tmp_path / "floats.duckdb", *upstream_of("base_order_items")
    ) as connection:
        staged = connection.sql(
            "select order_id, quantity, unit_price from base_order_items order by order_id"
        ).fetchall()
    assert staged == [(1, 3, 0.1), (2, 4, 0.7)]


# --- the Kaggle "Customer Personality Analysis" format --------------------------------------------


def write_marketing_campaign(path: Path, customers: int = 150, seed: int = 11) -> pd.DataFrame:
    """The file's columns and conventions (dd-mm-yyyy dates, tab-separated), random values."""
    rng = np.random.default_rng(seed)
    n = customers
    frame = pd.DataFrame(
        {
            "ID": rng.permutation(np.arange(1000, 1000 + 4 * n))[:n],
            "Year_Birth": rng.integers(1945, 2000, n),
            "Education": rng.choice(["Graduation", "PhD", "Master", "Basic"], n),
            "Marital_Status": rng.choice(["Single", "Married", "Together", "Divorced"], n),
            "Income": rng.integers(15000, 110000, n).astype(float),
            "Kidhome": rng.integers(0, 3, n),
            "Teenhome": rng.integers(0, 3, n),
            "Dt_Customer": [
                (pd.Timestamp("2012-08-01") + pd.Timedelta(days=int(d))).strftime("%d-%m-%Y")
                for d in rng.integers(0, 690, n)
            ],
            "Recency": rng.integers(0, 100, n),
            **{
                column: rng.integers(0, scale, n)
                for column, scale in [
                    ("MntWines", 1200),
                    ("MntFruits", 150),
                    ("MntMeatProducts", 900),
                    ("MntFishProducts", 200),
                    ("MntSweetProducts", 200),
                    ("MntGoldProds", 250),
                ]
            },
            "NumDealsPurchases": rng.integers(0, 4, n),
            "NumWebPurchases": rng.integers(0, 10, n),
            "NumCatalogPurchases": rng.integers(0, 8, n),
            "NumStorePurchases": rng.integers(1, 12, n),
            "NumWebVisitsMonth": rng.integers(0, 10, n),
            **{f"AcceptedCmp{i}": (rng.random(n) < 0.1).astype(int) for i in (3, 4, 5, 1, 2)},
            "Complain": 0,
            "Z_CostContact": 3,
            "Z_Revenue": 11,
            "Response": (rng.random(n) < 0.15).astype(int),
        }
    )
    frame.loc[frame.index[:3], "Income"] = np.nan  # the real file has missing incomes
    frame.to_csv(path, sep="\t", index=False)
    return frame


def test_marketing_campaign_format_gives_rfm_segments_and_acceptance(project, tmp_path):
    frame = write_marketing_campaign(tmp_path / "marketing_campaign.csv")
    config = (
        "sources:\n"
        f"  marketing_campaign: {{path: {tmp_path / 'marketing_campaign.csv'}}}\n"
        + quick_vars_block()
    )
    database = tmp_path / "build.duckdb"
    result = build_with_input(project, config, database)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    spend = frame[[c for c in frame.columns if c.startswith("Mnt")]].sum(axis=1)
    purchases = frame[["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]].sum(axis=1)
    expected = (
        pd.DataFrame(
            {
                "recency_days": frame["Recency"],
                "frequency": purchases,
                "monetary": spend.astype(float),
            }
        )
        .set_axis(frame["ID"])
        .sort_index()
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        rfm = (
            connection.sql(
                "select customer_id, recency_days, frequency, monetary from customer_rfm"
            )
            .df()
            .set_index("customer_id")
            .sort_index()
        )
        pd.testing.assert_frame_equal(rfm, expected, check_dtype=False, check_names=False)
        wine = dict(connection.sql("select customer_id, spend_wine from dim_customers").fetchall())
        has_orders = purchases > 0
        assert [wine[i] for i in frame.loc[has_orders, "ID"]] == pytest.approx(
            frame.loc[has_orders, "MntWines"].tolist()
        )
        web_orders = dict(
            connection.sql("select customer_id, orders_web from dim_customers").fetchall()
        )
        assert [web_orders[i] for i in frame["ID"]] == frame["NumWebPurchases"].tolist()
        segments = connection.sql(
            "select count(distinct segment_id) from customer_segments"
        ).fetchall()
        assert segments[0][0] >= 2
        acceptance = connection.sql(
            "select campaign, sum(accepted_customers), sum(customers) from fct_campaign_acceptance "
            "group by campaign order by campaign"
        ).fetchall()
    accepted = [frame[f"AcceptedCmp{i}"].sum() for i in range(1, 6)] + [frame["Response"].sum()]
    assert [row[1] for row in acceptance] == accepted
    assert {row[2] for row in acceptance} == {len(frame)}


# --- the mall-customers teaching set --------------------------------------------------------------


def test_mall_customers_format_segments_on_its_three_features(project, tmp_path):
    rng = np.random.default_rng(2)
    centres = np.array([[25, 25, 80], [45, 90, 15], [35, 90, 85], [55, 50, 50]])
    truth = np.repeat(np.arange(len(centres)), 40)
    values = centres[truth] + rng.normal(0, 4, size=(len(truth), 3))
    mall = pd.DataFrame(
        {
            "CustomerID": np.arange(1, len(truth) + 1),
            "Gender": rng.choice(["Male", "Female"], len(truth)),
            "Age": values[:, 0].round().astype(int),
            "AnnualIncome (k$)": values[:, 1].round().astype(int),
            "SpendingScore (1-100)": values[:, 2].round().astype(int),
        }
    )
    # dirty rows, each rejected whole under the file's name; an exact copy collapses
    dirty = pd.DataFrame(
        [
            ["", "Male", 30, 40, 50],
            [901, "Female", "n/a", 40, 50],
            [902, "Male", 30, "", 50],
            [903, "Female", 30, 40, "high"],
            [1, "Male", 99, 99, 99],  # a second row for CustomerID 1: one of the two loses
        ],
        columns=mall.columns,
    )
    file_rows = pd.concat([mall, dirty, mall.iloc[[5]]], ignore_index=True)
    file_rows.to_csv(tmp_path / "Mall_Customers.csv", index=False)
    config = f"sources:\n  mall_customers: {{path: {tmp_path / 'Mall_Customers.csv'}}}\n"
    config += quick_vars_block()
    with input_build(project, config, tmp_path / "build.duckdb") as connection:
        features = [
            row[0] for row in connection.sql("select feature from segment_preprocessing").fetchall()
        ]
        assigned = dict(
            connection.sql("select customer_id, segment_id from customer_segments").fetchall()
        )
        rejected = connection.sql(
            "select reason, raw_record from dq_rejected_rows where source_table = 'mall_customers'"
        ).df()
        reconciliation = connection.sql(
            "select raw_rows, staged_rows, rejected_rows, exact_duplicates_removed "
            "from dq_source_reconciliation where source_table = 'mall_customers'"
        ).fetchall()
        other_rejects = connection.sql(
            "select count(*) from dq_rejected_rows where source_table <> 'mall_customers'"
        ).fetchall()
    assert sorted(features) == ["age", "annual_income_k", "spending_score"]
    assert sorted(rejected["reason"]) == [
        "duplicate_key_conflict",
        "missing_annual_income",
        "missing_customer_id",
        "unparseable_age",
        "unparseable_spending_score",
    ]
    records = [json.loads(record) for record in rejected["raw_record"]]
    assert {key for record in records for key in record} == set(mall.columns)
    assert {record["Age"] for record in records} >= {"n/a"}
    assert reconciliation == [(len(file_rows), len(mall), len(dirty), 1)]
    assert other_rejects == [(0,)]
    assert sorted(assigned) == sorted(mall["CustomerID"])
    labels = [assigned[customer] for customer in mall["CustomerID"]]
    assert adjusted_rand_score(truth, labels) > 0.85


# --- pre-flight errors ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_log(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("preflight") / "purchases.csv"
    path.write_text(
        "cust,date,value\n1,2024-01-05,10\n2,2024-02-01,12.5\n3,05/03/2024,7\n4,06/03/2024,9\n",
        encoding="utf-8",
    )
    return path


def preflight_message(project: Path, config: str, tmp_path: Path) -> str:
    result = build_with_input(project, config, tmp_path / "build.duckdb")
    assert result.returncode != 0
    assert "START sql" not in result.stdout, "a model ran before the pre-flight check failed"
    return " ".join((result.stdout + result.stderr).split())


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            "{customer_id: cust, order_date: dte, amount: value}",
            "has no column 'dte' (mapped to transactions.order_date)",
        ),
        (
            "{custmer: cust, order_date: date, amount: value}",
            "maps 'custmer', which is not a column of the transactions contract "
            "(did you mean 'customer_id'?)",
        ),
        ("{customer_id: cust, amount: value}", "has no column for transactions.order_date"),
    ],
)
def test_preflight_names_the_column_and_the_fix(project, small_log, tmp_path, columns, expected):
    config = f"sources:\n  transactions:\n    path: {small_log}\n    columns: {columns}\n"
    message = preflight_message(project, config, tmp_path)
    assert expected in message
    assert str(small_log) in message


def test_preflight_reports_a_missing_file(project, tmp_path):
    config = "sources:\n  orders: {path: data/no_such_orders.csv}\n"
    message = preflight_message(project, config, tmp_path)
    assert "input_sources.orders.path: no file matches" in message
    assert "no_such_orders.csv" in message


def test_preflight_stops_on_unparseable_dates_with_a_sample_and_the_fix(
    project, small_log, tmp_path
):
    config = (
        f"sources:\n  transactions:\n    path: {small_log}\n"
        "    columns: {customer_id: cust, order_date: date, amount: value}\n"
    )
    message = preflight_message(project, config, tmp_path)
    assert (
        "column 'date' (transactions.order_date): 2 of 4 values (50.0%) do not parse as a date"
        in message
    )
    assert "e.g. '05/03/2024'" in message
    assert "date_format" in message


def test_preflight_accepts_bad_values_under_the_tolerance(project, small_log, tmp_path):
    config = (
        f"sources:\n  transactions:\n    path: {small_log}\n"
        "    columns: {customer_id: cust, order_date: date, amount: value}\n"
        "vars: {input_max_invalid_share: 0.5, " + QUICK_SEGMENTATION_VARS + "}\n"
    )
    with input_build(
        project, config, tmp_path / "build.duckdb", *upstream_of("stg_orders")
    ) as connection:
        rejected = connection.sql(
            "select count(*) from base_transactions "
            "where rejection_reason = 'unparseable_order_date'"
        ).fetchall()
    assert rejected == [(2,)]


def test_unknown_entity_is_refused_with_a_suggestion(project, small_log, tmp_path):
    config = f"sources:\n  transaction: {{path: {small_log}}}\n"
    message = preflight_message(project, config, tmp_path)
    assert "unknown entity 'transaction' (did you mean 'transactions'?)" in message


def test_an_input_file_without_sources_is_refused(project, tmp_path):
    result = build_with_input(project, "source:\n  orders: {path: x.csv}\n", tmp_path / "b.duckdb")
    assert result.returncode == 2
    assert "needs a `sources:` mapping" in result.stderr
