"""Own data the pre-flight check must explain, and files it must accept as they really are.

Each pre-flight test writes a broken file, runs `customer-intel build --input` and asserts the
message names the file, what was found and the config line (or command) that fixes it, before
any model runs. The build tests run the pipeline on the published mall-customers headers, on a
customers file with negative incomes and on a user's own customer_features file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import (
    REPO,
    copy_project,
    input_build,
    quick_vars_block,
    upstream_of,
)
from test_own_data import preflight_message

SHARED_MALL_FILE = REPO.parent / "shared" / "data" / "Mall_Customers.csv"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("input_errors") / "project")


def transactions_config(path: Path, extra: str = "") -> str:
    return (
        f"sources:\n  transactions:\n    path: {path}\n"
        "    columns: {customer_id: cust, order_date: date, amount: value, product_id: item}\n"
        + extra
    )


# --- files DuckDB would misread ---------------------------------------------------------------


def test_a_latin1_file_is_told_to_add_encoding_latin1(project, tmp_path):
    path = tmp_path / "purchases.csv"
    path.write_bytes("cust,date,value,item\n1,2024-01-05,10,Caf\xe9 cr\xe8me\n".encode("latin-1"))

    message = preflight_message(project, transactions_config(path), tmp_path)

    assert (
        f"Input config: file {path} is not UTF-8: byte 0xE9 at offset 40 (line 2) is not valid "
        "UTF-8. If the file is latin-1 or Windows-1252 (most Excel exports in Western Europe), "
        "add `encoding: latin-1` to input_sources.transactions; for another code page, convert "
        "it to UTF-8 first, e.g. `iconv -f CP1251 -t UTF-8 in.csv > out.csv`" in message
    )
    assert "UTF-16" not in message


def test_a_latin1_file_with_encoding_latin1_keeps_its_accents(project, tmp_path):
    path = tmp_path / "purchases.csv"
    path.write_bytes("cust,date,value,item\n1,2024-01-05,10,Caf\xe9 cr\xe8me\n".encode("latin-1"))
    with input_build(
        project,
        transactions_config(path).replace("    columns:", "    encoding: latin-1\n    columns:"),
        tmp_path / "build.duckdb",
        *upstream_of("stg_products"),
    ) as connection:
        names = connection.sql("select product_name from stg_products").fetchall()
    assert names == [("Café crème",)]


def test_an_lf_header_over_a_crlf_body_is_named_mixed_line_endings(project, tmp_path):
    path = tmp_path / "purchases.csv"
    path.write_bytes(b"cust,date,value,item\n1,2024-01-05,10,a\r\n2,2024-01-06,12,b\r\n")

    message = preflight_message(project, transactions_config(path), tmp_path)

    assert (
        f"Input config: file {path} mixes line endings: LF ends 1 line(s) (the first: line 1), "
        "CRLF 2 (the first: line 2), and DuckDB cannot parse that. Convert it to one line "
        "ending, e.g. `sed -i 's/\\r$//' file.csv` or `dos2unix file.csv`." in message
    )
    assert "not possible to automatically detect" not in message


def test_an_empty_file_among_good_ones_is_named_empty(project, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "2024-01.csv").write_text("cust,date,value,item\n1,2024-01-05,10,a\n")
    (tmp_path / "data" / "2024-02.csv").write_text("")

    message = preflight_message(project, transactions_config(tmp_path / "data" / "*.csv"), tmp_path)

    assert (
        f"Input config: file {tmp_path / 'data' / '2024-02.csv'} is empty (0 bytes): DuckDB "
        "would read it as one column named column0. Point input_sources.transactions.path at "
        "the exported file, or export it again with its header line." in message
    )


def test_column_lists_show_ten_names_cut_at_40_characters(project, tmp_path):
    # a wrong path: a log whose first line is read as the header
    path = tmp_path / "server.log"
    header = ",".join(f"2024-01-0{day} 08:00:00 GET /index.html?session={day}" for day in range(12))
    path.write_text(header + "\n" + ",".join(["x"] * 12) + "\n")
    config = f"sources:\n  orders: {{path: {path}, format: csv}}\n"

    message = preflight_message(project, config, tmp_path)

    shown = ", ".join(f"2024-01-0{day} 08:00:00 GET /index.html?sess..." for day in range(10))
    assert (
        f"has no column for orders.order_id, which is required. Map it: "
        "input_sources.orders.columns: {order_id: <your column>}. The file's columns are: "
        f"{shown} and 2 more." in message
    )
    assert "session=11" not in message


# --- did you mean ------------------------------------------------------------------------------


def test_a_missing_date_column_is_matched_with_a_date_like_column_not_a_key(project, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date\n1,7,2024-01-05\n")
    config = f"sources:\n  orders: {{path: {path}}}\n"

    message = preflight_message(project, config, tmp_path)

    assert (
        f"file {path} has no column for orders.ordered_at, which is required (did you mean "
        "'order_date'?). Map it: input_sources.orders.columns: {ordered_at: <your column>}. "
        "The file's columns are: order_id, customer_id, order_date." in message
    )


def test_no_suggestion_when_the_only_similar_column_is_already_used(project, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,placed\n1,7,2024-01-05\n")
    config = f"sources:\n  orders: {{path: {path}}}\n"

    message = preflight_message(project, config, tmp_path)

    assert f"file {path} has no column for orders.ordered_at, which is required. Map it:" in message
    assert "did you mean" not in message


def test_a_mistyped_contract_column_is_not_matched_with_one_already_mapped(project, tmp_path):
    path = tmp_path / "purchases.csv"
    path.write_text("cust,date,value\n1,2024-01-05,10\n")
    config = (
        f"sources:\n  transactions:\n    path: {path}\n"
        "    columns: {customer_id: cust, order_date: date, amount: value, custmer: cust}\n"
    )

    message = preflight_message(project, config, tmp_path)

    assert "maps 'custmer', which is not a column of the transactions contract. Its" in message


# --- named formats as the files are ---------------------------------------------------------------


PUBLISHED_MALL_HEADER = [
    "CustomerID",
    "Genre",
    "Age",
    "Annual Income (k$)",
    "Spending Score (1-100)",
]


@pytest.mark.skipif(not SHARED_MALL_FILE.is_file(), reason="no ../shared/data/Mall_Customers.csv")
@pytest.mark.parametrize("header", ["as in ../shared/data", "as published"])
def test_mall_customers_builds_segments_for_every_customer_with_either_header(
    project, tmp_path, header
):
    mall = pd.read_csv(SHARED_MALL_FILE)
    path = SHARED_MALL_FILE
    if header == "as published":
        path = tmp_path / "Mall_Customers.csv"
        mall.set_axis(PUBLISHED_MALL_HEADER, axis=1).to_csv(path, index=False)
    config = f"sources:\n  mall_customers: {{path: {path}}}\n" + quick_vars_block()
    with input_build(project, config, tmp_path / "build.duckdb") as connection:
        segmented = connection.sql("select customer_id from customer_segments").fetchall()
        genders = connection.sql("select gender, count(*) from dim_customers group by 1").fetchall()
        features = connection.sql("select feature from segment_preprocessing order by 1").fetchall()
    assert sorted(row[0] for row in segmented) == sorted(mall["CustomerID"]) == list(range(1, 201))
    assert dict(genders) == mall["Gender"].str.upper().value_counts().to_dict()
    assert features == [("age",), ("annual_income_k",), ("spending_score",)]


# --- features the segmentation takes from the user's data -------------------------------------


def test_negative_incomes_are_scaled_without_the_log_and_the_build_goes_on(project, tmp_path):
    rng = np.random.default_rng(4)
    bank = pd.DataFrame(
        {
            "id": np.arange(1, 121),
            "balance": np.round(rng.normal(800, 1500, 120)),
            "year": rng.integers(1950, 2000, 120),
        }
    )
    assert (bank["balance"] < 0).sum() > 10
    bank.to_csv(tmp_path / "bank.csv", index=False)
    config = (
        f"sources:\n  customers:\n    path: {tmp_path / 'bank.csv'}\n"
        "    columns: {customer_id: id, income: balance, birth_year: year}\n" + quick_vars_block()
    )
    with input_build(project, config, tmp_path / "build.duckdb") as connection:
        recipe = connection.sql(
            "select feature, log_transformed, mean from segment_preprocessing order by 1"
        ).fetchall()
        segmented = connection.sql("select count(*) from customer_segments").fetchall()
    assert [row[:2] for row in recipe] == [("age_years", False), ("income", False)]
    assert recipe[1][2] == pytest.approx(bank["balance"].mean())
    assert segmented == [(120,)]


def write_customer_features(folder: Path, customers: int = 60) -> np.ndarray:
    """A transaction log in which every customer looks alike (one order of 20 on one day) and a
    long customer_features file whose two features split them into two planted groups."""
    rng = np.random.default_rng(8)
    ids = np.arange(101, 101 + customers)
    pd.DataFrame({"cust": ids, "date": "2024-03-01", "value": 20, "item": "A1"}).to_csv(
        folder / "purchases.csv", index=False
    )
    group = np.arange(customers) % 2
    visits = np.where(group == 0, 2.0, 30.0) + rng.normal(0, 0.5, customers)
    tenure = np.where(group == 0, 1.0, 9.0) + rng.normal(0, 0.3, customers)
    pd.concat(
        [
            pd.DataFrame({"customer_id": ids, "feature": " Store_Visits ", "value": visits}),
            pd.DataFrame({"customer_id": ids, "feature": "tenure_years", "value": tenure}),
        ]
    ).to_csv(folder / "features.csv", index=False)
    return group


def test_a_customer_features_file_gives_the_segmentation_its_features(project, tmp_path):
    group = write_customer_features(tmp_path)
    config = (
        "sources:\n"
        f"  transactions:\n    path: {tmp_path / 'purchases.csv'}\n"
        "    columns: {customer_id: cust, order_date: date, amount: value, product_id: item}\n"
        f"  customer_features: {{path: {tmp_path / 'features.csv'}}}\n" + quick_vars_block()
    )
    with input_build(project, config, tmp_path / "build.duckdb") as connection:
        features = connection.sql("select feature from segment_preprocessing order by 1").fetchall()
        assigned = dict(
            connection.sql("select customer_id, segment_id from customer_segments").fetchall()
        )
    assert features == [("store_visits",), ("tenure_years",)]
    labels = [assigned[customer] for customer in range(101, 161)]
    assert adjusted_rand_score(group, labels) == 1.0


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        (
            "visits/week",
            "has the feature name 'visits/week', which cannot be a segmentation feature: use "
            "lower-case letters, digits and underscores, starting with a letter (e.g. "
            "'visits_week'), at most 63 characters.",
        ),
        (
            "Income",
            "has the feature 'income', which the segmentation already computes: rename it (e.g. "
            "'user_income'). The computed features are: customer_id, recency_days,",
        ),
    ],
)
def test_a_feature_name_that_cannot_be_a_column_stops_the_preflight(
    project, tmp_path, feature, expected
):
    path = tmp_path / "features.csv"
    path.write_text(f"customer_id,feature,value\n1,{feature},3\n")
    config = f"sources:\n  customer_features: {{path: {path}}}\n"

    message = preflight_message(project, config, tmp_path)

    assert f"Input config: file {path} (customer_features) {expected}" in message
