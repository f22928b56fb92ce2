"""Every page passes the one gate (seen.web.gate.page): the URL configuration is walked and a
page view without it fails the test, as does a page that takes a POST not through a SeenForm.
The exceptions are the pages that must answer before sign-in, each named here with why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from seen.audit.models import AuditEvent
from seen.web.forms import SeenForm
from tests.fixtures.partnership import make_user, signed_in_client

# name or route -> why it answers without the gate
BEFORE_SIGN_IN = {
    "sign-in": "the sign-in page itself",
    "sign-out": "signing out needs no role",
}
# URL prefixes served by another face with its own one decision (the API's require, Django's
# admin with its own sign-in, the identity provider's callbacks, the FHIR face's seen.fhir.access)
OTHER_FACES = ("api/", "admin/", "oidc/", "fhir/")
# a value for each kind of URL parameter (a child's reference, an id, a slug)
PLACEHOLDER = {"str": "P1", "int": "1", "slug": "contact"}


def _patterns(resolvers: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _pages() -> Iterator[tuple[str, URLPattern]]:
    for route, pattern in _patterns(get_resolver().url_patterns):
        if not route.startswith(OTHER_FACES) and pattern.name not in BEFORE_SIGN_IN:
            yield route, pattern


def _url(route: str) -> str:
    return "/" + re.sub(r"<(\w+):\w+>", lambda m: PLACEHOLDER[m.group(1)], route)


def test_every_page_goes_through_the_gate() -> None:
    ungated = []
    walked = 0
    for route, pattern in _pages():
        walked += 1
        if not getattr(pattern.callback, "seen_gate", False):
            ungated.append(f"{route} ({pattern.name})")
    assert ungated == [], "pages that do not pass seen.web.gate.page"
    assert walked >= 30


@pytest.mark.django_db
def test_an_account_without_a_role_is_refused_on_every_page() -> None:
    user = get_user_model().objects.create_user("no-role", password="x" * 20)
    client = Client()
    client.force_login(user)
    for route, _ in _pages():
        url = _url(route)
        response = client.get(url)
        assert response.status_code == 403, url
        assert "no role in Seen" in response.content.decode(), url
    assert not AuditEvent.objects.filter(outcome="allowed").exists()


def test_every_form_a_page_takes_is_a_seen_form_that_bounds_its_text() -> None:
    """A page's POST is read only through the SeenForms it declares (tools/architecture.py
    fails on `request.POST` read elsewhere); every text field among them has a length limit."""
    declared = {}
    for route, pattern in _pages():
        for form_class in getattr(pattern.callback, "seen_forms", ()):
            assert issubclass(form_class, SeenForm), route
            declared[form_class.__name__] = form_class
    unbounded = [
        f"{name}.{field_name}"
        for name, form_class in declared.items()
        for field_name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert unbounded == [], "text fields with no max_length"
    assert len(declared) >= 20


@pytest.mark.django_db
def test_a_page_without_a_form_refuses_a_post_and_one_with_steps_refuses_an_unknown_step() -> None:
    client = signed_in_client(make_user("safeguarding_lead"))
    took_post = 0
    for route, pattern in _pages():
        forms_of_page = getattr(pattern.callback, "seen_forms", ())
        if forms_of_page:
            took_post += 1
            continue
        response = client.post(_url(route), {"anything": "x"})
        assert response.status_code == 405, route
        assert "POST" not in response["Allow"], route
    assert took_post >= 15
    response = client.post("/alerts/1/", {"step": "x" * 300})
    assert response.status_code == 400
    assert "does not know the step" in response.content.decode()
