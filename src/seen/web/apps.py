from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "seen.web"
    label = "web"
