"""Until the practitioners' service lands, the demo serves one page: counts of what was loaded.

It shows numbers only, never a person's details, so it needs no access decision yet."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.ingest.summary import loaded_counts, recent_batches


def loaded(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/loaded.html",
        {"counts": loaded_counts(), "batches": recent_batches()},
    )
