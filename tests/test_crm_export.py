"""The CRM files `dbt build` writes under EXPORT_DIR/crm: safe CSV, consent exclusions, the delta
against the previous export, the split option, and files that are replaced whole."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from conftest import (
    DBT,
    QUICK_SEGMENTATION_VARS,
    WITHOUT_UNIT_TESTS,
    copy_project,
    run_dbt,
    show_json,
)
from customer_intelligence.generate import generate_dataset

pytestmark = pytest.mark.e2e

VARS = f"{{{QUICK_SEGMENTATION_VARS}}}"
SPLIT_ROWS = 100
# rebuilds after a raw customer edit: what lies between the seed and the CRM models, with the
# tests, which must pass for the CRM files to be published; cautious, so that a test joining a
# model outside the selection (segment memberships to dim_customers) is not run on a stale table
REBUILD = (
    "build",
    "--select",
    "raw_customers+,+tag:crm",
    "--indirect-selection",
    "cautious",
    *WITHOUT_UNIT_TESTS,
    "snapshot",
)
ZOHO_HEADER = [
    "Email",
    "Customer_ID",
    "First_Name",
    "Last_Name",
    "KMeans_Segment",
    "RFM_Segment",
    "Recommended_Product_1",
    "Recommended_Product_2",
    "Recommended_Product_3",
    "Monetary_Value",
    "Last_Order_Date",
    "Predicted_CLV",
    "Churn_Risk",
    "Data_Updated_On",
]
HUBSPOT_HEADER = [
    "email",
    "customer_id",
    "firstname",
    "lastname",
    "kmeans_segment",
    "rfm_segment",
    "recommended_product_1",
    "recommended_product_2",
    "recommended_product_3",
    "monetary_value",
    "last_order_date",
    "predicted_clv",
    "churn_risk",
    "data_updated_on",
]
# planted on customers with one raw row each: first name, last name, email, opted in
PLANTS = {
    "formula": ('=HYPERLINK("http://evil.example","x")', "Smith", "formula@example.com", "true"),
    "signs": ("+Plus", "-Minus", "signs@example.com", "true"),
    "quotes": ("@At", 'O"Brien, Jr.', "quotes@example.com", "true"),
    "newlines": ("Multi\nLine", "Carriage\rReturn", "newlines@example.com", "true"),
    "unicode": ("Zoë", "Łukasiewicz 山田 🎉", "unicode@example.com", "true"),
    "tab": ("Tab\there", "\tLeading", "tab@example.com", "true"),
    "messy_email": ("Mixed", "Case", "  Mixed.Case@Example.COM ", "true"),
    "formula_email": ("Eve", "Key", "=cmd@example.com", "true"),
    "plus_email": ("Anna", "Lopez", "+anna.lopez1720@example.com", "true"),
    "fullwidth_email": ("Full", "Width", "\uff20fw@example.com", "true"),
    "fullwidth": ("\uff1d1+1", "\uff0dMinus", "fullwidth@example.com", "true"),
    "separators": ("\u2028Line", "\u2029Para", "separators@example.com", "true"),
    "spaced": ("  =1+1", "\u00a0@At", "spaced@example.com", "true"),
    "duplicate_a": ("Dup", "One", "dup@example.com", "true"),
    "duplicate_b": ("Dup", "Two", " DUP@example.com", "true"),
    "no_email": ("No", "Email", "", "true"),
    "invalid_email": ("Bad", "Email", "not-an-email", "true"),
    "not_opted_in": ("Quiet", "Customer", "quiet@example.com", "false"),
    "unsubscribed": ("Gone", "Customer", "gone@example.com", "true"),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_STARTS += ("\u2028", "\u2029")
# skipped by spreadsheets before a formula
LEADING_SPACES = " \n\u00a0\u3000"
KEY_COLUMNS = ("email", "customer_id")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows, parsed as a CRM importer would (RFC 4180, UTF-8)."""
    with path.open(newline="", encoding="utf-8") as file:
        header, *rows = csv.reader(file)
    return header, rows


