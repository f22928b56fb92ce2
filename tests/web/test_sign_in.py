"""Sign-in and basic security: password hashing and rules, the sign-in and sign-out pages, login
throttling, session and CSRF cookies, HTTPS in production, and the optional OpenID Connect
sign-in (tested offline: the provider is a stand-in for requests)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.urls import NoReverseMatch, include, path, reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

import seen.urls
from seen.web import oidc
from seen.web.sessions import LAST_SEEN_KEY

PASSWORD = "amber-kettle-lantern-41"
WRONG = "not-the-password-at-all"

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> Any:
    return get_user_model().objects.create_user(
        "tester", email="Tester@Seen.example", password=PASSWORD
    )


def csrf_token(page: Any) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert found, "the form carries no CSRF token"
    return found.group(1)


def sign_in(client: Client, username: str, password: str) -> Any:
    token = csrf_token(client.get("/sign-in/"))
    return client.post(
        "/sign-in/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- passwords ---------------------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2(user: Any) -> None:
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize("old", ["scrypt", "pbkdf2_sha256"])
def test_old_hashes_still_verify_and_are_upgraded_to_argon2(old: str) -> None:
    user = get_user_model().objects.create(
        username="veteran", password=make_password(PASSWORD, hasher=old)
    )
    assert identify_hasher(user.password).algorithm == old
    assert (
        Client().post("/sign-in/", {"username": "veteran", "password": PASSWORD}).status_code == 302
    )
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("kettle-41", "too short"),
        ("123456789012345", "entirely numeric"),
        ("qwerty123456", "too common"),
        ("tester.example1", "too similar"),
    ],
)
def test_weak_passwords_are_refused(user: Any, weak: str, why: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(weak, user=user)
    assert why in " ".join(refused.value.messages)


def test_a_long_uncommon_password_is_accepted(user: Any) -> None:
    validate_password(PASSWORD, user=user)


# --- the pages ---------------------------------------------------------------------------------


def test_the_sign_in_page_is_plain_labelled_and_protected_by_csrf() -> None:
    page = Client().get("/sign-in/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<label class="govuk-label" for="id_username">\s*Username\s*</label>', html)
    assert re.search(r'<label class="govuk-label" for="id_password">\s*Password\s*</label>', html)
    assert 'autocomplete="current-password"' in html
    assert "<script" not in html
    csrf_token(page)


def test_signing_in_and_out(user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, "tester", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in(client)

    assert client.get("/sign-out/").status_code == 405  # a link cannot sign anyone out
    assert signed_in(client)
    token = client.cookies["csrftoken"].value  # (rotated at sign-in)
    page = client.post("/sign-out/", {"csrfmiddlewaretoken": token})
    assert page.status_code == 200
    assert "You have signed out" in page.content.decode()
    assert not signed_in(client)


def test_signing_in_without_the_csrf_token_is_refused(user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    response = client.post("/sign-in/", {"username": "tester", "password": PASSWORD})
    assert response.status_code == 403
    assert not signed_in(client)


def test_a_wrong_password_is_told_without_saying_which_part_was_wrong(user: Any) -> None:
    page = sign_in(Client(), "tester", WRONG)
    assert page.status_code == 200
    assert "Please enter a correct username and password" in page.content.decode()


def test_the_front_page_offers_to_sign_in_and_out(user: Any) -> None:
    assert Client().get("/")["Location"] == "/sign-in/?next=/"
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert '<form method="post" action="/sign-out/">' in html
    assert "Signed in as tester" in html


# --- throttling --------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_out_for_fifteen_minutes(user: Any) -> None:
    client = Client()
    for _ in range(4):
        assert sign_in(client, "tester", WRONG).status_code == 200
    assert sign_in(client, "tester", WRONG).status_code == 429  # the fifth locks, and says so

    sixth = sign_in(client, "tester", WRONG)
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert "Too many attempts to sign in" in html
    assert "paused for 15 minutes" in html

    right = sign_in(client, "tester", PASSWORD)  # even the right password, until it ends
    assert right.status_code == 429
    assert not signed_in(client)

    # attempts while locked out neither count nor extend it: 15 minutes after the fifth failure
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert sign_in(client, "tester", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_is_for_that_username_only(user: Any) -> None:
    get_user_model().objects.create_user("colleague", password=PASSWORD)
    client = Client()
    for _ in range(5):
        sign_in(client, "tester", WRONG)
    assert sign_in(client, "colleague", PASSWORD).status_code == 302


def test_a_success_clears_the_count(user: Any) -> None:
    client = Client()
    for _ in range(4):
        sign_in(client, "tester", WRONG)
    assert sign_in(client, "tester", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "tester", WRONG).status_code == 200


def test_a_username_longer_than_any_account_s_is_refused_before_it_is_tried(user: Any) -> None:
    """No username is longer than 150 characters; a longer one was tried and its failure stored
    by django-axes, whose column holds 255: a 500 on PostgreSQL."""
    client = Client(raise_request_exception=False)
    response = sign_in(client, "a" * 300, WRONG)
    assert response.status_code == 200
    assert "Username: Ensure this value has at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()  # not tried, so not counted
    assert sign_in(client, "tester", PASSWORD).status_code == 302


def test_one_password_across_many_usernames_locks_the_address_out(user: Any) -> None:
    """Password spraying: one password tried for 20 usernames from one address (each username
    well under its own limit of 5) pauses signing in from that address."""
    client = Client()
    answers = [sign_in(client, f"someone-{n}", WRONG).status_code for n in range(19)]
    assert answers == [200] * 19
    twentieth = sign_in(client, "someone-19", WRONG)
    assert twentieth.status_code == 429
    assert "from this computer" in twentieth.content.decode()
    assert "20 times" in twentieth.content.decode()
    # even the right password for a real account, until the pause ends
    assert sign_in(client, "tester", PASSWORD).status_code == 429
    assert not signed_in(client)
    # another address is not paused
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_in(elsewhere, "tester", PASSWORD).status_code == 302
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert sign_in(Client(), "tester", PASSWORD).status_code == 302


def test_an_address_is_not_paused_below_its_limit(user: Any) -> None:
    client = Client()
    for n in range(19):
        sign_in(client, f"someone-{n}", WRONG)
    assert sign_in(client, "tester", PASSWORD).status_code == 302


# --- sessions and cookies ----------------------------------------------------------------------


def test_session_and_csrf_cookies_are_secure_httponly_lax_and_end_with_the_browser(
    user: Any,
) -> None:
    client = Client()
    sign_in(client, "tester", PASSWORD)
    session, csrf = client.cookies[settings.SESSION_COOKIE_NAME], client.cookies["csrftoken"]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    assert not session["max-age"] and not session["expires"]  # gone when the browser closes
    assert client.session.get_expiry_age() == 8 * 60 * 60  # and a shift at most on the server


def test_an_idle_session_is_signed_out(user: Any) -> None:
    client = Client()
    client.force_login(user)
    client.get("/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - (settings.SEEN_SESSION_IDLE_MINUTES * 60 + 1)
    session.save()
    page = client.get("/sign-in/")
    assert not signed_in(client)
    assert "signed out because you had done nothing for a while" in page.content.decode()


A_SECRET_KEY = "a-deployment-s-own-secret-key-" + "0123456789abcdef" * 3


def _process(env: dict[str, str], script: str) -> subprocess.CompletedProcess[str]:
    """A real process (not under pytest) with these SEEN_ settings and no others."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("SEEN_") or k in ("SEEN_VAR_DIR",)
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="seen.settings")
    return subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, timeout=120
    )


