"""Nothing Seen answers is kept by a browser's cache or a proxy: every response but the static
assets carries `Cache-Control: no-store` (Django's `add_never_cache_headers`), so that a child's
page, an API answer, a refusal, an error page or a chronology download cannot be read back from
a shared computer's cache after its user has signed out.

The static assets (GOV.UK Frontend's CSS, fonts and images under /assets/) hold no personal data
and keep WhiteNoise's own caching headers; WhiteNoise answers them before this middleware is
reached, and the path test below keeps it so if the order ever changes.

Content-Security-Policy (django-csp) and Permissions-Policy (django-permissions-policy) are set
by their own middleware, configured in seen.settings."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL or "/assets/"):
            add_never_cache_headers(response)
        return response
