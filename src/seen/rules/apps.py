from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "seen.rules"
    label = "rules"
    verbose_name = "Rules and alerts"
