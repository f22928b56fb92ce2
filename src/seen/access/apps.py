from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "seen.access"
    label = "access"
    verbose_name = "Access and lawful sharing"

    def ready(self) -> None:
        # every change to who may see what is an audit event, whichever path made it
        from seen.access import changes

        changes.connect()
