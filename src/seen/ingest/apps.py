from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "seen.ingest"
    label = "ingest"
