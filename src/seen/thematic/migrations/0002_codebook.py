"""The codebook seeded with the national review's themes (seen.thematic.codebook)."""

from typing import Any

from django.db import migrations

from seen.thematic.codebook import CODEBOOK


def seed(apps: Any, schema_editor: Any) -> None:
    theme = apps.get_model("thematic", "Theme")
    for order, (group, code, name, description) in enumerate(CODEBOOK, start=1):
        theme.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "group": group, "order": order},
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("thematic", "Theme").objects.filter(
        code__in=[code for _, code, _, _ in CODEBOOK]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("thematic", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