def plant_customers(raw_dir: Path) -> dict[str, int]:
    """Writes PLANTS over single-row customers; only `unsubscribed` keeps a consent event."""
    path = raw_dir / "raw_customers.csv"
    customers = read_rows(path)
    copies = Counter(row["customer_id"] for row in customers)
    single = [row for row in customers if copies[row["customer_id"]] == 1]
    planted = {}
    for (name, plant), row in zip(PLANTS.items(), single[: len(PLANTS)], strict=True):
        first, last, email, opted_in = plant
        row.update(first_name=first, last_name=last, email=email, email_opt_in=opted_in)
        planted[name] = int(row["customer_id"])
    write_rows(path, customers)

    ids = {str(customer_id) for customer_id in planted.values()}
    subscriptions = [
        row for row in read_rows(raw_dir / "raw_subscriptions.csv") if row["customer_id"] not in ids
    ]
    subscriptions.append(
        {
            "subscription_event_id": "900001",
            "customer_id": str(planted["unsubscribed"]),
            "email": "gone@example.com",
            "event_type": "unsubscribe",
            "event_at": "2025-12-30 12:00:00",
        }
    )
    write_rows(raw_dir / "raw_subscriptions.csv", subscriptions)
    events = read_rows(raw_dir / "raw_email_events.csv")
    write_rows(
        raw_dir / "raw_email_events.csv",
        [
            row
            for row in events
            if not (row["customer_id"] in ids and row["event_type"] in ("unsubscribe", "complaint"))
        ],
    )
    return planted


def edit_customer(project: Path, customer_id: int, **values: str) -> None:
    path = project / "seeds" / "raw_customers.csv"
    rows = read_rows(path)
    for row in rows:
        if row["customer_id"] == str(customer_id):
            row.update(values)
    write_rows(path, rows)


def query(database: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(database), read_only=True) as connection:
        relation = connection.sql(sql)
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def acknowledge(project: Path, database: Path, *arguments: str) -> subprocess.CompletedProcess:
    """`customer-intel crm-ack`: the operator imported the published delta."""
    command = [sys.executable, "-m", "customer_intelligence.cli", "crm-ack", *arguments]
    environment = {
        **os.environ,
        "DUCKDB_PATH": str(database),
        "EXPORT_DIR": str(project / "exports"),
    }
    return subprocess.run(
        command, cwd=project, env=environment, capture_output=True, text=True, check=False
    )


