"""The body of every error the API answers: `{"detail": "why"}` (seen.api.main writes the
errors every operation can give into the document; an operation declares its own others with
this schema, e.g. `response={201: DecisionOut, 409: ErrorOut}`)."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    detail: str
