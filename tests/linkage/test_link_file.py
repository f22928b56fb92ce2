"""`seen link-file`: a standalone file in, record_id,person_id out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from seen.linkage import evaluate

from .conftest import Partnership


def read_output(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["record_id", "person_id"]
    return {record: person for record, person in rows[1:]}


def test_link_file_clusters_a_partnership(partnership: Partnership, tmp_path: Path) -> None:
    out = tmp_path / "persons.csv"
    model = tmp_path / "model.json"
    call_command(
        "link-file", str(partnership.records_csv), "--out", str(out), "--save-model", str(model)
    )
    persons = read_output(out)
    assert set(persons) == set(partnership.truth)
    scores = evaluate.cluster_pairwise(persons, partnership.truth)
    assert scores.precision >= 0.99
    assert scores.recall >= 0.9

    # The saved model links the same file the same way.
    again = tmp_path / "again.csv"
    call_command(
        "link-file", str(partnership.records_csv), "--out", str(again), "--model", str(model)
    )
    assert read_output(again) == persons


def test_link_file_reads_parquet_with_few_columns(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "people.parquet"
    pq.write_table(
        pa.table(
            {
                "record_id": ["1", "2", "3", "4"],
                "forename": ["Robert", "Bob", "Alice", "Alicia"],
                "surname": ["Tanner", "Tanner", "Hollis", "Hollis"],
                "dob": ["1990-07-03", "1990-03-07", "1985-01-01", "1985-01-01"],
            }
        ),
        source,
    )
    out = tmp_path / "out.csv"
    call_command("link-file", str(source), "--out", str(out))
    assert set(read_output(out)) == {"1", "2", "3", "4"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("people.txt", "record_id\n1\n", "unknown format"),
        ("no_ids.csv", "forename,surname\nann,smith\n", "no record_id column"),
        ("dupes.csv", "record_id,forename\n1,ann\n1,bob\n", "duplicate record_id"),
        ("empty.csv", "record_id,forename\n", "no records"),
    ],
)
def test_link_file_errors(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("link-file", str(source), "--out", str(tmp_path / "out.csv"))


def test_link_file_refuses_a_bad_model(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("record_id,forename\n1,ann\n")
    bad = tmp_path / "model.json"
    bad.write_text("{}")
    with pytest.raises(CommandError, match="not a Seen linkage model"):
        call_command(
            "link-file", str(source), "--out", str(tmp_path / "o.csv"), "--model", str(bad)
        )
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "link-file",
            str(source),
            "--out",
            str(tmp_path / "o.csv"),
            "--model",
            str(tmp_path / "absent.json"),
        )