def build(project: Path, database: Path, *arguments: str, extra_vars: str = "") -> None:
    variables = f"{{{QUICK_SEGMENTATION_VARS}, {extra_vars}}}" if extra_vars else VARS
    result = run_dbt(project, *arguments, "--vars", variables, database=database)
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.fixture(scope="module")
def crm_builds(tmp_path_factory):
    """Builds a generated data set with hostile and excluded customers, then rebuilds it:
    split, unsplit, unchanged, one customer changed, one removed, everyone opted out. Each
    step's EXPORT_DIR/crm folder is copied into `steps`."""
    root = tmp_path_factory.mktemp("crm_builds")
    raw_dir = root / "raw"
    generate_dataset(600, seed=7, out_dir=raw_dir, truth_dir=root / "truth")
    planted = plant_customers(raw_dir)
    project = copy_project(root / "project", raw_dir)
    database = root / "build.duckdb"
    crm = project / "exports" / "crm"
    steps = {}

    def keep(step):
        """Keeps the published files, then imports them: each delta is against the step before."""
        steps[step] = shutil.copytree(crm, root / "steps" / step)
        acknowledged = acknowledge(project, database)
        assert acknowledged.returncode == 0, acknowledged.stdout[-4000:]

    result = run_dbt(project, "build", *WITHOUT_UNIT_TESTS, "--vars", VARS, database=database)
    assert result.returncode == 0, result.stdout[-4000:]
    keep("first")
    first = {
        "contacts": query(database, "select * from crm_contacts_export order by email"),
        "customers": query(database, "select * from dim_customers"),
        "eligibility": query(database, "select * from crm_contact_eligibility"),
        "exclusions": query(database, "select * from crm_export_exclusions"),
    }

    split_vars = f"crm_max_rows_per_file: {SPLIT_ROWS}, crm_header_preset: hubspot"
    build(project, database, "build", "--select", "tag:crm", extra_vars=split_vars)
    keep("split")
    build(project, database, "build", "--select", "tag:crm")
    keep("unsplit")

    build(project, database, *REBUILD)
    keep("unchanged")

    # the export's customer_id is the id text (source_customer_id)
    planted_ids = {str(customer_id) for customer_id in planted.values()}
    others = [row for row in first["contacts"] if str(row["customer_id"]) not in planted_ids]
    changed, removed = others[0], others[1]
    edit_customer(project, changed["customer_id"], last_name="Renamed")
    build(project, database, *REBUILD)
    keep("one_changed")

    edit_customer(project, removed["customer_id"], email_opt_in="false")
    build(project, database, *REBUILD)
    keep("one_removed")

    renamed = {str(row["customer_id"]) for row in others[2:22]}
    deleted = {str(row["customer_id"]) for row in others[22:27]}
    customers = read_rows(project / "seeds" / "raw_customers.csv")
    for row in customers:
        if row["customer_id"] in renamed:
            row["first_name"] = "Renamed " + row["first_name"]
    write_rows(
        project / "seeds" / "raw_customers.csv",
        [row for row in customers if row["customer_id"] not in deleted],
    )
    build(project, database, *REBUILD)
    keep("twenty_renamed_five_deleted")
    before_everyone_opted_out = (project / "seeds" / "raw_customers.csv").read_bytes()

    everyone = read_rows(project / "seeds" / "raw_customers.csv")
    for row in everyone:
        row["email_opt_in"] = "false"
    write_rows(project / "seeds" / "raw_customers.csv", everyone)
    build(project, database, *REBUILD)
    keep("empty")

    return {
        "project": project,
        "database": database,
        "planted": planted,
        "steps": steps,
        "first": first,
        "changed": changed,
        "removed": removed,
        "renamed": renamed,
        "deleted": deleted,
        "before_everyone_opted_out": before_everyone_opted_out,
    }


def starts_formula(text: str) -> bool:
    return text.lstrip(LEADING_SPACES).startswith(FORMULA_STARTS)


