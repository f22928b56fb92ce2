"""Exit 0 if the PostgreSQL server at the given URL answers, 1 otherwise (used by `make test`)."""

import sys

import psycopg

try:
    with psycopg.connect(sys.argv[1], connect_timeout=3) as connection:
        connection.execute("select 1")
except psycopg.Error as error:
    print(f"PostgreSQL at {sys.argv[1]} is not reachable: {error}".strip(), file=sys.stderr)
    sys.exit(1)
