"""The FHIR face's addresses, included by seen.urls under `fhir/R4/`: the two CP-IS searches,
the CapabilityStatement, Seen's CodeSystem, and an OperationOutcome (404) for anything else
under the base, so that no answer there is a page."""

from __future__ import annotations

from django.urls import path

from seen.fhir import views

app_name = "fhir"

urlpatterns = [
    path("CareTeam", views.care_teams_search, name="fhir-careteam"),
    path("AuditEvent", views.audit_events_search, name="fhir-auditevent"),
    path("metadata", views.metadata, name="fhir-metadata"),
    path("CodeSystem/<str:code_system_id>", views.code_system, name="fhir-codesystem"),
    path("", views.unsupported, {"fhir_path": ""}, name="fhir-base"),
    path("<path:fhir_path>", views.unsupported, name="fhir-unsupported"),
]
