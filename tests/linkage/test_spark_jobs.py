"""The national jobs from a shell (`python -m seen.linkage.spark score | cluster`): Parquet in,
Parquet out, the persons LinkageModel.cluster makes; bad inputs refused with a message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from seen.linkage.model import Bands, LinkageModel
from seen.linkage.spark.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def national(
    tmp_path_factory: pytest.TempPathFactory, trained: LinkageModel, prepared: pa.Table
) -> dict[str, Any]:
    """The linkage tests' partnership (tests/linkage/conftest.py) and model, written as a
    national run has them."""
    folder = tmp_path_factory.mktemp("national")
    trained.save(folder / "model.json")
    pq.write_table(prepared, folder / "prepared.parquet")
    return {"folder": folder, "model": trained, "prepared": prepared}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(argv) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_score_then_cluster_gives_the_persons_of_one_process(
    national: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, model, prepared = national["folder"], national["model"], national["prepared"]
    review, auto_link = Bands().review, Bands().auto_link
    scored = _run(
        ["score", "--model", str(folder / "model.json"), "--prepared",
         str(folder / "prepared.parquet"), "--out", str(folder / "pairs"), "--threshold",
         str(review), "--master", "local[2]"],
        capsys,
    )  # fmt: skip
    duck = model.predict(prepared, threshold=review)
    assert scored["pairs"] == duck.num_rows > 50

    records = prepared.column("record_id").to_pylist()
    (folder / "must.csv").write_text(f"a,b\n{records[0]},{records[1]}\n")
    clustered = _run(
        ["cluster", "--model", str(folder / "model.json"), "--prepared",
         str(folder / "prepared.parquet"), "--pairs", str(folder / "pairs"), "--out",
         str(folder / "persons"), "--must-link", str(folder / "must.csv"), "--master",
         "local[2]"],
        capsys,
    )  # fmt: skip
    persons = {
        row["record_id"]: row["person"]
        for row in pq.read_table(folder / "persons" / "persons").to_pylist()
    }
    assert clustered["records"] == len(records) == len(persons)
    assert persons[records[0]] == persons[records[1]]  # the must-link holds
    without = model.cluster(prepared, duck, threshold=auto_link).persons
    unchanged = {r for r in records if without[r] not in (without[records[0]], without[records[1]])}
    assert unchanged and all(persons[r] == without[r] for r in unchanged)


def test_bad_inputs_are_refused_with_a_message(national: dict[str, Any], tmp_path: Path) -> None:
    folder = national["folder"]
    base = ["cluster", "--model", str(folder / "model.json"), "--prepared",
            str(folder / "prepared.parquet"), "--out", str(tmp_path / "out"),
            "--master", "local[2]"]  # fmt: skip

    with pytest.raises(SystemExit) as refused:
        main([*base, "--pairs", str(tmp_path / "none"), "--threshold", "1.5"])
    assert refused.value.code == 2  # argparse: not a probability, before Spark starts

    with pytest.raises(SystemExit, match=r"scored pairs .* cannot be read"):
        main([*base, "--pairs", str(tmp_path / "no-such-pairs")])

    (tmp_path / "prepared-as-pairs.parquet").write_bytes((folder / "prepared.parquet").read_bytes())
    with pytest.raises(SystemExit, match="has no column record_id_l"):
        main([*base, "--pairs", str(tmp_path / "prepared-as-pairs.parquet")])

    pairs = national["model"].predict(national["prepared"], threshold=Bands().review)
    pq.write_table(pairs, tmp_path / "pairs.parquet")
    (tmp_path / "bad.csv").write_text("left,right\nx,y\n")
    with pytest.raises(SystemExit, match=r"must-link .* has no column a, b"):
        main([*base, "--pairs", str(tmp_path / "pairs.parquet"), "--must-link",
              str(tmp_path / "bad.csv")])  # fmt: skip
    assert not (tmp_path / "out").exists()  # nothing written
