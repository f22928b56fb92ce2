"""Pages for seen.learning (placeholder: the routes are being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
