"""The columns and row checks many tables of the extract format share (seen.ingest.schema)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from seen.core.codes import code_values
from seen.facts import models as facts
from seen.ingest.columns import Column, a_date, ref, text

AGENCY = ref("agency", "agency", "Code of the agency that holds the row.", required=True)
ID = text(
    "id",
    "The row's identifier in that agency; unique per agency and file.",
    required=True,
    max_length=64,
    field="local_id",
)


def sourced(*columns: Column) -> tuple[Column, ...]:
    return (AGENCY, ID, *columns)


def fact(date_column: str, description: str, *columns: Column) -> tuple[Column, ...]:
    return sourced(a_date(date_column, description, required=True, field="occurred_on"), *columns)


def child_or_pregnancy() -> tuple[Column, Column]:
    return (
        ref("child", "record", "The child's record id (empty for an unborn child)."),
        ref("pregnancy", "pregnancy", "The pregnancy id (for an unborn child)."),
    )


def needs_child_or_pregnancy(row: dict[str, Any]) -> tuple[str, str] | None:
    if row.get("child") is None and row.get("pregnancy") is None:
        return ("child", "give either child (a record id) or pregnancy (a pregnancy id)")
    return None


def needs_category_for_protection(row: dict[str, Any]) -> tuple[str, str] | None:
    if row.get("kind") == facts.Plan.Kind.CHILD_PROTECTION and not row.get("category_of_abuse"):
        return ("category_of_abuse", "a child protection plan needs its category of abuse")
    return None


def needs_lawful_basis_without_consent(row: dict[str, Any]) -> tuple[str, str] | None:
    if row.get("basis") == facts.ServiceReferral.Basis.LAWFUL_BASIS and not row.get("lawful_basis"):
        return ("lawful_basis", "a referral without consent needs its lawful basis")
    return None


def added_in(version: str, *columns: Column) -> tuple[Column, ...]:
    """Columns a later version added to a table: a file may leave them out of its header."""
    return tuple(replace(column, since=version) for column in columns)


def cin_code(name: str, code_list: str, description: str) -> Column:
    return Column(name, "code", False, description, values=tuple(sorted(code_values(code_list))))


CATEGORY_OF_ABUSE = Column(
    "category_of_abuse",
    "code",
    False,
    "CIN census category of abuse.",
    values=tuple(sorted(code_values("category_of_abuse"))),
)
