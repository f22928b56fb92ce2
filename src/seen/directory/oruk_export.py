"""The directory written as Open Referral UK (docs/services.md): `service_object` one service
as ORUK's service object (what `GET /api/services/{id}` answers), `service_page` a page of them
in the envelope of ORUK's `GET /services`, `export_all` the whole directory (what `seen services
export` writes). The mapping is the import's read back (seen.directory.oruk_import): exporting
and importing again gives the same rows.

The ids ORUK asks for on every nested object (the organisation, each schedule, area and
attribute, each taxonomy term) are uuid5s of what they stand for under Seen's namespace, so the
same directory is always written the same."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from seen.directory import oruk_schema as oruk
from seen.directory.models import Service


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(oruk.NAMESPACE, ":".join(parts)))


def terms_of(service: Service) -> list[tuple[str, str]]:
    """Seen's terms of a service, (taxonomy, term), in the order the export writes them."""
    routes = [
        route
        for route, offered in (
            ("self", service.self_referral),
            ("professional", service.professional_referral),
        )
        if offered
    ]
    single = [
        (oruk.HOW_TO_REFER, service.how_to_refer),
        (oruk.PHONE, service.phone),
        (oruk.ELIGIBILITY, service.eligibility),
        (oruk.WAIT_DAYS, "" if service.wait_days is None else str(service.wait_days)),
        (oruk.CONTACT_WITHIN_DAYS, str(service.contact_within_days)),
    ]
    return [
        (oruk.KIND, service.kind),
        *((oruk.AUDIENCE, audience) for audience in service.audiences),
        *((oruk.PROCEDURE, procedure) for procedure in service.procedures),
        *((oruk.REFERRAL, route) for route in routes),
        *((taxonomy, term) for taxonomy, term in single if term),
        *((oruk.LANGUAGE, language) for language in service.languages),
    ]


def service_object(service: Service) -> dict[str, Any]:
    """One service as ORUK's service object. Read `service.areas` prefetched for a list."""
    sid = service.oruk_id
    found: dict[str, Any] = {
        "id": sid,
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "status": service.status,
    }
    if service.email:
        found["email"] = service.email
    if service.min_age is not None:
        found["minimum_age"] = service.min_age
    if service.max_age is not None:
        found["maximum_age"] = service.max_age
    if service.last_modified is not None:
        moment = service.last_modified.astimezone(UTC)
        found["last_modified"] = moment.isoformat().replace("+00:00", "Z")
    if service.organisation:
        found["organization"] = {
            "id": _uuid("organisation", service.organisation),
            "name": service.organisation,
            "description": service.organisation,
        }
    found["schedules"] = [
        _schedule(sid, index, schedule) for index, schedule in enumerate(service.schedules)
    ]
    areas = sorted(service.areas.all(), key=lambda area: area.code)
    found["service_areas"] = [
        {
            "id": _uuid(sid, "area", area.code),
            "service_id": sid,
            "name": area.name,
            "uri": f"{oruk.AREA_URI}{area.code}",
        }
        for area in areas
    ]
    found["attributes"] = [
        {
            "id": _uuid(sid, "attribute", taxonomy, term),
            "link_id": sid,
            "link_type": taxonomy.removeprefix("seen:"),
            "taxonomy_term": {
                "id": _uuid("term", taxonomy, term),
                "taxonomy": taxonomy,
                "term": term,
            },
        }
        for taxonomy, term in terms_of(service)
    ]
    return found


def _schedule(sid: str, index: int, schedule: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"id": _uuid(sid, "schedule", str(index)), "service_id": sid}
    found["freq"] = "WEEKLY"
    if schedule.get("days"):
        found["byday"] = ",".join(schedule["days"])
    for name in ("opens_at", "closes_at"):
        if schedule.get(name):
            found[name] = f"{schedule[name]}:00"  # ORUK's examples: HH:MM:SS
    if schedule.get("description"):
        found["description"] = schedule["description"]
    return found


def service_page(
    services: Sequence[Service], page_number: int, per_page: int, *, total: int | None = None
) -> dict[str, Any]:
    """Page `page_number` (from 1) of `services`, `per_page` to a page, in the envelope of
    ORUK's `GET /services`. A page past the last is empty (and says so)."""
    total = len(services) if total is None else total
    pages = max(1, -(-total // per_page))
    start = (page_number - 1) * per_page
    contents = [service_object(service) for service in services[start : start + per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= pages,
        "empty": not contents,
        "contents": contents,
    }


def export_all() -> dict[str, Any]:
    """The whole directory, as one page of ORUK's list."""
    services = list(Service.objects.prefetch_related("areas").order_by("name", "pk"))
    return service_page(services, 1, max(1, len(services)))
