"""Ids stay as the user wrote them: a key domain is numeric only when every id of it, in every
file, is a plain integer; otherwise ids are text everywhere, so 007 and 7 (or 12.7 and 13) are
different customers, and every customer keeps its id text in source_customer_id."""

from __future__ import annotations

import csv

import duckdb
import pytest

from conftest import build_with_input, copy_project, input_build, quick_vars_block
from test_own_data import write_transaction_log

pytestmark = pytest.mark.e2e

# customer id as written -> (its lines, name)
TEXT_IDS = {"7": 1, "007": 2, "13": 3, "12.7": 4, "C-00017": 5}


def build(tmp_path, customers: dict[str, int], people_ids: list[str] | None = None):
    """A log with each customer's lines and a customers file naming them (as `people_ids`
    writes them, else as the log does)."""
    log = tmp_path / "log.csv"
    rows = [
        f"{customer},2024-0{1 + line % 9}-1{line % 9},{10 + line}\n"
        for customer, lines in customers.items()
        for line in range(lines)
    ]
    log.write_text("client,day,total\n" + "".join(rows), encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name\n"
        + "".join(f"{customer},Name {customer}\n" for customer in people_ids or customers),
        encoding="utf-8",
    )
    config = (
        "sources:\n"
        f"  transactions:\n    path: {log}\n"
        "    columns: {customer_id: client, order_date: day, amount: total}\n"
        f"  customers:\n    path: {people}\n    columns: {{customer_id: id, first_name: name}}\n"
        + quick_vars_block()
    )
    database = tmp_path / "build.duckdb"
    # the customer marts and the reconciliation: a handful of customers is too few to segment
    result = build_with_input(
        copy_project(tmp_path / "project"),
        config,
        database,
        "--select",
        "+dim_customers",
        "+customer_rfm",
        "+dq_source_reconciliation",
        "--indirect-selection",
        "cautious",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return duckdb.connect(str(database), read_only=True)


def test_text_ids_are_never_merged_and_keep_their_text(tmp_path):
    with build(tmp_path, TEXT_IDS) as connection:
        customers = connection.sql(
            "select dim_customers.source_customer_id, first_name, frequency from dim_customers "
            "inner join customer_rfm using (customer_id)"
        ).fetchall()
        rejected = connection.sql("select count(*) from dq_rejected_rows").fetchall()
    assert sorted(customers) == sorted(
        (customer, f"Name {customer}", lines) for customer, lines in TEXT_IDS.items()
    )
    assert rejected == [(0,)]


def test_spreadsheet_floats_are_the_integers_they_stand_for(tmp_path):
    # the customers file writes 17850.0 where the log writes 17850: one customer
    with build(tmp_path, {"17850": 2, "42": 1}, people_ids=["17850.0", "42"]) as connection:
        keys = connection.sql(
            "select customer_id, dim_customers.source_customer_id, frequency from dim_customers "
            "inner join customer_rfm using (customer_id) order by customer_id"
        ).fetchall()
    assert keys == [(42, "42", 1), (17850, "17850", 2)]


# every mart keyed by customer, and the CRM file, carry the id as the user's files write it
CUSTOMER_MARTS = [
    "customer_rfm",
    "customer_segments",
    "customer_segment_memberships",
    "customer_lifetime_value",
    "customer_recommendations",
    "crm_contact_eligibility",
]


def test_every_customer_mart_and_the_crm_file_carry_the_id_as_written(tmp_path):
    lines = write_transaction_log(tmp_path / "log.csv")
    lines["CustomerID"] = lines["CustomerID"].str.replace(r"^(\d+)\.0$", r"C-\1", regex=True)
    lines.drop(columns="Day").to_csv(tmp_path / "log.csv", index=False)
    ids = sorted(set(lines["CustomerID"]) - {""})
    with (tmp_path / "people.csv").open("w", newline="", encoding="utf-8") as people:
        writer = csv.writer(people)
        writer.writerow(["id", "mail", "opt_in"])
        writer.writerows([customer, f"{customer.lower()}@example.com", "true"] for customer in ids)
    config = (
        "sources:\n"
        f"  transactions:\n    path: {tmp_path / 'log.csv'}\n"
        "    date_format: '%m/%d/%Y %H:%M'\n"
        "    columns: {customer_id: CustomerID, order_id: InvoiceNo, order_date: InvoiceDate,\n"
        "              product_id: StockCode, product_name: Description, quantity: Quantity,\n"
        "              unit_price: UnitPrice}\n"
        f"  customers:\n    path: {tmp_path / 'people.csv'}\n"
        "    columns: {customer_id: id, email: mail, email_opt_in: opt_in}\n" + quick_vars_block()
    )
    project = copy_project(tmp_path / "project")
    with input_build(project, config, tmp_path / "build.duckdb") as connection:
        source_of = dict(
            connection.sql("select customer_id, source_customer_id from dim_customers").fetchall()
        )
        assert sorted(source_of.values()) == ids
        for mart in CUSTOMER_MARTS:
            pairs = connection.sql(f"select customer_id, source_customer_id from {mart}").fetchall()
            assert pairs, mart
            assert all(source_of[key] == source for key, source in pairs), mart
    with (project / "exports" / "crm" / "contacts.csv").open(newline="", encoding="utf-8") as file:
        exported = {row["Email"]: row["Customer_ID"] for row in csv.DictReader(file)}
    assert exported == {f"{customer.lower()}@example.com": customer for customer in ids}
