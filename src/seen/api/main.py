"""Seen's JSON API: one NinjaAPI, a router per domain, served under /api/.

django-ninja was chosen over Django REST framework because the request and response schemas
are typed (pydantic) in the same code that answers, so the OpenAPI document at
/api/openapi.json cannot drift from what the API does, and bad input becomes a 422 with the
field and the reason before any service runs.

Every operation needs a signed-in user (Django's session, CSRF-checked on writes) and then passes
the one access decision (seen.access.policy, through seen.api.access) with the purpose declared
in the `Seen-Purpose` header. Nothing is open by default: the OpenAPI document too is served
only to a signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from seen.api.casefile import aggregates_router
from seen.api.casefile import router as children_router
from seen.api.facts import router as facts_router
from seen.api.linkage import router as linkage_router
from seen.api.referrals import router as referrals_router
from seen.api.rules import router as alerts_router
from seen.api.services import router as services_router
from seen.core.errors import SeenError

# The errors every operation can answer, whatever it declares itself: input refused before any
# operation runs, not signed in, refused by the access policy, a body or parameter that is not
# what the document says; and a path that names nothing; a body that cannot be read. An
# operation declares any other 4xx (a 400 for a service's refusal, a 409) in its own `response=`.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"description": "why: a message, or the invalid fields"}},
    "required": ["detail"],
}
COMMON_ERRORS = {
    400: "The request holds a NUL character, or a value longer than Seen takes "
    "(seen.web.hostile_input; the reason is in `detail`)",
    401: "Not signed in",
    403: "Refused by the access policy (the reason is in `detail`)",
    422: "The request does not match this document (the fields and reasons are in `detail`)",
}
NOT_FOUND = {404: "The path names nothing Seen holds"}
UNREADABLE = {
    400: "The body cannot be read (not JSON, or not the form the operation takes), or it holds "
    "a NUL character or a value longer than Seen takes"
}


class SeenAPI(NinjaAPI):
    """Ninja's API, with the errors every operation can answer written into its document, so
    that the document is true of every status code the API sends (the fuzz test checks it)."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(**kwargs)
        for path, operations in document["paths"].items():
            errors = {**COMMON_ERRORS, **(NOT_FOUND if "{" in path else {})}
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                declared = {int(status) for status in responses}
                body = UNREADABLE if "requestBody" in operation else {}
                for status, description in {**errors, **body}.items():
                    if status not in declared:
                        responses[status] = {
                            "description": description,
                            "content": {"application/json": {"schema": ERROR_SCHEMA}},
                        }
        return document


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document only for a signed-in user: it lists every operation and parameter,
    a map an attacker should not be handed. Signed out, a 401 as every operation answers."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"detail": COMMON_ERRORS[401]}, status=401)
        return view(request, *args, **kwargs)

    return wrapped


api = SeenAPI(
    title="Seen",
    version="1",
    description="The multi-agency safeguarding hub's API. All data in this build is synthetic.",
    auth=django_auth,
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs load scripts from a CDN; the OpenAPI document stays
    docs_decorator=signed_in_only,  # the document (and docs, were they served) behind sign-in
    urls_namespace="api",
)
api.add_router("/links/", linkage_router)
api.add_router("/children/", children_router)
api.add_router("/aggregates/", aggregates_router)
api.add_router("/alerts/", alerts_router)
api.add_router("/facts/", facts_router)
api.add_router("/services", services_router)
api.add_router("/referrals/", referrals_router)


@api.exception_handler(SeenError)
def seen_error(request: HttpRequest, error: SeenError) -> HttpResponse:
    """Seen's error vocabulary (seen.core.errors) as the API answers it: refused 403, invalid
    400, not found 404, conflict 409, each with its reason as the detail."""
    return api.create_response(request, {"detail": str(error)}, status=error.status)
