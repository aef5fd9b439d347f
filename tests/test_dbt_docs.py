"""`dbt docs generate` works, and the docs describe every mart and the exposures' dependencies."""

from __future__ import annotations

import json

import pytest

from conftest import run_dbt

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def docs(two_builds):
    project, database, _, _ = two_builds
    result = run_dbt(project, "docs", "generate", database=database)
    assert result.returncode == 0, result.stdout[-4000:]
    target = project / "target"
    return (
        json.loads((target / "manifest.json").read_text()),
        json.loads((target / "catalog.json").read_text()),
    )


def mart_nodes(manifest):
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }


def test_the_catalog_lists_every_mart_with_a_description(docs):
    manifest, catalog = docs
    marts = mart_nodes(manifest)

    assert {"model.customer_intelligence.crm_contacts_export"} <= set(marts)
    assert set(marts) <= set(catalog["nodes"])
    assert [unique_id for unique_id, node in marts.items() if not node["description"]] == []


def test_every_mart_column_in_the_catalog_is_described(docs):
    manifest, catalog = docs
    undocumented = {
        (unique_id, column.lower())
        for unique_id, node in mart_nodes(manifest).items()
        for column in catalog["nodes"][unique_id]["columns"]
        if not node["columns"].get(column.lower(), {}).get("description")
    }

    assert undocumented == set()


def test_the_exposures_declare_the_dashboard_and_the_crm_sync(docs):
    manifest, _ = docs
    exposures = {node["name"]: node for node in manifest["exposures"].values()}
    depends = {
        name: {unique_id.rsplit(".", 1)[-1] for unique_id in node["depends_on"]["nodes"]}
        for name, node in exposures.items()
    }

    assert exposures["customer_intelligence_dashboard"]["type"] == "dashboard"
    assert exposures["crm_contact_sync"]["type"] == "application"
    assert {"dim_customers", "customer_rfm", "customer_segments"} <= depends[
        "customer_intelligence_dashboard"
    ]
    assert {"crm_contacts_export", "crm_contacts_changes"} <= depends["crm_contact_sync"]
    assert all(node["owner"]["email"] and node["description"] for node in exposures.values())
