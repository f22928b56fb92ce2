"""How long Seen took to answer, in a `Server-Timing: app;dur=<ms>` header, so that `seen bench
service` (and a browser's developer tools) read the server's own share of a page's time, apart
from the network and the client.

Only when debugging (SEEN_DEBUG=1) or asked for (SEEN_SERVER_TIMING=1, which `seen bench
service` sets for the server it starts): otherwise the header would tell anyone how long each
look-up took, and so whether a reference names something Seen holds."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def wanted() -> bool:
    return bool(settings.DEBUG or getattr(settings, "SEEN_SERVER_TIMING", False))


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not wanted():
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
