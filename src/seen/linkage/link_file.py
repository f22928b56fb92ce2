"""Link a standalone file of person records: `seen link-file IN --out OUT`.

Reads CSV or Parquet with any of the columns of seen.linkage.prepare.RAW_COLUMNS (record_id
required), trains Seen's model on the file itself (or loads a saved one), scores the candidate
pairs, clusters them (seen.linkage.clustering) at the auto-link threshold and writes
`record_id,person_id` (person_id: the smallest record_id of the person's records)."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from seen.core.errors import Invalid
from seen.linkage.model import Bands, LinkageModel
from seen.linkage.prepare import SUPPORTED_SUFFIXES, PrepareError, prepare_file

Log = Callable[[str], None]


class LinkFileError(Invalid):
    """What is wrong with the input, the model or the output, in words a person can act on."""


@dataclass(frozen=True)
class LinkFileResult:
    records: int
    persons: int
    pairs_scored: int
    auto_links: int  # pairs at or above the auto-link threshold whose records were joined
    held_back: int  # pairs at or above it not joined: the records disagree on an identifier
    model_version: str
    seconds: float


def link_file(
    source: Path,
    out: Path,
    *,
    model_path: Path | None = None,
    auto_link: float = Bands().auto_link,
    save_model: Path | None = None,
    seed: int = 1,
    log: Log | None = None,
) -> LinkFileResult:
    say = log or (lambda _message: None)
    started = time.perf_counter()
    source, out = Path(source), Path(out)
    if not source.exists():
        raise LinkFileError(f"{source}: no such file")
    if source.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LinkFileError(
            f"{source}: unknown format {source.suffix or '(no suffix)'!r}; give a .csv or "
            ".parquet file"
        )
    if out.suffix.lower() == ".parquet":
        raise LinkFileError(f"--out {out}: the output is CSV; give a .csv name")
    if not out.parent.exists():
        raise LinkFileError(f"--out {out}: folder {out.parent} does not exist")
    if not 0 < auto_link < 1:
        raise LinkFileError(f"--auto-link {auto_link}: give a match probability between 0 and 1")
    model: LinkageModel | None = None
    if model_path is not None:
        if not Path(model_path).is_file():
            raise LinkFileError(f"--model {model_path}: no such file")
        try:
            model = LinkageModel.load(Path(model_path))
        except ValueError as error:
            raise LinkFileError(str(error)) from None

    say(f"reading and normalising {source}")
    try:
        prepared = prepare_file(source)
    except PrepareError as error:
        raise LinkFileError(f"{source}: {error}") from None
    if prepared.num_rows == 0:
        raise LinkFileError(f"{source}: no records")
    say(f"{prepared.num_rows:,} records")

    if model is None:
        say("training the model on the file (u by random sampling, m by EM)")
        try:
            model = LinkageModel.train(prepared, seed=seed, progress=lambda s: say(f"  {s}"))
        except ValueError as error:
            raise LinkFileError(f"{source}: {error}") from None
        if save_model is not None:
            model.save(save_model)
            say(f"model saved to {save_model}")
    say("scoring candidate pairs")
    # scored down to the review band's default: the pairs a person would review are counted
    floor = min(auto_link, Bands().review)
    pairs = model.predict(prepared, threshold=floor)
    say(f"{pairs.num_rows:,} pairs at or above {floor}; clustering at {auto_link}")
    clustering = model.cluster(prepared, pairs, threshold=auto_link)
    clusters = clustering.persons
    if clustering.held:
        say(
            f"{len(clustering.held):,} links at or above {auto_link} held back: the records "
            "disagree on an NHS number or a date of birth (docs/linkage.md)"
        )
    ids = prepared.column("record_id").to_pylist()
    temporary = out.with_name(out.name + ".tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("record_id", "person_id"))
        for record in ids:
            writer.writerow((record, clusters[record]))
    temporary.replace(out)
    return LinkFileResult(
        records=len(ids),
        persons=len(set(clusters.values())),
        pairs_scored=pairs.num_rows,
        auto_links=sum(
            1
            for a, b, p in zip(
                pairs.column("record_id_l").to_pylist(),
                pairs.column("record_id_r").to_pylist(),
                pairs.column("match_probability").to_pylist(),
                strict=True,
            )
            if p >= auto_link and clusters[a] == clusters[b]
        ),
        held_back=len(clustering.held),
        model_version=model.version,
        seconds=time.perf_counter() - started,
    )
