"""Code lists: the Children in Need census lists Seen uses (from the CIN census, as transcribed
by the data-to-insight Standard Safeguarding Dataset; see codelists/SOURCE.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

_DIR = Path(__file__).resolve().parent / "codelists"


@cache
def code_list(name: str) -> dict[str, str]:
    """Map each code of the named list (e.g. 'assessment_factors') to its description."""
    path = _DIR / f"{name}.yml"
    if not path.exists():
        raise KeyError(f"no code list named {name!r}")
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {
        str(entry["value"]): str(entry.get("description") or entry["value"]) for entry in entries
    }


def code_values(name: str) -> frozenset[str]:
    return frozenset(code_list(name))
