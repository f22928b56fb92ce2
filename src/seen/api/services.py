"""The directory of services as Open Referral UK answers it: GET /api/services."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["services"])
