"""Referring a parent to a service, and the steps of the referral's uptake (pages)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
