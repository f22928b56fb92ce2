"""Django's own error answers are the partnership's pages (JSON under /api/), kept out of any
cache: an address with no page, a refused CSRF check, a failure."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _is_the_partnerships_page(response: Any, heading: str) -> None:
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert "govuk-template__header" in page and "Go to your home page" in page
    assert "The requested resource was not found" not in page  # Django's default
    assert "no-store" in response["Cache-Control"]


def test_an_address_with_no_page_is_the_partnerships_not_found_page() -> None:
    response = Client().get("/no-such-page/" + "x" * 300)
    assert response.status_code == 404
    _is_the_partnerships_page(response, "Page not found")
    signed_in = signed_in_client(make_user("health_visitor", agency="HV"))
    response = signed_in.get("/children/P1/nothing-here/")
    assert response.status_code == 404
    _is_the_partnerships_page(response, "Page not found")
    assert "Signed in as" in response.content.decode()


def test_under_the_api_the_answer_is_json() -> None:
    response = Client().get("/api/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "Page not found"


def test_a_refused_csrf_check_is_the_partnerships_page() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/sign-in/", {"username": "someone", "password": "x"}
    )
    assert response.status_code == 403
    _is_the_partnerships_page(response, "You cannot do this")
    assert "reload the page" in response.content.decode()


def test_a_failure_is_the_partnerships_page_and_says_nothing_was_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a failure inside Seen")

    monkeypatch.setattr("seen.web.gate.profile_of", broken)
    client = signed_in_client(
        make_user("health_visitor", agency="HV"), raise_request_exception=False
    )
    response = client.get("/")
    assert response.status_code == 500
    _is_the_partnerships_page(response, "Sorry, there is a problem with Seen")
    assert "a failure inside Seen" not in response.content.decode()  # no internals shown
