"""An agency system submitting its extract as a zip to the facts API (tests/api/test_facts_api.py
and the bounds on an upload, tests/api/test_extract_bounds.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.test import Client

from seen.access.models import Role
from seen.ingest.loader import ingest_extract
from tests.fixtures.partnership import make_user, signed_in_client, small_partnership, write_extract


def zip_extract(folder: Path, *, nested: bool = False) -> bytes:
    """The extract's files as a zip, at its top level or (nested) in a folder extract/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"extract/{path.name}" if nested else path.name)
    return buffer.getvalue()


def upload_extract(client: Client, content: bytes, name: str = "extract.zip") -> Any:
    """Submit a zip to the facts API's extract upload."""
    upload = io.BytesIO(content)
    upload.name = name
    return client.post("/api/facts/extracts", {"extract": upload})


def maternity_system(tmp_path: Path) -> Client:
    """The partnership's reference data loaded (areas, districts, agencies: not an agency
    system's to send), and the maternity service's system account."""
    reference = small_partnership()
    ingest_extract(
        write_extract(
            tmp_path / "reference",
            {name: reference[name] for name in ("areas", "postcode_districts", "agencies")},
        )
    )
    system = make_user(Role.AGENCY_SYSTEM, agency="QAV-MAT")
    return signed_in_client(system, purpose="administration")
