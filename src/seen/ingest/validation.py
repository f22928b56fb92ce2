"""Row validation built from the extract schema: each column becomes a small function that turns
the text an agency sent into a typed value, or says in plain words what is wrong with it.

References (a child's record id, a practitioner, a plan) are only checked for shape here; whether
they exist is seen.ingest.table_loader's job, because it needs the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from seen.core.errors import Invalid
from seen.core.models import LOCAL_ID_PREFIX
from seen.core.validators import InvalidIdentifier, normalise_nhs_number, parse_postcode
from seen.ingest.columns import Column, Table
from seen.ingest.schema import LATEST_VERSION, LIST_SEPARATOR

_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


class CellError(Invalid):
    """A value that does not fit its column; the message is for the person correcting it."""


Parser = Callable[[str], Any]


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _parse_datetime(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CellError(f"{value!r} is not a date and time in the form YYYY-MM-DDTHH:MM") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _one_of(column: Column) -> Parser:
    allowed = frozenset(column.values)
    listing = ", ".join(column.values)

    def parse(value: str) -> str:
        if value not in allowed:
            raise CellError(f"{value!r} is not one of: {listing}")
        return value

    return parse


def _list_of(column: Column) -> Parser:
    allowed = frozenset(column.values)

    def parse(value: str) -> list[str]:
        items = [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
        wrong = [item for item in items if item not in allowed]
        if wrong:
            raise CellError(
                f"{', '.join(map(repr, wrong))} not allowed; use values from: "
                + ", ".join(column.values)
            )
        return items

    return parse


def _integer(column: Column) -> Parser:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise CellError(f"{value!r} is not a whole number") from None
        if column.minimum is not None and number < column.minimum:
            raise CellError(f"{number} is below the minimum of {column.minimum}")
        if column.maximum is not None and number > column.maximum:
            raise CellError(f"{number} is above the maximum of {column.maximum}")
        return number

    return parse


def _text(column: Column) -> Parser:
    limit = column.max_length

    def parse(value: str) -> str:
        if limit is not None and len(value) > limit:
            raise CellError(f"is {len(value)} characters long; at most {limit} are allowed")
        return value

    return parse


def _boolean(value: str) -> bool:
    if value not in ("yes", "no"):
        raise CellError(f"{value!r} is not one of: yes, no")
    return value == "yes"


def _nhs_number(value: str) -> str:
    try:
        return normalise_nhs_number(value)
    except InvalidIdentifier as error:
        raise CellError(str(error)) from None


def _postcode(value: str) -> str:
    try:
        return parse_postcode(value).normalised
    except InvalidIdentifier as error:
        raise CellError(str(error)) from None


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise CellError(f"{value!r} is not a telephone number")
    return value


def parser_for(column: Column) -> Parser:
    kind = column.kind
    if kind in ("enum", "code"):
        return _one_of(column)
    if kind in ("enum_list", "code_list"):
        return _list_of(column)
    if kind == "boolean":
        return _boolean
    if kind == "date":
        return _parse_date
    if kind == "datetime":
        return _parse_datetime
    if kind == "integer":
        return _integer(column)
    if kind == "nhs_number":
        return _nhs_number
    if kind == "postcode":
        return _postcode
    if kind == "phone":
        return _phone
    if kind == "text":
        return _text(column)
    if kind == "ref":
        return _text(Column(column.name, "text", max_length=100))
    raise ValueError(f"column {column.name} has unknown kind {kind!r}")


@dataclass(frozen=True)
class RowProblem:
    field: str
    reason: str


@dataclass(frozen=True)
class RowValidator:
    """Validates one table's rows: typed values keyed by model field, or the first problem."""

    table: Table
    parsers: tuple[tuple[Column, Parser], ...]
    empties: dict[str, Any]
    # per column, what validate reads for every row, worked out once:
    # (name, model field, required, parser, empty value)
    steps: tuple[tuple[str, str, bool, Parser, Any], ...] = ()

    def __post_init__(self) -> None:
        steps = tuple(
            (c.name, c.model_field, c.required, parse, self.empties[c.name])
            for c, parse in self.parsers
        )
        object.__setattr__(self, "steps", steps)

    @property
    def sourced(self) -> bool:
        """An agency's table (keyed by agency and id), not the partnership's reference data."""
        return self.table.key == ("agency", "id")

    @classmethod
    def for_table(cls, table: Table) -> RowValidator:
        return cls(
            table,
            tuple((column, parser_for(column)) for column in table.columns),
            {column.name: _empty_value(table, column) for column in table.columns},
        )

    def validate(self, raw: dict[str, str]) -> tuple[dict[str, Any], RowProblem | None]:
        values: dict[str, Any] = {}
        for name, model_field, required, parse, empty in self.steps:
            text = raw.get(name)
            text = text.strip() if text else ""
            if not text:
                if required:
                    return values, RowProblem(name, "is required but empty")
                values[model_field] = empty
                continue
            try:
                values[model_field] = parse(text)
            except CellError as error:
                return values, RowProblem(name, str(error))
        if self.sourced and str(values.get("local_id", "")).lower().startswith(LOCAL_ID_PREFIX):
            # such a row would show as written in Seen, and could replace a fact that was
            return values, RowProblem(
                "id", f"ids beginning {LOCAL_ID_PREFIX!r} are reserved for facts written in Seen"
            )
        for check in self.table.checks:
            problem = check(values)
            if problem:
                return values, RowProblem(*problem)
        return values, None


def _empty_value(table: Table, column: Column) -> Any:
    """What an empty optional cell stores: the model field's default where it has one."""
    if column.kind != "ref":
        model_field = table.model._meta.get_field(column.model_field)
        if isinstance(model_field, models.Field) and model_field.has_default():
            return model_field.get_default()
    if column.kind in ("enum_list", "code_list"):
        return []
    if column.kind in ("text", "enum", "code", "nhs_number", "postcode", "phone"):
        return ""
    return None


def header_problems(table: Table, header: list[str]) -> list[str]:
    """Why a file's header is wrong, or nothing if it is right. A wrong header refuses the file."""
    problems = []
    seen: set[str] = set()
    duplicates = sorted({name for name in header if name in seen or seen.add(name)})  # type: ignore[func-returns-value]
    if duplicates:
        problems.append(f"columns appear more than once: {', '.join(duplicates)}")
    # a column a later version added may be left out: the file is then of the earlier version
    missing = [
        c.name for c in table.columns if c.name not in header and not table.header_may_omit(c)
    ]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    unknown = [name for name in header if name not in table.column_names]
    if unknown:
        problems.append(
            f"columns not in format version {LATEST_VERSION} of {table.filename}: "
            + ", ".join(unknown)
        )
    return problems
