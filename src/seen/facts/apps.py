from django.apps import AppConfig


class FactsConfig(AppConfig):
    name = "seen.facts"
    label = "facts"
