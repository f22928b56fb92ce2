"""Signing in and out.

Local accounts sign in with a username and password through Django's LoginView; django-axes
counts the failures (5 for one username from one address lock that pair out for 15 minutes,
settings AXES_*; 20 from one address for any usernames pause that address as long,
seen.web.sign_in_throttle) and answers a locked-out attempt with `locked_out` below: HTTP 429
and a page saying why and for how long. When the partnership's identity provider is configured
(seen.web.oidc), the page also offers to sign in through it. Signing out is a POST (a link or an
image on another site cannot sign anyone out).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.web.sign_in_throttle import address_locked


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length checked before it is tried: Django
    sets the field's max_length (150) without its validator, so a longer name reached
    authenticate() and django-axes, which stores failures in a column of 255 characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(getattr(field, "max_length", None) or 150))


class SignInView(LoginView):
    template_name = "web/sign_in.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["provider_name"] = settings.SEEN_OIDC_PROVIDER_NAME if settings.SEEN_OIDC else ""
        context["provider_failed"] = self.request.GET.get("failed") == "provider"
        context["signed_out_idle"] = bool(self.request.session.pop("seen_signed_out_idle", False))
        return context


class SignOutView(LogoutView):
    """POST only (Django's LogoutView refuses GET with 405)."""

    template_name = "web/signed_out.html"


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a sign-in refused for too many failures (AXES_LOCKOUT_CALLABLE).

    It does not say whether the username exists, nor accept the password however right it is."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    by_address = address_locked(request)
    return render(
        request,
        "web/locked_out.html",
        {
            "minutes": minutes,
            "by_address": by_address,
            "failure_limit": (
                settings.SEEN_SIGN_IN_ADDRESS_LIMIT if by_address else settings.AXES_FAILURE_LIMIT
            ),
        },
        status=429,
    )


def not_a_password_attempt(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """AXES_WHITELIST_CALLABLE: only password sign-ins are counted and locked out.

    A sign-in through the identity provider carries no username (the provider throttles its own
    sign-in); counting its failures by address alone would lock out a whole hospital behind one
    address after five colleagues without a Seen account tried."""
    return not (credentials or {}).get("username") and not request.POST.get("username")
