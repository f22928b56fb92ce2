"""Sign-in through the partnership's identity provider (NHS Care Identity Service 2, Microsoft
Entra ID, or any OpenID Connect provider) with mozilla-django-oidc.

It is switched on by three settings (SEEN_OIDC_PROVIDER_URL, SEEN_OIDC_CLIENT_ID,
SEEN_OIDC_CLIENT_SECRET; see seen.settings and the README). The provider's endpoints come from
its discovery document (PROVIDER_URL/.well-known/openid-configuration), fetched on the first
sign-in rather than at start-up, unless each is set (SEEN_OIDC_AUTHORIZATION_ENDPOINT, …).

Who someone is to Seen is not the provider's to say: the identity is matched by e-mail address to
an existing, active Seen account, and no account is ever created here. A role comes only with a
StaffProfile that a system administrator made, and a user without one reaches nothing.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

log = logging.getLogger(__name__)

# mozilla-django-oidc's setting -> the provider's discovery document's key
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_TIMEOUT_SECONDS = 10
FAILED_URL = "/sign-in/?failed=provider"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be had or does not describe it."""


@functools.cache
def discovery() -> dict[str, Any]:
    """The provider's OpenID configuration, fetched once per process (a failure is not kept, so
    the next sign-in tries again)."""
    issuer = str(settings.SEEN_OIDC_PROVIDER_URL).rstrip("/")
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=DISCOVERY_TIMEOUT_SECONDS
        )
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"no discovery document from {issuer}: {error}") from error
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        # OpenID Connect Discovery 1.0, section 4.3: the issuer must be the URL asked.
        raise ProviderUnavailable(f"discovery document of {issuer} names another issuer")
    return document


def provider_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, with the provider's endpoints discovered when not set."""
    if attr in DISCOVERED and not getattr(settings, attr, None):
        value = discovery().get(DISCOVERED[attr])
        if value:
            return value
        if default:
            return default[0]
        raise ProviderUnavailable(f"the provider's discovery document has no {DISCOVERED[attr]}")
    return import_from_settings(attr, *default)


class ProviderBackend(OIDCAuthenticationBackend):
    """Signs in the one active Seen account whose e-mail address the provider vouches for."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for each sign-in and each permission check; the provider's
        # endpoints are looked up only when this backend is signing someone in.
        self.UserModel = get_user_model()

    def get_user(self, user_id: Any) -> Any:
        from seen.access.backends import user_with_profile

        return user_with_profile(user_id)  # with the profile, as the password backend does

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if (
            request is None
            or "username" in kwargs
            or "password" in kwargs
            or request.path != reverse("oidc_authentication_callback")
        ):
            return None
        try:
            super().__init__()  # the endpoints, the client and the signing algorithm
            return super().authenticate(request, **kwargs)
        except (ProviderUnavailable, ImproperlyConfigured, requests.RequestException) as error:
            log.warning("sign-in through the identity provider failed: %s", error)
            return None

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        email = claims.get("email")
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise ImproperlyConfigured("Seen never creates accounts from the identity provider")


class ProviderSignIn(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; back to the sign-in page with a reason when the provider
    cannot be reached (never a server error)."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as error:
            log.warning("the identity provider is unavailable: %s", error)
            return HttpResponseRedirect(FAILED_URL)
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().get(request)
        return response
