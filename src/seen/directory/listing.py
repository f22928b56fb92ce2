"""The directory as a practitioner looks through it: the services matching words, an area, an
audience and a kind, in name order (the API's `GET /api/services` and the page /services/ ask
this one function). A service that names no area serves the whole partnership, so it matches
every area. Queries only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from seen.directory.models import Service

SEARCH_MAX = 100


@dataclass(frozen=True)
class Filters:
    search: str = ""  # words in the name, the description or the organisation
    area: str = ""  # an area's code
    audience: str = ""  # an Audience value
    kind: str = ""  # a programme kind


def matching(filters: Filters) -> list[Service]:
    services = Service.objects.prefetch_related("areas").order_by("name", "pk")
    if filters.search:
        words = filters.search.strip()
        services = services.filter(
            Q(name__icontains=words)
            | Q(description__icontains=words)
            | Q(organisation__icontains=words)
        )
    if filters.area:
        serving = Service.areas.through.objects
        services = services.filter(
            Q(pk__in=serving.filter(area__code=filters.area).values("service_id"))
            | ~Q(pk__in=serving.values("service_id"))
        )
    if filters.kind:
        services = services.filter(kind=filters.kind)
    found = list(services)
    # who it is for is a JSON list, which SQLite cannot search inside: the directory is small
    if filters.audience:
        found = [service for service in found if filters.audience in service.audiences]
    return found


def by_id(oruk_id: str) -> Service | None:
    return Service.objects.prefetch_related("areas").filter(oruk_id=oruk_id.lower()).first()