def computed_settings(**env: str) -> dict[str, Any]:
    """The settings as a real process computes them from its environment, and what plain http
    gets there."""
    script = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
from django.urls import reverse, NoReverseMatch
try:
    oidc_url = reverse("oidc_authentication_init")
except NoReverseMatch:
    oidc_url = None
plain = Client().get("/sign-in/")
print(json.dumps({
    name: getattr(s, name, None) for name in (
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE", "AUTHENTICATION_BACKENDS", "OIDC_RP_CLIENT_ID",
        "OIDC_CREATE_USER", "OIDC_USE_PKCE", "OIDC_RP_SIGN_ALGO", "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_AUTHENTICATE_CLASS")
} | {"oidc_url": oidc_url, "plain_http": [plain.status_code, plain.get("Location")]}))
"""
    done = _process(env, script)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_production_settings_are_https_only() -> None:
    s = computed_settings(SEEN_SECRET_KEY=A_SECRET_KEY)
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] == s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert s["SESSION_COOKIE_AGE"] == 8 * 60 * 60 and s["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert s["plain_http"] == [301, "https://testserver/sign-in/"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "key",
    [
        None,  # the demo's
        "insecure-demo-key-set-SEEN_SECRET_KEY-in-production",
        "short-" * 8,  # 48 characters
        "a" * 64,  # long, but one character
    ],
)
def test_https_refuses_to_start_with_the_demo_or_a_weak_secret_key(key: str | None) -> None:
    done = _process({"SEEN_SECRET_KEY": key} if key else {}, "import django; django.setup()")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "SEEN_SECRET_KEY" in done.stderr
    started = _process(
        {"SEEN_SECRET_KEY": A_SECRET_KEY}, "import django; django.setup(); print('started')"
    )
    assert started.returncode == 0 and "started" in started.stdout, started.stderr


@pytest.mark.slow
@pytest.mark.parametrize("switch", [{"SEEN_INSECURE_HTTP": "1"}, {"SEEN_DEBUG": "1"}])
def test_the_demo_and_development_serve_plain_http(switch: dict[str, str]) -> None:
    s = computed_settings(**switch)
    assert not s["SESSION_COOKIE_SECURE"] and not s["CSRF_COOKIE_SECURE"]
    assert not s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] == 0
    assert s["SESSION_COOKIE_HTTPONLY"]  # the rest stays
    assert s["plain_http"][0] == 200


# --- OpenID Connect ----------------------------------------------------------------------------

PROVIDER = "https://login.partnership.example/tenant/v2.0"
PROVIDER_ENV = {
    "SEEN_OIDC_PROVIDER_URL": PROVIDER,
    "SEEN_OIDC_CLIENT_ID": "seen-client",
    "SEEN_OIDC_CLIENT_SECRET": "a-client-secret-for-tests-only-0123456789",
    "SEEN_OIDC_PROVIDER_NAME": "the partnership's identity provider",
}


def test_without_a_provider_there_is_no_provider_sign_in() -> None:
    assert not settings.SEEN_OIDC
    assert "seen.web.oidc.ProviderBackend" not in settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    assert "Sign in with" not in Client().get("/sign-in/").content.decode()


@pytest.mark.slow
def test_a_provider_in_the_environment_switches_the_provider_sign_in_on() -> None:
    s = computed_settings(SEEN_INSECURE_HTTP="1", **PROVIDER_ENV)
    assert s["AUTHENTICATION_BACKENDS"][:2] == [
        "axes.backends.AxesStandaloneBackend",
        "seen.access.backends.ProfileModelBackend",
    ]
    assert s["AUTHENTICATION_BACKENDS"][2] == "seen.web.oidc.ProviderBackend"
    assert s["oidc_url"] == "/oidc/authenticate/"
    assert s["OIDC_RP_CLIENT_ID"] == "seen-client"
    assert s["OIDC_CREATE_USER"] is False
    assert s["OIDC_USE_PKCE"] is True
    assert s["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert s["OIDC_OP_TOKEN_ENDPOINT"] is None  # discovered on first use, not at start-up
    assert s["OIDC_AUTHENTICATE_CLASS"] == "seen.web.oidc.ProviderSignIn"


@pytest.mark.slow
def test_a_provider_needs_all_three_settings() -> None:
    partial = {k: v for k, v in PROVIDER_ENV.items() if k != "SEEN_OIDC_CLIENT_SECRET"}
    s = computed_settings(SEEN_INSECURE_HTTP="1", **partial)
    assert s["oidc_url"] is None
    assert "seen.web.oidc.ProviderBackend" not in s["AUTHENTICATION_BACKENDS"]


# The provider's pages in-process: this module is the URL conf, the settings are overridden.
urlpatterns = [
    *seen.urls.urlpatterns,
    path(
        "oidc/",
        include(
            [
                path(
                    "authenticate/", oidc.ProviderSignIn.as_view(), name="oidc_authentication_init"
                ),
                path(
                    "callback/",
                    OIDCAuthenticationCallbackView.as_view(),
                    name="oidc_authentication_callback",
                ),
            ]
        ),
    ),
]

SECRET = PROVIDER_ENV["SEEN_OIDC_CLIENT_SECRET"]


class Provider:
    """A stand-in for the identity provider, answering mozilla-django-oidc's requests."""

    def __init__(self, email: str, *, reachable: bool = True) -> None:
        self.email, self.reachable = email, reachable
        self.nonce = ""
        self.calls: list[str] = []

    def get(self, url: str, **kwargs: Any) -> Any:
        self.calls.append(url)
        if not self.reachable:
            raise requests.ConnectionError("no route to the provider")
        if url == f"{PROVIDER}/.well-known/openid-configuration":
            return self.answer(
                {
                    "issuer": PROVIDER,
                    "authorization_endpoint": f"{PROVIDER}/authorize",
                    "token_endpoint": f"{PROVIDER}/token",
                    "userinfo_endpoint": f"{PROVIDER}/userinfo",
                    "jwks_uri": f"{PROVIDER}/keys",
                }
            )
        if url == f"{PROVIDER}/userinfo":
            return self.answer({"sub": "abc", "email": self.email})
        raise AssertionError(f"unexpected request to {url}")

    def post(self, url: str, **kwargs: Any) -> Any:
        self.calls.append(url)
        assert url == f"{PROVIDER}/token"
        assert kwargs["data"]["code_verifier"]  # PKCE
        claims = {
            "sub": "abc",
            "email": self.email,
            "nonce": self.nonce,
            "aud": "seen-client",
            "iss": PROVIDER,
        }
        return self.answer(
            {"id_token": jwt.encode(claims, SECRET, algorithm="HS256"), "access_token": "access"}
        )

    @staticmethod
    def answer(body: dict[str, Any]) -> Any:
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(body).encode()
        return response


