from django.apps import AppConfig


class ThematicConfig(AppConfig):
    name = "seen.thematic"
