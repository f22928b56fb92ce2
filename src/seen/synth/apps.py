from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "seen.synth"
    label = "synth"
