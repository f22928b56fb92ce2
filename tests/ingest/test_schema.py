"""The extract format: the schema matches the models, and the published JSON Schema is current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import models

from seen.ingest.columns import Table
from seen.ingest.json_schema import json_schema, markdown_reference
from seen.ingest.schema import TABLES

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "extract-format" / "v1"
BOOKKEEPING = {"id", "version", "row_hash", "batch"}
DERIVED = {("people", "person"), ("residences", "area")}  # set by linkage / from the postcode


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_published_json_schema_is_current(table: Table) -> None:
    published = json.loads((PUBLISHED / f"{table.name}.schema.json").read_text())
    assert published == json_schema(table), "run `make schema` and commit docs/extract-format"


def test_published_column_reference_is_current() -> None:
    published = (PUBLISHED / "README.md").read_text()
    assert published == markdown_reference(TABLES) + "\n", "run `make schema` and commit"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_column_has_a_model_field_and_every_field_a_column(table: Table) -> None:
    fields = {
        f.name: f for f in table.model._meta.get_fields() if isinstance(f, models.Field)
    }
    for column in table.columns:
        field = fields[column.model_field]
        assert (column.kind == "ref") == isinstance(field, models.ForeignKey), column.name
    covered = {column.model_field for column in table.columns}
    uncovered = {
        name for name in fields
        if name not in covered and name not in BOOKKEEPING and (table.name, name) not in DERIVED
    }
    assert not uncovered, f"{table.name} has fields no column fills: {uncovered}"
