"""Fast inserts of new rows, for ingest's throughput target (10,000 rows a second on SQLite).

Django's bulk_create spends most of its time compiling SQL per object; here the statement is
built once per model. On PostgreSQL rows go to the server with COPY (psycopg's `write_row`, text
format, each value read by its column's own input function); on SQLite with one INSERT sent by
executemany. Values arrive already validated and typed by seen.ingest.validation, so only the
field types the driver cannot take as they are (date-times, JSON, decimals, UUIDs) pass through
Django's own conversion, the same on both paths: a row reads back as Django's own INSERT
stores it (tests/core/test_copy_inserts.py).

Kept because it pays (`seen bench internals`, 20,000 source records, on a machine whose two
cores other work shared): on PostgreSQL COPY 83,004 rows a second against bulk_create's 18,955
(6 December 2026; executemany, used before, 30,030); on SQLite executemany 95,801 against
15,598. Re-measure on every Django or psycopg upgrade: it builds Django's INSERT itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, models

_MISSING = object()
_NEEDS_CONVERSION = (models.DateTimeField, models.JSONField, models.DecimalField, models.UUIDField)


@dataclass(frozen=True)
class _Column:
    attname: str
    default: Callable[[], Any]  # Django's own default, called per row (it may be callable)
    convert: Callable[[Any], Any] | None


@dataclass(frozen=True)
class _InsertTemplate:
    sql: str
    columns: tuple[_Column, ...]

    @property
    def attnames(self) -> tuple[str, ...]:
        return tuple(column.attname for column in self.columns)


@cache
def _template(model: type[models.Model], vendor: str) -> _InsertTemplate:
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = []
    for field in fields:
        convert = None
        if isinstance(field, _NEEDS_CONVERSION):
            convert = _converter(field)
        columns.append(_Column(field.attname, field.get_default, convert))
    names = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    if vendor == "postgresql":
        sql = f"COPY {table} ({names}) FROM STDIN"
    else:
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
    return _InsertTemplate(sql, tuple(columns))


def _converter(field: models.Field) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return convert


def _values(template: _InsertTemplate, rows: list[dict[str, Any]]) -> Iterator[list[Any]]:
    columns = template.columns
    names = template.attnames
    wanted = frozenset(names)
    index = {name: i for i, name in enumerate(names)}
    converting = [(i, c.convert) for i, c in enumerate(columns) if c.convert is not None]
    for row in rows:
        get = row.get
        values = [get(name) for name in names]
        for name in wanted.difference(row):  # fields the row leaves out: their defaults
            i = index[name]
            values[i] = columns[i].default()
        for i, convert in converting:
            if values[i] is not None:
                values[i] = convert(values[i])
        yield values


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts keyed by field attname; a missing field takes the value Django's own
    INSERT gives it: its default, else an empty string or NULL)."""
    if not rows:
        return
    template = _template(model, connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is psycopg's own (Django's cursor wrapper has no copy): the raw cursor
            with cursor.cursor.copy(template.sql) as copy:
                for values in _values(template, rows):
                    copy.write_row(values)
        else:
            cursor.executemany(template.sql, list(_values(template, rows)))
