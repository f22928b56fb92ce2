"""The terms the extract format (seen.ingest.schema) is written in: a Table of typed Columns with
its key and its cross-column checks, constructors for the common kinds of column, and the check
that an end is not before its start. The format itself, its tables and columns, is defined in
seen.ingest.schema alone.

A column or table carries the format version that added it (`since`): a column added after its
table may be left out of a file's header, so every extract of an earlier version stays valid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from seen.facts import models as facts


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | enum | enum_list | code | code_list | boolean | date | datetime | integer
    #            | nhs_number | postcode | phone | ref
    required: bool = False
    description: str = ""
    field: str | None = None  # model field; defaults to the column name
    values: tuple[str, ...] = ()  # enum, enum_list, code, code_list
    target: str | None = None  # ref: agency | area | record | pregnancy | practitioner | plan
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    since: str = "1"  # the format version that added the column

    @property
    def model_field(self) -> str:
        return self.field or self.name


def version_key(version: str) -> tuple[int, ...]:
    """A format version ("1", "1.1") as a tuple that orders versions."""
    return tuple(int(part) for part in version.split("."))


# A cross-column check: returns (column, reason) when the row is not acceptable.
RowCheck = Callable[[dict[str, Any]], tuple[str, str] | None]


@dataclass(frozen=True)
class Table:
    name: str  # the file is NAME.csv
    model: type[models.Model]
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("agency", "id")
    checks: tuple[RowCheck, ...] = field(default_factory=tuple)
    since: str = "1"  # the format version that added the table

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def columns_by_name(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def columns_in(self, version: str) -> tuple[Column, ...]:
        """The columns the table has in that format version."""
        return tuple(c for c in self.columns if version_key(c.since) <= version_key(version))

    def header_may_omit(self, column: Column) -> bool:
        """A column added after its table: a file of the table may leave it out (read empty)."""
        return version_key(column.since) > version_key(self.since)


# --- column helpers -------------------------------------------------------------------------


def text(
    name: str,
    description: str = "",
    *,
    required: bool = False,
    max_length: int = 200,
    field: str | None = None,
) -> Column:
    return Column(name, "text", required, description, field, max_length=max_length)


def enum(
    name: str,
    choices: type[models.TextChoices],
    description: str = "",
    *,
    required: bool = True,
    field: str | None = None,
) -> Column:
    return Column(name, "enum", required, description, field, values=tuple(choices.values))


def enum_list(name: str, choices: type[models.TextChoices], description: str = "") -> Column:
    return Column(name, "enum_list", False, description, values=tuple(choices.values))


def a_date(
    name: str, description: str = "", *, required: bool = False, field: str | None = None
) -> Column:
    return Column(name, "date", required, description, field)


def ref(name: str, target: str, description: str = "", *, required: bool = False) -> Column:
    return Column(name, "ref", required, description, target=target)


def yes_no(
    name: str,
    choices: type[models.TextChoices] = facts.YesNo,
    description: str = "",
    *,
    required: bool = True,
) -> Column:
    return enum(name, choices, description, required=required)


def end_not_before_start(start: str, end: str) -> RowCheck:
    def check(row: dict[str, Any]) -> tuple[str, str] | None:
        if row.get(start) and row.get(end) and row[end] < row[start]:
            return (end, f"{end} ({row[end]}) is before {start} ({row[start]})")
        return None

    return check
