"""A small synthetic partnership (100 births, about 1,400 source records) and a model trained on
it once per test session: enough to exercise every step of linkage in a few seconds."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from seen.linkage.model import LinkageModel
from seen.linkage.prepare import prepare_file

COLUMNS = (
    "record_id",
    "source",
    "forename",
    "surname",
    "previous_surnames",
    "dob",
    "sex",
    "nhs_number",
    "postcode",
    "phone",
)


@dataclass
class Partnership:
    folder: Path
    records_csv: Path  # people.csv in link-file's columns (record_id = agency:id)
    truth: dict[str, str]  # record_id -> person_id


@pytest.fixture(scope="session")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Partnership:
    from seen.synth.generator import generate

    folder = tmp_path_factory.mktemp("synth")
    generate(folder, areas=2, births=100, seed=7)
    records_csv = folder / "records.csv"
    with (
        (folder / "people.csv").open(newline="", encoding="utf-8") as source,
        records_csv.open("w", newline="", encoding="utf-8") as target,
    ):
        writer = csv.DictWriter(target, fieldnames=COLUMNS)
        writer.writeheader()
        for row in csv.DictReader(source):
            writer.writerow(
                {
                    "record_id": f"{row['agency']}:{row['id']}",
                    "source": row["agency"],
                    **{c: row[c] for c in COLUMNS[2:]},
                }
            )
    with (folder / "truth" / "records.csv").open(newline="", encoding="utf-8") as handle:
        truth = {f"{r['agency']}:{r['record_id']}": r["person_id"] for r in csv.DictReader(handle)}
    return Partnership(folder, records_csv, truth)


@pytest.fixture(scope="session")
def prepared(partnership: Partnership) -> pa.Table:
    return prepare_file(partnership.records_csv)


@pytest.fixture(scope="session")
def trained(prepared: pa.Table) -> LinkageModel:
    return LinkageModel.train(prepared, seed=1)