def expected_cell(value, column: str = "") -> str:
    """The CSV text of a database value: a text cell a spreadsheet would run gets a quote,
    unless it is a key, which is never altered."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if starts_formula(value) and column not in KEY_COLUMNS else value
    return str(value)


def test_hostile_names_and_emails_survive_a_csv_round_trip(crm_builds):
    header, rows = read_csv(crm_builds["steps"]["first"] / "contacts.csv")
    contacts = crm_builds["first"]["contacts"]
    by_id = {int(row[1]): row for row in rows}
    planted = crm_builds["planted"]

    assert header == ZOHO_HEADER
    assert rows == [
        [expected_cell(value, column) for column, value in contact.items()] for contact in contacts
    ]
    # the planted values reach the file whole, neutralised where they start like a formula
    assert by_id[planted["formula"]][2] == "'" + PLANTS["formula"][0]
    assert by_id[planted["signs"]][2:4] == ["'+Plus", "'-Minus"]
    assert by_id[planted["quotes"]][2:4] == ["'@At", 'O"Brien, Jr.']
    assert by_id[planted["newlines"]][2:4] == ["Multi\nLine", "Carriage\rReturn"]
    assert by_id[planted["unicode"]][2:4] == ["Zoë", "Łukasiewicz 山田 🎉"]
    assert by_id[planted["tab"]][2] == "Tab\there"
    assert by_id[planted["messy_email"]][0] == "mixed.case@example.com"
    assert by_id[planted["fullwidth"]][2:4] == ["'\uff1d1+1", "'\uff0dMinus"]
    assert by_id[planted["separators"]][2:4] == ["'\u2028Line", "'\u2029Para"]
    # staging trims names, no-break spaces included; the guard quotes what is left
    assert by_id[planted["spaced"]][2:4] == ["'=1+1", "'@At"]
    # a key is never altered: a contact whose key starts like a formula is left out instead
    for name in ("formula_email", "plus_email", "fullwidth_email"):
        assert planted[name] not in by_id
    assert all(not starts_formula(row[0]) and not starts_formula(row[1]) for row in rows)


GUARD_CASES = [
    "  =1+1",
    "\u00a0@At",
    "\u3000+ideographic",
    "\n-line feed first",
    " \n \uff20mixed",
    "\uff0b",
    "\u2028",
    "plain",
    "  plain after spaces",
    "a=b",
    "\u2014dash",
    "",
    "it's; drop",
]


def test_the_formula_guard_quotes_what_a_spreadsheet_would_run(tmp_path):
    """crm_safe_text on text staging never trims (segment and product names come from vars and
    files): cells starting like a formula after skippable spaces get the quote, no others."""
    project = copy_project(tmp_path / "project")
    sql = (
        "select {% for text in var('guard_cases') %}{{ crm_safe_text(sql_literal(text)) }}"
        " as cell_{{ loop.index }}{{ ', ' if not loop.last }}{% endfor %}"
    )
    [row] = show_json(project, tmp_path / "db.duckdb", sql, {"guard_cases": GUARD_CASES})

    cells = [row[f"cell_{position}"] for position in range(1, len(GUARD_CASES) + 1)]
    assert cells == [expected_cell(text) for text in GUARD_CASES]
    assert sum(cell.startswith("'") for cell in cells) == 7


def test_the_file_is_utf8_without_a_byte_order_mark(crm_builds):
    content = (crm_builds["steps"]["first"] / "contacts.csv").read_bytes()

    assert not content.startswith(b"\xef\xbb\xbf")
    assert "Łukasiewicz 山田 🎉" in content.decode("utf-8")


def exclusion_reason(customer: dict, kept_per_email: dict[str, int]) -> str | None:
    """The documented rule, restated: first failing check, then one customer per email."""
    if not customer["email"]:
        return "no_email"
    if not customer["is_email_valid"]:
        return "invalid_email"
    if not customer["email_opt_in"]:
        return "not_opted_in"
    if customer["is_unsubscribed"]:
        return "unsubscribed"
    if starts_formula(customer["email"]) or starts_formula(customer["source_customer_id"]):
        return "key_starts_formula"
    if kept_per_email[customer["email"]] != customer["customer_id"]:
        return "duplicate_email"
    return None


def expected_reasons(customers: list[dict]) -> dict[int, str | None]:
    def last_ordered_first(row):
        ordered = row["last_order_date"]
        return (ordered is None, -ordered.toordinal() if ordered else 0, row["customer_id"])

    contactable = sorted(
        (
            row
            for row in customers
            if row["is_contactable"]
            and not starts_formula(row["email"])
            and not starts_formula(row["source_customer_id"])
        ),
        key=last_ordered_first,
    )
    kept_per_email = {}
    for row in contactable:
        kept_per_email.setdefault(row["email"], row["customer_id"])
    return {row["customer_id"]: exclusion_reason(row, kept_per_email) for row in customers}


def test_excluded_customers_are_absent_and_counted_by_reason(crm_builds):
    first = crm_builds["first"]
    planted = crm_builds["planted"]
    reasons = expected_reasons(first["customers"])
    _, rows = read_csv(crm_builds["steps"]["first"] / "contacts.csv")
    exported = {int(row[1]) for row in rows}
    counted = {row["exclusion_reason"]: row["customers"] for row in first["exclusions"]}

    assert exported == {customer for customer, reason in reasons.items() if reason is None}
    assert counted == {
        reason: sum(1 for value in reasons.values() if value == reason)
        for reason in (
            "no_email",
            "invalid_email",
            "not_opted_in",
            "unsubscribed",
            "key_starts_formula",
            "duplicate_email",
        )
    }
    assert sum(counted.values()) + len(exported) == len(first["customers"])
    for name in ("no_email", "invalid_email", "not_opted_in", "unsubscribed"):
        assert reasons[planted[name]] == name
    for name in ("formula_email", "plus_email", "fullwidth_email"):
        assert reasons[planted[name]] == "key_starts_formula"
    eligibility = {row["customer_id"]: row for row in first["eligibility"]}
    assert {customer: row["exclusion_reason"] for customer, row in eligibility.items()} == reasons
    duplicates = {reasons[planted["duplicate_a"]], reasons[planted["duplicate_b"]]}
    assert duplicates == {None, "duplicate_email"}


def test_the_first_build_lists_every_contact_as_new(crm_builds):
    _, contacts = read_csv(crm_builds["steps"]["first"] / "contacts.csv")
    header, changes = read_csv(crm_builds["steps"]["first"] / "contacts_changes.csv")

    assert header[:3] == ["change_type", "Email", "Customer_ID"]
    assert [row[1:3] for row in changes] == [row[:2] for row in contacts]
    assert {row[0] for row in changes} == {"new"}


@pytest.mark.parametrize("step", ["unchanged", "unsplit"])
def test_a_rebuild_without_changes_gives_a_header_only_delta(crm_builds, step):
    folder = crm_builds["steps"][step]
    header, changes = read_csv(folder / "contacts_changes.csv")

    assert header[0] == "change_type"
    assert changes == []
    assert (folder / "contacts.csv").read_bytes() == (
        crm_builds["steps"]["first"] / "contacts.csv"
    ).read_bytes()


def test_a_rebuild_with_one_changed_customer_gives_that_row(crm_builds):
    changed = crm_builds["changed"]
    header, changes = read_csv(crm_builds["steps"]["one_changed"] / "contacts_changes.csv")
    rows = [dict(zip(header, row, strict=True)) for row in changes]

    assert len(rows) == 1
    assert rows[0]["change_type"] == "changed"
    assert rows[0]["Email"] == changed["email"]
    assert rows[0]["Customer_ID"] == str(changed["customer_id"])
    assert rows[0]["Last_Name"] == "Renamed"
    assert rows[0]["First_Name"] == expected_cell(changed["first_name"])


def test_a_customer_no_longer_contactable_is_removed(crm_builds):
    removed = crm_builds["removed"]
    header, changes = read_csv(crm_builds["steps"]["one_removed"] / "contacts_changes.csv")
    _, contacts = read_csv(crm_builds["steps"]["one_removed"] / "contacts.csv")
    rows = [dict(zip(header, row, strict=True)) for row in changes]

    assert len(rows) == 1
    assert rows[0]["change_type"] == "removed"
    assert rows[0]["Email"] == removed["email"]
    assert rows[0]["Customer_ID"] == str(removed["customer_id"])
    assert rows[0]["Last_Name"] == ""
    assert removed["email"] not in {row[0] for row in contacts}


def test_a_delta_equals_an_independent_diff_of_the_two_exported_files(crm_builds):
    """20 renamed, 5 deleted: the delta is what differs between the files a CRM imported and
    the new ones, cell by cell at the exported precision (the as-of stamp aside). The refits
    move many other contacts' cells too (issue 29: segment and CLV stability)."""
    steps = crm_builds["steps"]
    folder = steps["twenty_renamed_five_deleted"]
    header, before = read_csv(steps["one_removed"] / "contacts.csv")
    _, after = read_csv(folder / "contacts.csv")
    changes_header, changes = read_csv(folder / "contacts_changes.csv")
    compared = [position for position, name in enumerate(header) if name != "Data_Updated_On"]
    old = {row[0]: [row[position] for position in compared] for row in before}
    new = {row[0]: [row[position] for position in compared] for row in after}
    expected = {email: "new" for email in new.keys() - old.keys()}
    expected |= {email: "removed" for email in old.keys() - new.keys()}
    expected |= {email: "changed" for email in old.keys() & new.keys() if old[email] != new[email]}

    delta = {row[1]: row[0] for row in changes}
    assert delta == expected
    by_id = {row[1]: row[0] for row in before}
    assert {by_id[customer] for customer in crm_builds["deleted"]} <= {
        email for email, change in delta.items() if change == "removed"
    }
    renamed = {by_id[customer] for customer in crm_builds["renamed"]}
    assert renamed <= {email for email, change in delta.items() if change == "changed"}
    # a changed row carries its new values
    rows = {row[1]: dict(zip(changes_header, row, strict=True)) for row in changes}
    assert all(rows[email]["First_Name"].startswith("Renamed ") for email in renamed)


