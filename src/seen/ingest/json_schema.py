"""The extract format as JSON Schema: one document per CSV file, describing one row as the object
of its columns (every value is text in CSV, so types are given as patterns and enumerations)."""

from __future__ import annotations

from typing import Any

from seen.ingest.schema import FORMAT_VERSION, LIST_SEPARATOR, Column, Table

_PATTERNS = {
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "datetime": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$",
    "integer": r"^-?\d+$",
    "nhs_number": r"^\d{3}[ -]?\d{3}[ -]?\d{4}$",
    "postcode": r"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$",
    "phone": r"^\+?[0-9 ()-]{6,20}$",
}


def _property(column: Column) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": "string"}
    if column.description:
        prop["description"] = column.description
    if column.kind in ("enum", "code", "boolean"):
        prop["enum"] = [*column.values, *([] if column.required else [""])]
    elif column.kind in ("enum_list", "code_list"):
        choices = "|".join(column.values)
        prop["pattern"] = f"^(({choices})({LIST_SEPARATOR}({choices}))*)?$"
        prop["x-seen-list-of"] = list(column.values)
    elif column.kind in _PATTERNS:
        pattern = _PATTERNS[column.kind]
        prop["pattern"] = pattern if column.required else f"^$|{pattern}"
        if column.kind == "nhs_number":
            prop["description"] = (prop.get("description", "") + " Modulus 11 checked.").strip()
        if column.kind == "date":
            prop["format"] = "date"
    if column.max_length:
        prop["maxLength"] = column.max_length
    if column.kind == "ref":
        prop["x-seen-refers-to"] = column.target
    if column.minimum is not None:
        prop["x-seen-minimum"] = column.minimum
    if column.maximum is not None:
        prop["x-seen-maximum"] = column.maximum
    if column.required:
        prop["minLength"] = 1
    return prop


def json_schema(table: Table) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"seen-extract/v{FORMAT_VERSION}/{table.name}.schema.json",
        "title": f"{table.filename}: one row",
        "description": table.description,
        "type": "object",
        "properties": {column.name: _property(column) for column in table.columns},
        "required": list(table.column_names),
        "additionalProperties": False,
        "x-seen-key": list(table.key),
        "x-seen-column-order": list(table.column_names),
    }
