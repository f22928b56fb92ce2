"""`python -m seen.linkage.spark score | bench` (seen.linkage.spark.cli); spark-submit runs this
file as a script."""

import os

if __name__ == "__main__":
    # the command reads Seen's settings (the model's path, Spark's master) as `seen` does
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seen.settings")
    import django

    django.setup()
    from seen.linkage.spark.cli import main

    raise SystemExit(main())