@pytest.fixture
def provider_configured(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    settings.SEEN_OIDC = True
    settings.SEEN_OIDC_PROVIDER_URL = PROVIDER
    settings.SEEN_OIDC_PROVIDER_NAME = PROVIDER_ENV["SEEN_OIDC_PROVIDER_NAME"]
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "seen.web.oidc.ProviderBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = "seen-client"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"  # a key the stand-in can sign with, no JWKS
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_USE_PKCE = True
    settings.LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?failed=provider"
    oidc.discovery.cache_clear()
    yield
    oidc.discovery.cache_clear()


def sign_in_through(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> tuple[Client, Any]:
    monkeypatch.setattr(requests, "get", provider.get)
    monkeypatch.setattr(requests, "post", provider.post)
    client = Client()
    assert "Sign in with the partnership" in client.get("/sign-in/").content.decode()
    sent = client.get("/oidc/authenticate/")
    assert sent.status_code == 302
    asked = urlparse(sent["Location"])
    query = {k: v[0] for k, v in parse_qs(asked.query).items()}
    assert f"{asked.scheme}://{asked.netloc}{asked.path}" == f"{PROVIDER}/authorize"
    assert query["client_id"] == "seen-client"
    assert query["code_challenge_method"] == "S256"
    provider.nonce = query["nonce"]
    back = client.get("/oidc/callback/", {"code": "the-code", "state": query["state"]})
    return client, back


def test_the_provider_signs_in_the_account_with_its_e_mail(
    provider_configured: None, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, back = sign_in_through(Provider("tester@seen.example"), monkeypatch)
    assert back.status_code == 302 and back["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_provider_never_creates_an_account(
    provider_configured: None, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = get_user_model().objects.count()
    client, back = sign_in_through(Provider("stranger@elsewhere.example"), monkeypatch)
    assert back["Location"] == "/sign-in/?failed=provider"
    assert not signed_in(client)
    assert get_user_model().objects.count() == users
    assert not AccessAttempt.objects.exists()  # a provider sign-in is not a password guess
    page = client.get(back["Location"]).content.decode()
    assert "Signing in through your organisation did not work" in page


def test_an_inactive_account_is_not_signed_in_by_the_provider(
    provider_configured: None, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    user.is_active = False
    user.save()
    client, _ = sign_in_through(Provider("tester@seen.example"), monkeypatch)
    assert not signed_in(client)


def test_an_unreachable_provider_sends_the_user_back_not_a_server_error(
    provider_configured: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = Provider("tester@seen.example", reachable=False)
    monkeypatch.setattr(requests, "get", provider.get)
    sent = Client().get("/oidc/authenticate/")
    assert sent.status_code == 302 and sent["Location"] == "/sign-in/?failed=provider"


def test_password_sign_in_never_asks_the_provider(
    provider_configured: None, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = Provider("tester@seen.example")
    monkeypatch.setattr(requests, "get", provider.get)
    monkeypatch.setattr(requests, "post", provider.post)
    client = Client()
    assert sign_in(client, "tester", PASSWORD).status_code == 302
    # an account without a role: the gate refuses it; permission checks build every backend
    assert client.get("/").status_code == 403
    assert provider.calls == []
