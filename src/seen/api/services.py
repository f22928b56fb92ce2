"""The directory of services as Open Referral UK answers it: `GET /api/services` (ORUK's paginated
list, filtered by words, area and audience) and `GET /api/services/{id}` (one service object),
written by seen.directory.oruk_export, found by seen.directory.listing.

Access: signed in (401), then the VIEW_DIRECTORY decision with the purpose in the `Seen-Purpose`
header (403 with the reason, audited as every refusal is). The directory holds no personal data,
so a read is not audited as one. An id that is not a UUID is a 400, an unknown one a 404; an area
or audience Seen does not know a 400; `per_page` is 1 to 100 (else 422, as every bound)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from seen.access.policy import Action
from seen.api.access import require
from seen.api.errors import ErrorOut
from seen.areas.models import Area
from seen.directory.listing import SEARCH_MAX, Filters, by_id, matching
from seen.directory.models import Audience
from seen.directory.oruk_export import service_object, service_page
from seen.directory.oruk_schema import UUID_FORM

router = Router(tags=["services"])
PER_PAGE_MAX = 100
PAGE_MAX = 100_000


class ServiceQuery(Schema):
    page: int = Field(1, ge=1, le=PAGE_MAX, description="the page, from 1")
    per_page: int = Field(50, ge=1, le=PER_PAGE_MAX, description="services to a page, 1 to 100")
    search: str = Field("", max_length=SEARCH_MAX, description="words in the name, description "
                        "or organisation")  # fmt: skip
    area: str = Field("", max_length=16, description="an area's code: the services serving it")
    audience: str = Field(
        "", max_length=32, description="who it is for: " + ", ".join(Audience.values)
    )


class ServicePageOut(Schema):
    """ORUK's `GET /services` envelope (schema/openapi.json, Page)."""

    total_items: int
    total_pages: int
    page_number: int
    size: int = Field(description="the number of services on this page")
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]] = Field(description="ORUK service objects")


@router.get(
    "",
    response={200: ServicePageOut, 400: ErrorOut},
    summary="The directory of services, a page at a time (Open Referral UK)",
)
def list_services(request: HttpRequest, query: Query[ServiceQuery]) -> dict[str, Any]:
    require(request, Action.VIEW_DIRECTORY, object_type="services")
    if query.audience and query.audience not in Audience.values:
        raise HttpError(
            400, f"audience must be one of: {', '.join(Audience.values)} (not {query.audience!r})"
        )
    if query.area and not Area.objects.filter(code=query.area).exists():
        raise HttpError(400, f"Seen holds no area {query.area!r}")
    found = matching(Filters(search=query.search, area=query.area, audience=query.audience))
    return service_page(found, query.page, query.per_page)


@router.get(
    "/{service_id}",
    response={200: dict[str, Any], 400: ErrorOut, 404: ErrorOut},
    summary="One service (an Open Referral UK service object)",
)
def one_service(request: HttpRequest, service_id: str) -> dict[str, Any]:
    require(request, Action.VIEW_DIRECTORY, object_type="service", object_id=service_id[:64])
    if not UUID_FORM.match(service_id):
        raise HttpError(400, "a service's id is a UUID, as 0b3f6c2e-1a2b-4c3d-8e9f-001122334455")
    service = by_id(service_id)
    if service is None:
        raise HttpError(404, f"the directory holds no service {service_id.lower()}")
    return service_object(service)
