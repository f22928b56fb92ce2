from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "seen.interchange"
