"""The CRM delta is delivered at least once: a failed, retried or killed build and builds without
an acknowledgement lose no change; each delta equals an independent diff of the acknowledged
contacts file and the current one."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from conftest import DBT, QUICK_SEGMENTATION_VARS, WITHOUT_UNIT_TESTS, copy_project, run_dbt
from customer_intelligence.generate import generate_dataset
from test_crm_export import acknowledge, edit_customer, query

pytestmark = pytest.mark.e2e

VARS = f"{{{QUICK_SEGMENTATION_VARS}}}"
# the customer edits reach the CRM models, and their tests decide whether the files are published
REBUILD = ("build", "--select", "raw_customers+,+tag:crm", *WITHOUT_UNIT_TESTS, "snapshot")
# a singular test of crm_contacts_changes that fails while FAIL_CRM_TEST=yes
SWITCHABLE_FAILURE = """
select email from {{ ref('crm_contacts_changes') }}
where '{{ env_var("FAIL_CRM_TEST", "no") }}' = 'yes'
"""


def contacts_by_email(path: Path) -> dict[str, dict[str, str]]:
    """The exported contacts keyed by Email, without the as-of stamp (not a change)."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return {row["Email"]: {k: v for k, v in row.items() if k != "Data_Updated_On"} for row in rows}


def expected_delta(acknowledged: Path, current: Path) -> dict[str, tuple]:
    """An independent diff of two contacts files: email -> (change type, current row or id)."""
    before, after = contacts_by_email(acknowledged), contacts_by_email(current)
    delta = {}
    for email, row in after.items():
        if email not in before:
            delta[email] = ("new", row)
        elif row != before[email]:
            delta[email] = ("changed", row)
    for email, row in before.items():
        if email not in after:
            delta[email] = ("removed", row["Customer_ID"])
    return delta


