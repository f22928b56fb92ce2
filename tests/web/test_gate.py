"""Every page passes the one gate (seen.web.gate.page): the URL configuration is walked and a
page view without it fails the test. The exceptions are the pages that must answer before
sign-in, each named here with why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from seen.audit.models import AuditEvent

# name or route -> why it answers without the gate
BEFORE_SIGN_IN = {
    "sign-in": "the sign-in page itself",
    "sign-out": "signing out needs no role",
}
# URL prefixes served by another face with its own one decision (the API's require, Django's
# admin with its own sign-in, the identity provider's callbacks)
OTHER_FACES = ("api/", "admin/", "oidc/")
# a value for each kind of URL parameter (a child's reference, an id, a slug)
PLACEHOLDER = {"str": "P1", "int": "1", "slug": "contact"}


def _patterns(resolvers: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_every_page_goes_through_the_gate() -> None:
    ungated = []
    walked = 0
    for route, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(OTHER_FACES) or pattern.name in BEFORE_SIGN_IN:
            continue
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
    for route, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(OTHER_FACES) or pattern.name in BEFORE_SIGN_IN:
            continue
        url = "/" + re.sub(r"<(\w+):\w+>", lambda m: PLACEHOLDER[m.group(1)], route)
        response = client.get(url)
        assert response.status_code == 403, url
        assert "no role in Seen" in response.content.decode(), url
    assert not AuditEvent.objects.filter(outcome="allowed").exists()
