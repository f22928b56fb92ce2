"""Pages for seen.thematic (placeholder: the routes are being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
