"""Rows written by seen.core.inserts (COPY on PostgreSQL, executemany on SQLite) read back
exactly as Django's own INSERT (bulk_create) stores the same rows: every column of every row,
as the database holds it (as text on PostgreSQL), for every field type the ingested models use
and for the linkage's stored pairs and decisions."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, models, transaction
from django.db.models import Max

from seen.areas.models import Agency, Area
from seen.core.inserts import insert_rows
from seen.ingest import table_loader
from seen.ingest.loader import ingest_extract
from seen.ingest.models import QuarantinedRow
from seen.ingest.schema import TABLES
from seen.linkage.models import CandidatePair, LinkRun
from seen.people.models import LinkDecision, Person, SourceRecord
from seen.synth.generator import generate

Row = tuple[Any, ...]


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _stored(model: type[models.Model], after_pk: int) -> list[Row]:
    """The rows after a key, every column but the key as the database holds it."""
    quote = connection.ops.quote_name
    # PostgreSQL's text form of a value is exact (jsonb normalised, timestamptz in UTC);
    # SQLite holds the values it was given, compared with their types
    cast = "{}::text" if connection.vendor == "postgresql" else "{}"
    columns = ", ".join(cast.format(quote(f.column)) for f in _fields(model))
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {pk} > %s ORDER BY {pk}",
            [after_pk],
        )
        return list(cursor.fetchall())


def _last_pk(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(last=Max("pk"))["last"] or 0)


def _both_ways(model: type[models.Model], rows: list[dict[str, Any]]) -> list[Row]:
    """Insert the rows with Django's INSERT (then undone) and with insert_rows; both stored."""
    start = _last_pk(model)
    with transaction.atomic():
        model._default_manager.bulk_create([model(**row) for row in rows])
        django_rows = _stored(model, start)
        transaction.set_rollback(True)
    insert_rows(model, rows)
    ours = _stored(model, start)
    assert len(ours) == len(rows)
    assert ours == django_rows, f"{model.__name__}: insert_rows stores differently"
    return ours


def _field_kinds(models_: set[type[models.Model]]) -> set[type[models.Field]]:
    return {type(f) for model in models_ for f in _fields(model)}


@pytest.mark.django_db
def test_ingested_rows_read_back_as_djangos_insert_stores_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path / "x", areas=2, births=60, seed=5, start=date(2025, 4, 1))
    filled: set[type[models.Field]] = set()

    def compared(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        stored = _both_ways(model, rows)
        for i, field in enumerate(_fields(model)):
            if any(row[i] not in (None, "", "[]", "{}", 0) for row in stored):
                filled.add(type(field))

    monkeypatch.setattr(table_loader, "insert_rows", compared)
    summary = ingest_extract(tmp_path / "x")

    assert summary.refused_files == []
    assert not QuarantinedRow.objects.exists()
    ingested = {table.model for table in TABLES}
    # every kind of field the ingested models have was compared holding a real value
    assert _field_kinds(ingested) - filled == set()
    assert {models.JSONField, models.DateTimeField, models.BooleanField} <= filled


@pytest.mark.django_db
def test_linkage_rows_read_back_as_djangos_insert_stores_them() -> None:
    area = Area.objects.create(code="QZC", name="Copy")
    agency = Agency.objects.create(code="QZC-POL", name="Copy police", kind="police", area=area)
    records = [
        SourceRecord.objects.create(
            agency=agency, local_id=f"C{i}", forename="Ann", surname="Copy", row_hash="x"
        )
        for i in range(4)
    ]
    run = LinkRun.objects.create(
        kind="batch", auto_link_threshold=0.95, review_threshold=0.5, started_at=datetime.now(UTC)
    )
    awkward = {"tab\there": 1 / 3, "quote\"'": -0.0, "é ✓": [1e-300, 2.5e300], "n": None}
    pairs: list[dict[str, Any]] = [
        {
            "record_l_id": records[i].pk,
            "record_r_id": records[j].pk,
            "match_probability": probability,
            "match_weight": weight,
            "evidence": evidence,
            "levels": {"name": "exact\\match\nnext"},
            "band": "review",
            "run_id": run.pk,
        }
        for (i, j), probability, weight, evidence in (
            ((0, 1), 0.1, -12.345678901234567, awkward),
            ((0, 2), 1 / 3, math.pi, {}),
            ((1, 2), 1.0, 1e-9, {"x": True}),
        )
    ]
    _both_ways(CandidatePair, pairs)

    person = Person.objects.create(reference="P-COPY")
    east = timezone(timedelta(hours=5, minutes=30))
    decisions: list[dict[str, Any]] = [
        {
            "record_id": records[3].pk,
            "person_id": person.pk,
            "method": "automatic",
            "match_probability": None,
            "evidence": awkward,
            "reason": "line one\nline two\\ with a backslash",
            "decided_at": datetime(2025, 7, 11, 9, 0, 0, 123456, tzinfo=east),
        }
    ]
    _both_ways(LinkDecision, decisions)


@pytest.mark.django_db
def test_missing_fields_take_their_defaults_on_both_paths() -> None:
    area = Area.objects.create(code="QZD", name="Defaults")
    agency = Agency.objects.create(code="QZD-POL", name="Defaults", kind="police", area=area)
    rows = [{"agency_id": agency.pk, "local_id": f"D{i}", "row_hash": "x"} for i in range(3)]
    stored = _both_ways(SourceRecord, rows)
    sex = [f.name for f in _fields(SourceRecord)].index("sex")
    assert {row[sex] for row in stored} == {SourceRecord._meta.get_field("sex").get_default()}


@pytest.mark.django_db
def test_postgresql_path_is_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; on SQLite insert_rows uses executemany")
    import psycopg

    statements: list[str] = []
    real_copy = psycopg.Cursor.copy

    def spy(self: psycopg.Cursor[Any], statement: Any, *args: Any, **kwargs: Any) -> Any:
        statements.append(str(statement))
        return real_copy(self, statement, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "copy", spy)
    area = Area.objects.create(code="QZC", name="Copy")
    agency = Agency.objects.create(code="QZC-POL", name="Copy", kind="police", area=area)
    insert_rows(SourceRecord, [{"agency_id": agency.pk, "local_id": "C1", "row_hash": "x"}])
    assert len(statements) == 1 and statements[0].startswith("COPY ")
    assert SourceRecord.objects.filter(agency=agency, local_id="C1").exists()
