from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "seen.areas"
    label = "areas"
