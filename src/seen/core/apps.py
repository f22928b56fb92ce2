from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "seen.core"
    label = "core"
