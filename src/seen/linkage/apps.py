from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "seen.linkage"
    label = "linkage"
