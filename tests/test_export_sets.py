"""A build's files are published as one set by one link swap (export_sets): readers see one
build's complete set; a partial build carries the rest over; older sets go, the previous stays."""

from __future__ import annotations

import json
import os
from pathlib import Path

from customer_intelligence import export_sets

MARTS = ["customer_rfm", "dim_customers", "segment_profiles"]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def build_folder(exports: Path, build: str) -> Path:
    return export_sets.build_folder(exports, build)


def full_build(exports: Path, build: str) -> None:
    for mart in MARTS:
        write(build_folder(exports, build) / "marts" / f"{mart}.parquet", f"{mart} of {build}")
    write(build_folder(exports, build) / "crm" / "contacts.csv", f"contacts of {build}")
    assert export_sets.complete_set(exports, build, MARTS, crm_published=True) == []
    export_sets.publish(exports, build, build_id=build)


def seen_by_a_reader(exports: Path) -> dict[str, str]:
    """What a reader opening the documented paths gets."""
    files = {f"marts/{mart}": exports / "marts" / f"{mart}.parquet" for mart in MARTS}
    files["crm/contacts"] = exports / "crm" / "contacts.csv"
    return {name: path.read_text() for name, path in files.items() if path.exists()}


def test_a_partial_build_publishes_a_complete_set_with_the_newest_file_of_each_mart(tmp_path):
    exports = tmp_path / "exports"
    full_build(exports, "1-first")
    # a build killed after rebuilding dim_customers: its table is newer than the published file
    write(build_folder(exports, "2-killed") / "marts" / "dim_customers.parquet", "dim of 2")
    write(build_folder(exports, "2-killed") / "marts" / "segment_profiles.parquet.x.tmp", "half")
    write(build_folder(exports, "2-killed") / "crm" / "contacts.csv", "unpublished contacts")
    assert seen_by_a_reader(exports)["marts/dim_customers"] == "dim_customers of 1-first"

    write(build_folder(exports, "3-rfm") / "marts" / "customer_rfm.parquet", "rfm of 3")
    missing = export_sets.complete_set(exports, "3-rfm", [*MARTS, "new_mart"], crm_published=False)
    export_sets.publish(exports, "3-rfm", build_id="3")

    assert missing == ["new_mart"]
    assert seen_by_a_reader(exports) == {
        "marts/customer_rfm": "rfm of 3",
        "marts/dim_customers": "dim of 2",
        "marts/segment_profiles": "segment_profiles of 1-first",
        # CRM files only ever come from a published set
        "crm/contacts": "contacts of 1-first",
    }
    manifest = json.loads((exports / "current" / "build.json").read_text())
    assert manifest["build_id"] == "3"
    # a half-written file of a killed build is never carried over
    assert manifest["files"] == [
        "crm/contacts.csv",
        *(f"marts/{mart}.parquet" for mart in MARTS),
    ]


def test_publishing_swaps_one_link_keeps_the_previous_set_and_removes_older_ones(tmp_path):
    exports = tmp_path / "exports"
    full_build(exports, "1-first")
    full_build(exports, "2-second")
    reader_on_the_second = (exports / "current").resolve()
    write(build_folder(exports, "3-failed-early") / "marts" / "customer_rfm.parquet", "rfm of 3")
    write(build_folder(exports, "9-still-running") / "marts" / "customer_rfm.parquet", "rfm of 9")

    full_build(exports, "4-fourth")

    assert sorted(path.name for path in (exports / "builds").iterdir()) == [
        "2-second",
        "4-fourth",
        "9-still-running",
    ]
    assert (reader_on_the_second / "marts" / "customer_rfm.parquet").read_text() == (
        "customer_rfm of 2-second"
    )
    assert set(seen_by_a_reader(exports).values()) == {f"{mart} of 4-fourth" for mart in MARTS} | {
        "contacts of 4-fourth"
    }
    # relative links: the folder can be moved or mounted elsewhere
    assert os.readlink(exports / "current") == "builds/4-fourth"
    assert os.readlink(exports / "marts") == "current/marts"
    assert [path.name for path in exports.iterdir() if path.name.endswith(".tmp")] == []


def test_the_plain_folders_of_an_earlier_version_become_the_oldest_set(tmp_path):
    exports = tmp_path / "exports"
    for mart in MARTS:
        write(exports / "marts" / f"{mart}.parquet", f"{mart} of the earlier version")
    write(exports / "crm" / "contacts.csv", "contacts of the earlier version")
    write(build_folder(exports, "5-new") / "marts" / "customer_rfm.parquet", "rfm of 5")

    missing = export_sets.complete_set(exports, "5-new", MARTS, crm_published=False)
    export_sets.publish(exports, "5-new", build_id="5")

    assert missing == []
    assert seen_by_a_reader(exports) == {
        "marts/customer_rfm": "rfm of 5",
        "marts/dim_customers": "dim_customers of the earlier version",
        "marts/segment_profiles": "segment_profiles of the earlier version",
        "crm/contacts": "contacts of the earlier version",
    }
    assert (exports / "marts").is_symlink()
    assert (exports / "crm").is_symlink()


def test_carried_over_files_are_links_not_copies(tmp_path):
    exports = tmp_path / "exports"
    full_build(exports, "1-first")
    write(build_folder(exports, "2-rfm") / "marts" / "customer_rfm.parquet", "rfm of 2")
    export_sets.complete_set(exports, "2-rfm", MARTS, crm_published=False)

    carried = build_folder(exports, "2-rfm") / "marts" / "dim_customers.parquet"
    assert (
        carried.stat().st_ino
        == (build_folder(exports, "1-first") / "marts" / "dim_customers.parquet").stat().st_ino
    )
