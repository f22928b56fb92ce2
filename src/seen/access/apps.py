from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "seen.access"
    label = "access"
    verbose_name = "Access and lawful sharing"
