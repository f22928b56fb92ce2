from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "seen.audit"
    label = "audit"
    verbose_name = "Audit log"
