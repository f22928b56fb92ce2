"""The extract format: the schema matches the models, and the published JSON Schema of every
version is current (version 1 as it was, less the codes its code lists have gained)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import models

from seen.ingest.columns import Table
from seen.ingest.json_schema import json_schema, markdown_reference, tables_in
from seen.ingest.schema import READABLE_VERSIONS, TABLES, TABLES_BY_NAME

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "extract-format"
BOOKKEEPING = {"id", "version", "row_hash", "batch"}
# set by linkage / from the postcode / from the referral a step of uptake belongs to
DERIVED = {
    ("people", "person"),
    ("residences", "area"),
    *(("service_uptake", name) for name in ("subject", "child", "pregnancy")),
}
EVERY_VERSION = [
    (version, table) for version in READABLE_VERSIONS for table in tables_in(TABLES, version)
]


@pytest.mark.parametrize(("version", "table"), EVERY_VERSION, ids=lambda v: getattr(v, "name", v))
def test_published_json_schema_is_current(version: str, table: Table) -> None:
    published = json.loads((PUBLISHED / f"v{version}" / f"{table.name}.schema.json").read_text())
    assert published == json_schema(table, version), "run `make schema`, commit docs/extract-format"


@pytest.mark.parametrize("version", READABLE_VERSIONS)
def test_published_column_reference_is_current(version: str) -> None:
    published = (PUBLISHED / f"v{version}" / "README.md").read_text()
    assert published == markdown_reference(TABLES, version) + "\n", "run `make schema`, commit"


def test_each_version_publishes_only_its_own_tables() -> None:
    assert not (PUBLISHED / "v1" / "pre_proceedings.schema.json").exists()
    assert (PUBLISHED / "v1.1" / "pre_proceedings.schema.json").exists()


def test_version_1_1_only_adds_so_a_version_1_row_is_a_version_1_1_row() -> None:
    for table in tables_in(TABLES, "1"):
        old, new = json_schema(table, "1"), json_schema(table, "1.1")
        assert set(new["required"]) <= set(old["required"]), table.name
        assert all(new["properties"][name] == prop for name, prop in old["properties"].items())
    referrals = json_schema(TABLES_BY_NAME["referrals"], "1.1")
    assert "primary_need" in referrals["properties"] and "primary_need" not in referrals["required"]
    assert referrals["properties"]["primary_need"]["x-seen-since"] == "1.1"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_column_has_a_model_field_and_every_field_a_column(table: Table) -> None:
    fields = {f.name: f for f in table.model._meta.get_fields() if isinstance(f, models.Field)}
    for column in table.columns:
        field = fields[column.model_field]
        assert (column.kind == "ref") == isinstance(field, models.ForeignKey), column.name
    covered = {column.model_field for column in table.columns}
    uncovered = {
        name
        for name in fields
        if name not in covered and name not in BOOKKEEPING and (table.name, name) not in DERIVED
    }
    assert not uncovered, f"{table.name} has fields no column fills: {uncovered}"
