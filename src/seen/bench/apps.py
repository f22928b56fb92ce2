from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "seen.bench"
    label = "bench"
