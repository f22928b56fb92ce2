"""Reading an extract's manifest.json safely: a bounded size, a parse that cannot recurse
without end, and an extract id that any database can store and any page can show."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from seen.core.models import LOCAL_ID_PREFIX
from seen.ingest.errors import ExtractError
from seen.ingest.schema import FORMAT_NAME, FORMAT_VERSION, MANIFEST_FILE, READABLE_VERSIONS

MAX_MANIFEST_BYTES = 64 * 1024
MAX_EXTRACT_ID = 100
# letters, digits and . _ : - (a name, a date, a version); no spaces, controls or NUL
EXTRACT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def read_manifest(directory: Path) -> dict[str, Any]:
    if not directory.is_dir():
        raise ExtractError(f"{directory} is not a folder")
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise ExtractError(
            f"{directory} has no {MANIFEST_FILE}; an extract starts with one naming "
            f'"format": "{FORMAT_NAME}" and "format_version": "{FORMAT_VERSION}"'
        )
    with path.open("rb") as handle:
        content = handle.read(MAX_MANIFEST_BYTES + 1)
    if len(content) > MAX_MANIFEST_BYTES:
        raise ExtractError(f"{path} is more than {MAX_MANIFEST_BYTES} bytes; a manifest is small")
    try:
        manifest = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExtractError(f"{path} is not valid JSON: {error}") from None
    except RecursionError:
        raise ExtractError(f"{path} is nested too deeply to read") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ExtractError(f'{path} must say "format": "{FORMAT_NAME}"')
    version = str(manifest.get("format_version"))
    if version not in READABLE_VERSIONS:
        raise ExtractError(
            f"{path} says format_version {_shown(manifest.get('format_version'))}; "
            f"this version of Seen reads format version {' or '.join(READABLE_VERSIONS)}"
        )
    manifest["format_version"] = version
    manifest["extract_id"] = extract_id_of(manifest)
    return manifest


def extract_id_of(manifest: dict[str, Any]) -> str:
    """The manifest's extract_id (optional), or why it cannot be kept."""
    value = manifest.get("extract_id", "")
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ExtractError(f"extract_id must be text, not {type(value).__name__}")
    if len(value) > MAX_EXTRACT_ID or not EXTRACT_ID.fullmatch(value):
        raise ExtractError(
            f"extract_id {_shown(value)} is not usable: at most {MAX_EXTRACT_ID} letters, "
            "digits and . _ : - (starting with a letter or digit)"
        )
    if value.lower().startswith(LOCAL_ID_PREFIX):
        raise ExtractError(
            f"extract_id {_shown(value)} begins {LOCAL_ID_PREFIX!r}, which is reserved for "
            "what Seen writes itself"
        )
    return value


def _shown(value: Any) -> str:
    """A value for a message: repr escapes NUL and control characters; long ones are cut."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
