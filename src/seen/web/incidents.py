"""Pages for seen.incidents (placeholder: the routes are being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