def test_an_empty_export_gives_header_only_files_and_removes_everyone(crm_builds):
    folder = crm_builds["steps"]["empty"]
    _, before = read_csv(crm_builds["steps"]["twenty_renamed_five_deleted"] / "contacts.csv")
    header, changes = read_csv(folder / "contacts_changes.csv")

    # RFC 4180: records end with CRLF
    assert (folder / "contacts.csv").read_bytes() == (",".join(ZOHO_HEADER) + "\r\n").encode()
    assert sorted((row[0], row[1]) for row in changes) == sorted(
        ("removed", row[0]) for row in before
    )


def test_a_small_max_rows_splits_the_files_into_numbered_parts(crm_builds):
    folder = crm_builds["steps"]["split"]
    _, whole = read_csv(crm_builds["steps"]["first"] / "contacts.csv")
    parts = sorted(folder.glob("contacts_part_*.csv"))
    expected_parts = -(-len(whole) // SPLIT_ROWS)

    assert len(whole) > 2 * SPLIT_ROWS  # or the split proves little
    assert [part.name for part in parts] == [
        f"contacts_part_{number:03d}.csv" for number in range(1, expected_parts + 1)
    ]
    read = [read_csv(part) for part in parts]
    assert all(header == HUBSPOT_HEADER for header, _ in read)
    assert [len(rows) for _, rows in read[:-1]] == [SPLIT_ROWS] * (expected_parts - 1)
    assert [row for _, rows in read for row in rows] == whole
    # an empty delta still gets one, header-only, part; the unsplit files are gone
    assert sorted(path.name for path in folder.glob("contacts_changes*")) == [
        "contacts_changes_part_001.csv"
    ]
    assert read_csv(folder / "contacts_changes_part_001.csv")[1] == []
    assert not (folder / "contacts.csv").exists()


def test_turning_the_split_off_removes_the_part_files(crm_builds):
    names = sorted(path.name for path in crm_builds["steps"]["unsplit"].iterdir())

    assert names == ["contacts.csv", "contacts_changes.csv", "export.json"]


def test_a_reader_polling_during_a_rebuild_never_sees_a_partial_file(crm_builds):
    project, database = crm_builds["project"], crm_builds["database"]
    contacts = project / "exports" / "crm" / "contacts.csv"
    parquet = project / "exports" / "marts" / "dim_customers.parquet"
    customers = len(crm_builds["first"]["customers"]) - len(crm_builds["deleted"])
    _, opted_in = read_csv(crm_builds["steps"]["twenty_renamed_five_deleted"] / "contacts.csv")
    # the rebuild turns the header-only file of the empty step back into the full one
    assert read_csv(contacts)[1] == []
    (project / "seeds" / "raw_customers.csv").write_bytes(crm_builds["before_everyone_opted_out"])
    environment = {
        **os.environ,
        "DUCKDB_PATH": str(database),
        "EXPORT_DIR": str(project / "exports"),
    }
    command = [DBT, *REBUILD, "--vars", VARS, "--project-dir", str(project)]
    command += ["--profiles-dir", str(project)]
    seen, failures = [], []

    def poll(process):
        with duckdb.connect() as connection:
            while process.poll() is None:
                try:
                    header, rows = read_csv(contacts)
                    parquet_rows = connection.sql(
                        f"select count(*) from read_parquet('{parquet}')"
                    ).fetchall()[0][0]
                    seen.append((header == ZOHO_HEADER, len(rows), parquet_rows))
                except Exception as error:  # a half-written file fails to parse
                    failures.append(repr(error))

    process = subprocess.Popen(
        command, cwd=project, env=environment, stdout=subprocess.PIPE, text=True
    )
    reader = threading.Thread(target=poll, args=(process,))
    reader.start()
    output, _ = process.communicate()
    reader.join()

    assert process.returncode == 0, output[-4000:]
    assert failures == []
    assert seen  # the reader ran while dbt did
    assert {headers_match for headers_match, _, _ in seen} == {True}
    assert {rows for _, rows, _ in seen} <= {0, len(opted_in)}
    assert {rows for _, _, rows in seen} == {customers}
    assert len(read_csv(contacts)[1]) == len(opted_in)
