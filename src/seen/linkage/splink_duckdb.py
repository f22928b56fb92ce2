"""Splink on DuckDB as Seen's linkage runs it: the Splink API over one of Seen's DuckDB
connections (seen.linkage.prepare.connect), and Splink's warnings kept quiet. Training, batch
scoring, the incremental match and the benchmark's baseline all start Splink this way.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb


def db_api(con: duckdb.DuckDBPyConnection) -> Any:
    from splink import DuckDBAPI

    return DuckDBAPI(connection=con)


def quiet_splink() -> None:
    """Splink's warnings (a level it could not train, a sample it skipped) are what
    seen.linkage.reasoned handles and summarises in one line; errors still show."""
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
