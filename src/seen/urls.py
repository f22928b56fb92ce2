from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from seen.api.main import api
from seen.web import check, views, views_auth

# each page module owns its own urlpatterns (seen.web.child, seen.web.alerts, ...)
PAGE_MODULES = [
    "seen.web.child",
    "seen.web.person",
    "seen.web.alerts",
    "seen.web.record",
    "seen.web.triage",
    "seen.web.plans",
    "seen.web.review",
    "seen.web.audit_pages",
    "seen.web.thematic",
    "seen.web.incidents",
    "seen.web.learning",
    "seen.web.caseload",
    "seen.web.oversight",
    "seen.web.directory",
    "seen.web.referrals",
]

urlpatterns = [
    path("", views.home, name="home"),
    path("loaded/", views.loaded, name="loaded"),
    path("check/", check.check_child, name="check-child"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("fhir/R4/", include("seen.fhir.urls")),  # the CP-IS-compatible FHIR face (seen.fhir)
    path("sign-in/", views_auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views_auth.SignOutView.as_view(), name="sign-out"),
    *(path("", include(module)) for module in PAGE_MODULES),
]
if settings.SEEN_OIDC:  # the identity provider's sign-in, only when configured (seen.web.oidc)
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# Django's error answers as the partnership's pages (JSON under /api/)
handler400 = "seen.web.errors.bad_request"
handler403 = "seen.web.errors.forbidden"
handler404 = "seen.web.errors.not_found"
handler500 = "seen.web.errors.server_error"
