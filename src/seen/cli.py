"""The `seen` command: Django's management commands plus Seen's own, under one name.

Every Seen command is a Django management command in the app that owns the work
(`seen ingest` lives in seen.ingest, `seen synth` in seen.synth), so `--help` works on each
and `seen migrate`, `seen createsuperuser` and the rest come for free.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seen.settings")
    from django.core.management import execute_from_command_line

    from seen.core.errors import KINDS, SeenError

    args = list(sys.argv if argv is None else argv)
    args[0] = "seen"
    try:
        execute_from_command_line(args)
    except SeenError as error:  # Seen's error vocabulary (seen.core.errors): a line, an exit code
        kind = next((k.__name__ for k in KINDS if isinstance(error, k)), "error")
        print(f"seen: {kind.lower()}: {error}", file=sys.stderr)
        sys.exit(error.exit_code)


if __name__ == "__main__":
    main()