def published_delta(folder: Path) -> dict[str, tuple]:
    with (folder / "contacts_changes.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    delta = {}
    for row in rows:
        change = row.pop("change_type")
        row.pop("Data_Updated_On")
        row.pop("row_checksum")
        delta[row["Email"]] = (change, row["Customer_ID"] if change == "removed" else row)
    return delta


class Operator:
    """Builds, edits and acknowledges one project as an operator would."""

    def __init__(self, project: Path, database: Path):
        self.project, self.database = project, database
        self.crm = project / "exports" / "crm"
        self.env = {
            **os.environ,
            "DUCKDB_PATH": str(database),
            "EXPORT_DIR": str(project / "exports"),
        }

    def dbt(self, *arguments: str, **extra_env: str):
        return run_dbt(self.project, *arguments, database=self.database, **extra_env)

    def build(self, *arguments: str, **extra_env: str):
        return self.dbt(*(arguments or REBUILD), "--vars", VARS, **extra_env)

    def acknowledge(self, *arguments: str):
        return acknowledge(self.project, self.database, *arguments)

    def build_killed_after_the_delta(self) -> str:
        """Starts a rebuild and SIGKILLs dbt once crm_contacts_changes is built."""
        command = [DBT, *REBUILD, "--vars", VARS, "--project-dir", str(self.project)]
        command += ["--profiles-dir", str(self.project)]
        process = subprocess.Popen(
            command, cwd=self.project, env=self.env, stdout=subprocess.PIPE, text=True
        )
        seen = []
        for line in process.stdout:
            seen.append(line)
            if "OK created sql table model main.crm_contacts_changes" in line:
                process.send_signal(signal.SIGKILL)
                break
        process.wait()
        assert process.returncode == -signal.SIGKILL, "".join(seen[-20:])
        return "".join(seen)

    def publications(self) -> list[dict]:
        return query(self.database, "select * from crm_export_publications order by published_at")

    def published_set(self) -> dict:
        """The export set readers see: its folder and the digest of each file in it."""
        current = (self.project / "exports" / "current").resolve()
        return {
            "folder": current.name,
            "files": {
                str(path.relative_to(current)): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted(current.rglob("*"))
                if path.is_file()
            },
        }

    def unpublished_files(self) -> list[str]:
        """Files of build folders newer than the published set (a killed build's)."""
        current = (self.project / "exports" / "current").resolve()
        return [
            str(path.relative_to(current.parent))
            for folder in current.parent.iterdir()
            if folder.name > current.name
            for path in folder.rglob("*")
            if path.is_file()
        ]

    def snapshot(self, name: str) -> Path:
        """A copy of the CRM folder as the operator would import it."""
        target = self.project.parent / "imported" / name
        target.mkdir(parents=True)
        for path in self.crm.iterdir():
            (target / path.name).write_bytes(path.read_bytes())
        return target


def rename(operator: Operator, customer_id: str, last_name: str) -> None:
    edit_customer(operator.project, customer_id, last_name=last_name)


@pytest.fixture(scope="module")
def delivery(tmp_path_factory):
    """A first build and its acknowledgement; then a failed build, its retry, a killed build, two
    builds without an acknowledgement, the acknowledgement and an unchanged build. Each step's
    CRM folder is kept."""
    root = tmp_path_factory.mktemp("crm_delivery")
    raw_dir = root / "raw"
    generate_dataset(600, seed=11, out_dir=raw_dir, truth_dir=root / "truth")
    project = copy_project(root / "project", raw_dir)
    (project / "tests" / "assert_crm_switchable_failure.sql").write_text(SWITCHABLE_FAILURE)
    operator = Operator(project, root / "build.duckdb")
    steps, outputs, sets = {}, {}, {}

    result = operator.build("build", *WITHOUT_UNIT_TESTS)
    assert result.returncode == 0, result.stdout[-4000:]
    steps["first"] = operator.snapshot("first")
    sets["first"] = operator.published_set()
    acknowledged = operator.acknowledge()
    assert acknowledged.returncode == 0, acknowledged.stdout[-4000:]
    outputs["first_ack"] = acknowledged.stdout

    contacts = list(contacts_by_email(steps["first"] / "contacts.csv").values())
    a, b, c, d, gone = (row["Customer_ID"] for row in contacts[:5])
    rename(operator, a, "RenamedA")
    edit_customer(project, gone, email_opt_in="false")
    failed = operator.build(FAIL_CRM_TEST="yes")
    assert failed.returncode != 0
    outputs["failed"] = failed.stdout
    steps["failed"] = operator.snapshot("failed")
    sets["failed"] = operator.published_set()
    outputs["publications_after_failure"] = len(operator.publications())

    retried = operator.dbt("retry", FAIL_CRM_TEST="no")
    assert retried.returncode == 0, retried.stdout[-4000:]
    steps["retried"] = operator.snapshot("retried")
    sets["retried"] = operator.published_set()

    rename(operator, b, "RenamedB")
    operator.build_killed_after_the_delta()
    steps["killed"] = operator.snapshot("killed")
    sets["killed"] = operator.published_set()
    outputs["killed_build_files"] = operator.unpublished_files()

    rename(operator, c, "RenamedC")
    result = operator.build()
    assert result.returncode == 0, result.stdout[-4000:]
    steps["second_unacknowledged"] = operator.snapshot("second_unacknowledged")
    rename(operator, c, "RenamedAgainC")
    rename(operator, d, "RenamedD")
    result = operator.build()
    assert result.returncode == 0, result.stdout[-4000:]
    steps["third_unacknowledged"] = operator.snapshot("third_unacknowledged")

    wrong = operator.acknowledge("--build-id", "not-this-build'; drop table x; --")
    outputs["wrong_ack"] = (wrong.returncode, wrong.stdout)
    build_id = json.loads((operator.crm / "export.json").read_text())["build_id"]
    acknowledged = operator.acknowledge("--build-id", build_id)
    assert acknowledged.returncode == 0, acknowledged.stdout[-4000:]
    outputs["second_ack"] = acknowledged.stdout
    result = operator.build()
    assert result.returncode == 0, result.stdout[-4000:]
    steps["after_ack"] = operator.snapshot("after_ack")
    return {
        "operator": operator,
        "steps": steps,
        "outputs": outputs,
        "sets": sets,
        "edited": {"a": a, "b": b, "c": c, "d": d, "gone": gone},
    }


def test_a_build_whose_crm_tests_fail_publishes_nothing(delivery):
    steps, outputs = delivery["steps"], delivery["outputs"]

    for name in ("contacts.csv", "contacts_changes.csv", "export.json"):
        assert (steps["failed"] / name).read_bytes() == (steps["first"] / name).read_bytes()
    assert outputs["publications_after_failure"] == 1
    assert (
        "CRM: files not published, assert_crm_switchable_failure (fail) did not pass"
        in (outputs["failed"])
    )


def test_the_retry_that_passes_publishes_the_change_and_the_removal(delivery):
    steps, edited = delivery["steps"], delivery["edited"]
    delta = published_delta(steps["retried"])

    assert delta == expected_delta(
        steps["first"] / "contacts.csv", steps["retried"] / "contacts.csv"
    )
    by_id = {
        value[1] if value[0] == "removed" else value[1]["Customer_ID"]: value
        for value in delta.values()
    }
    assert by_id[edited["a"]][0] == "changed"
    assert by_id[edited["a"]][1]["Last_Name"] == "RenamedA"
    assert by_id[edited["gone"]][0] == "removed"


def test_a_killed_build_publishes_nothing(delivery):
    steps = delivery["steps"]

    for name in ("contacts.csv", "contacts_changes.csv", "export.json"):
        assert (steps["killed"] / name).read_bytes() == (steps["retried"] / name).read_bytes()


def test_a_killed_build_leaves_the_published_set_as_it_was(delivery):
    sets, outputs = delivery["sets"], delivery["outputs"]

    assert sets["killed"] == sets["retried"]
    # the build was killed after writing marts: its own folder held them, unseen by readers
    assert any(
        name.endswith("/marts/crm_contacts_changes.parquet")
        for name in outputs["killed_build_files"]
    )


def test_a_build_whose_crm_tests_fail_publishes_its_marts_with_the_earlier_crm_files(delivery):
    first, failed = delivery["sets"]["first"], delivery["sets"]["failed"]
    crm = {name for name in first["files"] if name.startswith("crm/")}

    assert failed["folder"] != first["folder"]
    assert failed["files"].keys() == first["files"].keys()
    assert {name: failed["files"][name] for name in crm} == {
        name: first["files"][name] for name in crm
    }
    # the rebuilt marts are published as they are in the database: the renamed contact's row
    contacts = "marts/crm_contacts_export.parquet"
    assert failed["files"][contacts] != first["files"][contacts]


@pytest.mark.parametrize("step", ["second_unacknowledged", "third_unacknowledged"])
def test_without_an_acknowledgement_each_delta_lists_every_change_since_the_last(delivery, step):
    steps, edits = delivery["steps"], delivery["edited"]
    folder = steps[step]
    delta = published_delta(folder)
    expected = expected_delta(steps["first"] / "contacts.csv", folder / "contacts.csv")
    names = {
        value[1]["Customer_ID"]: value[1]["Last_Name"]
        for value in delta.values()
        if value[0] == "changed"
    }

    assert delta == expected
    assert names[edits["a"]] == "RenamedA"
    assert names[edits["b"]] == "RenamedB"  # from the killed build's edit
    if step == "third_unacknowledged":
        assert names[edits["c"]] == "RenamedAgainC"  # the newest value
        assert names[edits["d"]] == "RenamedD"
    else:
        assert names[edits["c"]] == "RenamedC"
    assert ("removed", edits["gone"]) in delta.values()


def test_after_the_acknowledgement_the_delta_is_empty(delivery):
    steps, outputs = delivery["steps"], delivery["outputs"]

    assert published_delta(steps["after_ack"]) == {}
    assert "0 new" in outputs["second_ack"] and "1 removed" in outputs["second_ack"]
    assert (steps["after_ack"] / "contacts.csv").read_bytes() == (
        steps["third_unacknowledged"] / "contacts.csv"
    ).read_bytes()


def test_acknowledging_another_build_is_refused_and_changes_nothing(delivery):
    returncode, output = delivery["outputs"]["wrong_ack"]

    assert returncode != 0
    assert "not not-this-build'; drop table x; --" in output
    assert "Nothing was acknowledged" in output


def test_state_and_publications_record_what_was_acknowledged(delivery):
    operator = delivery["operator"]
    publications = operator.publications()
    state = query(operator.database, "select * from crm_export_state")
    current = contacts_by_email(delivery["steps"]["after_ack"] / "contacts.csv")

    assert [row["acknowledged_at"] is not None for row in publications] == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert {row["email"] for row in state if not row["is_removed"]} == set(current)
    removed = [row for row in state if row["is_removed"]]
    assert [row["customer_id"] for row in removed] == [delivery["edited"]["gone"]]


def rule_1_checksum(values: list) -> str:
    """The checksum an earlier version kept (crm_row_checksum over its exported cells: the
    customer key and the CLV in cents), recomputed here independently."""
    fields = ["\x1e" if value is None else str(value) for value in values]
    return hashlib.md5("\x1f".join(fields).encode()).hexdigest()


def test_a_state_kept_from_an_earlier_version_is_upgraded_without_marking_anyone_changed(
    delivery, tmp_path
):
    operator = delivery["operator"]
    database = tmp_path / "upgraded.duckdb"
    shutil.copy(operator.database, database)
    rows = query(
        database,
        """
        select
            profiles.email, profiles.customer_id, contacts.first_name, contacts.last_name,
            contacts.kmeans_segment, contacts.rfm_segment, contacts.recommended_product_1,
            contacts.recommended_product_2, contacts.recommended_product_3,
            contacts.monetary_value, contacts.last_order_date, profiles.predicted_clv,
            contacts.churn_risk
        from crm_contacts_export as contacts
        inner join int_crm_contact_profiles as profiles on contacts.email = profiles.email
        order by profiles.email
        """,
    )
    stale = rows[0]["email"]  # acknowledged with an older last name
    state = [
        (
            row["email"],
            row["customer_id"],
            rule_1_checksum(
                [
                    value if key != "last_name" or row["email"] != stale else "Older"
                    for key, value in row.items()
                    if key != "email"
                ]
            ),
        )
        for row in rows
    ]
    with duckdb.connect(str(database)) as connection:
        connection.execute("drop table crm_export_state")
        # the form of the table the earlier version's model wrote: a bigint key, no rule
        connection.execute(
            """
            create table crm_export_state (
                email varchar, customer_id bigint, row_checksum varchar, is_removed boolean,
                last_change_type varchar, last_changed_at timestamp with time zone
            )
            """
        )
        connection.executemany(
            "insert into crm_export_state values (?, ?, ?, false, 'new', now())", state
        )
    exports = tmp_path / "exports"
    result = run_dbt(
        operator.project, *REBUILD, "--vars", VARS, database=database, EXPORT_DIR=str(exports)
    )
    delta = published_delta(exports / "crm")

    assert result.returncode == 0, result.stdout[-4000:]
    assert list(delta) == [stale]
    assert delta[stale][0] == "changed"
    upgraded = query(database, "select distinct checksum_rule from crm_export_state")
    assert upgraded == [{"checksum_rule": 2}]
