"""A search's answer: a FHIR `searchset` Bundle, its matches (`search.mode` match) and the
resources they refer to (include), each with its full URL under Seen's FHIR base."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from seen.core import clock

Resource = dict[str, Any]


def searchset(
    base: str, self_url: str, matches: Sequence[Resource], included: Sequence[Resource] = ()
) -> Resource:
    def entry(resource: Resource, mode: str) -> Resource:
        return {
            "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "search": {"mode": mode},
        }

    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "searchset",
        "timestamp": clock.now().isoformat(),
        "total": len(matches),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [entry(r, "match") for r in matches] + [entry(r, "include") for r in included],
    }
