"""A referral to a service and the steps of its uptake through the API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["referrals"])
