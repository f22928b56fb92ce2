from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "seen.people"
    label = "people"
