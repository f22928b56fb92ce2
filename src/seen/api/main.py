"""Seen's JSON API: one NinjaAPI, a router per domain, served under /api/.

django-ninja was chosen over Django REST framework because the request and response schemas
are typed (pydantic) in the same code that answers, so the OpenAPI document at
/api/openapi.json cannot drift from what the API does, and bad input becomes a 422 with the
field and the reason before any service runs.

Every operation needs a signed-in user (Django's session, CSRF-checked on writes) and then passes
the one access decision (seen.access.policy, through seen.api.access) with the purpose declared
in the `Seen-Purpose` header. Nothing is open by default."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from seen.casefile.api import aggregates_router
from seen.casefile.api import router as children_router
from seen.facts.api import router as facts_router
from seen.linkage.api import router as linkage_router
from seen.linkage.decisions import DecisionRefused
from seen.rules.api import router as alerts_router

api = NinjaAPI(
    title="Seen",
    version="1",
    description="The multi-agency safeguarding hub's API. All data in this build is synthetic.",
    auth=django_auth,
    docs_url=None,  # the interactive docs load scripts from a CDN; the OpenAPI document stays
    urls_namespace="api",
)
api.add_router("/links/", linkage_router)
api.add_router("/children/", children_router)
api.add_router("/aggregates/", aggregates_router)
api.add_router("/alerts/", alerts_router)
api.add_router("/facts/", facts_router)


@api.exception_handler(DecisionRefused)
def decision_refused(request: HttpRequest, error: DecisionRefused) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=409)
