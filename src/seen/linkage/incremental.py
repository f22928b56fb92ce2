"""Matching one record on arrival (at ingest, or typed at an A&E look-up) against the persons
already known, without re-running the batch.

Candidates come from the database's indexes (NHS number, date of birth, name, postcode), then
the trained model scores the new record against them with Splink's real-time comparison, using
the term frequencies saved by the last batch run, so that a pair scores here exactly as it
would in a batch run."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Q
from django.db.models.functions import Lower

from seen.linkage.batch import record_rows
from seen.linkage.evidence import level_index
from seen.linkage.exclusions import UNCORROBORATED, uncorroborated
from seen.linkage.prepare import _text
from seen.linkage.settings import Bands, current_bands, model_path
from seen.people.models import SourceRecord

MAX_CANDIDATES = 200
ARRIVALS_FOR_A_BATCH = 2_000


class MatchingUnavailable(RuntimeError):
    """The saved model or term frequencies cannot be read: nothing can be matched on arrival
    until `seen link` writes them again. The message says which file and why."""


def tf_path() -> Path:
    return model_path().with_name("term_frequencies.json")


def write_whole(path: Path, text: str) -> None:
    """Write a file so that it is always either its old or its new content, never a part: the
    new content goes to a temporary file beside it, flushed to disk, then put in its place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            output.write(text)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_term_frequencies() -> dict[str, dict[str, float]]:
    """The saved term frequencies (none saved yet: empty), or MatchingUnavailable."""
    path = tf_path()
    if not path.exists():
        return {}
    try:
        frequencies = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise MatchingUnavailable(
            f"{path.name} cannot be read ({type(error).__name__}: {error}); "
            "`seen link` writes it again"
        ) from None
    if not isinstance(frequencies, dict) or not all(
        isinstance(values, dict) for values in frequencies.values()
    ):
        raise MatchingUnavailable(
            f"{path.name} is not a table of frequencies; `seen link` writes it again"
        )
    return frequencies


def save_term_frequencies(prepared: pa.Table, columns: list[str]) -> None:
    """Save value -> frequency for each term-frequency column, as Splink computes them."""
    frequencies: dict[str, dict[str, float]] = {}
    for name in columns:
        if name not in prepared.column_names:
            continue
        counts = prepared.group_by(name).aggregate([([], "count_all")]).to_pydict()
        values, totals = counts[name], counts["count_all"]
        present = sum(n for v, n in zip(values, totals, strict=True) if v is not None)
        frequencies[name] = {
            v: n / present for v, n in zip(values, totals, strict=True) if v is not None
        }
    write_whole(tf_path(), json.dumps(frequencies))


@dataclass(frozen=True)
class Candidate:
    record_id: int
    person_id: int | None
    match_probability: float
    match_weight: float
    evidence: dict[str, float]
    levels: dict[str, str] = field(default_factory=dict)  # comparison -> level label


@dataclass
class MatchResult:
    band: str  # "link" | "review" | "no_link"
    best: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    held_back_because: str | None = None  # a link-band best not linked (seen.linkage.exclusions)

    @property
    def person_id(self) -> int | None:
        return self.best.person_id if self.best and self.band == "link" else None


class IncrementalMatcher:
    """Holds the model, term frequencies and a DuckDB connection; reuse one per process."""

    def __init__(self) -> None:
        from seen.linkage.model import LinkageModel
        from seen.linkage.prepare import connect
        from seen.linkage.splink_duckdb import db_api

        try:
            self.model = LinkageModel.load(model_path())
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
            raise MatchingUnavailable(
                f"{model_path().name} cannot be read ({type(error).__name__}: {error}); "
                "`seen link --retrain` writes it again"
            ) from None
        self.settings = copy.deepcopy(self.model.settings)
        self.frequencies = load_term_frequencies()
        self.connection = connect(threads=1)
        self.db_api = db_api(self.connection)
        self.comparisons = self.model.comparison_names

    def _prepared(self, rows: list[dict[str, Any]]) -> pa.Table:
        """Normalise on this matcher's own connection (opening one per call costs more than
        the scoring itself)."""
        from seen.linkage.prepare import RAW_COLUMNS, _prepare

        raw = pa.table(
            {
                name: pa.array([_text(row.get(name)) for row in rows], type=pa.string())
                for name in RAW_COLUMNS
            }
        )
        self.connection.register("seen_incremental_raw", raw)
        try:
            table = _prepare(self.connection, "seen_incremental_raw", list(RAW_COLUMNS))
        finally:
            self.connection.unregister("seen_incremental_raw")
        for name, frequencies in self.frequencies.items():
            values = table.column(name).to_pylist()
            tf = [frequencies.get(v) if v is not None else None for v in values]
            table = table.append_column(f"tf_{name}", pa.array(tf, type=pa.float64()))
        return table

    def score(self, record: dict[str, Any], candidates: list[dict[str, Any]]) -> list[Candidate]:
        """Score one record (as batch.record_rows gives them) against candidate records."""
        if not candidates:
            return []
        from splink.internals.realtime import compare_records

        both = self._prepared([record, *candidates])
        is_new = pc.equal(both.column("record_id"), str(record["record_id"]))
        new, others = both.filter(is_new), both.filter(pc.invert(is_new))
        scored = compare_records(
            new, others, self.settings, self.db_api, sql_cache_key=f"seen-{self.model.version}"
        ).as_record_list()
        persons = {str(c["record_id"]): c.get("person_id") for c in candidates}
        results = []
        for row in scored:
            evidence = {}
            for name in self.comparisons:
                weight = row.get(f"mw_{name}")
                if weight is None:
                    continue
                adjustment = row.get(f"mw_tf_adj_{name}") or 0.0
                evidence[name] = round(float(weight) + float(adjustment), 3)
            levels = {}
            for name in self.comparisons:
                index = level_index(self.settings, name, row.get(f"mw_{name}"))
                if (label := self.model.level_label(name, index)) is not None:
                    levels[name] = label
            results.append(
                Candidate(
                    record_id=int(row["record_id_r"]),
                    person_id=persons.get(str(row["record_id_r"])),
                    match_probability=float(row["match_probability"]),
                    match_weight=float(row["match_weight"]),
                    evidence=evidence,
                    levels=levels,
                )
            )
        return sorted(results, key=lambda c: (-c.match_probability, c.record_id))

    def match(
        self, record: dict[str, Any], *, exclude: int | None = None, bands: Bands | None = None
    ) -> MatchResult:
        bands = bands or current_bands()
        queryset = candidate_records(record, exclude=exclude)
        candidates = list(record_rows(queryset, with_person=True))
        scored = self.score(record, candidates)
        best = scored[0] if scored else None
        if best is None or best.match_probability < bands.review:
            return MatchResult("no_link", best, scored)
        if best.match_probability < bands.auto_link:
            return MatchResult("review", best, scored)
        # the strongest link-band candidate whose person the exclusions allow, as in a batch run
        held: str | None = None
        for candidate in scored:
            if candidate.match_probability < bands.auto_link:
                break
            reason = (
                UNCORROBORATED
                if self.model.corroboration and uncorroborated(candidate.evidence)
                else self.refusal(record, candidate.person_id)
            )
            if reason is None:
                return MatchResult("link", candidate, scored, held_back_because=held)
            held = held or reason
        return MatchResult("review", best, scored, held_back_because=held)

    def refusal(self, record: dict[str, Any], person_id: int | None) -> str | None:
        """Why this record may not join that person's records automatically, or None."""
        from seen.linkage.clustering import conflict
        from seen.linkage.resolve import identifiers_of_person

        if person_id is None:
            return None
        return conflict(
            _identifiers_of_row(record), identifiers_of_person(person_id), self.model.exclusions
        )


def _identifiers_of_row(record: dict[str, Any]) -> dict[str, set[str]]:
    """A record as record_rows gives it, as the exclusions read it (stored NHS numbers passed
    the check digit at ingest)."""
    dob, parent_on = _as_date(record.get("dob")), _as_date(record.get("parent_on"))
    values = {
        "nhs_number": record.get("nhs_number") or None,
        "dob_text": dob.strftime("%Y%m%d") if dob else None,
        "parent_on": parent_on.strftime("%Y%m%d") if parent_on else None,
    }
    return {column: {value} for column, value in values.items() if value}


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def candidate_records(record: dict[str, Any], *, exclude: int | None = None) -> Any:
    """Records sharing a blocking key with this one, mirroring the batch's blocking rules
    (NHS number; names, also swapped; date of birth with a name, also swapped; postcode with a
    forename or date of birth; phone with a forename or surname) so that a single record meets
    the candidates a batch run would."""
    surname = (record.get("surname") or "").strip().lower()
    forename = (record.get("forename") or "").strip().lower()
    born = _as_date(record.get("dob"))
    postcode = (record.get("postcode") or "").strip().upper()
    phone = (record.get("phone") or "").strip()
    nhs = (record.get("nhs_number") or "").strip()
    keys = Q(pk__in=[])
    if nhs:
        keys |= Q(nhs_number=nhs)
    if surname and forename:
        keys |= Q(surname_lower=surname, forename_lower=forename)
        keys |= Q(surname_lower=forename, forename_lower=surname)  # names swapped
    if born:
        if surname:
            keys |= Q(dob=born, surname_lower=surname)
            keys |= Q(dob=born, forename_lower=surname)  # one side's names swapped
        if forename:
            keys |= Q(dob=born, forename_lower=forename)
            keys |= Q(dob=born, surname_lower=forename)
        if surname and born.day <= 12 and born.day != born.month:
            keys |= Q(dob=born.replace(month=born.day, day=born.month), surname_lower=surname)
    if postcode:
        if forename:
            keys |= Q(postcode=postcode, forename_lower=forename)
        if born:
            keys |= Q(postcode=postcode, dob=born)
    if phone and forename:
        keys |= Q(phone=phone, forename_lower=forename)
    if phone and surname:
        keys |= Q(phone=phone, surname_lower=surname)
    if forename:
        keys |= _family_keys(record, forename)
    records = (
        SourceRecord.objects.all() if exclude is None else SourceRecord.objects.exclude(pk=exclude)
    )
    return (
        records.annotate(surname_lower=Lower("surname"), forename_lower=Lower("forename"))
        .filter(keys)
        .order_by("pk")[:MAX_CANDIDATES]
    )


def _family_keys(record: dict[str, Any], forename: str) -> Q:
    """The batch's family-home blocking rules (seen.linkage.blocking.BLOCKING_RULES): a man
    named by a family against records of that name at its home, and the other way round.

    The men a home names are found first, by ids through indexed look-ups (the records at the
    address, then the relationships naming those records or their pregnancies): written as one
    subquery across the joins, SQLite walks every relationship (about a second at a million
    records)."""
    from seen.people.models import Pregnancy, Relationship

    keys = Q(pk__in=[])
    for own, family in (("postcode", "family_postcode"), ("phone", "family_phone")):
        if record.get(family):
            keys |= Q(**{own: record[family]}, forename_lower=forename)
        if record.get(own):
            home = list(
                SourceRecord.objects.filter(**{own: record[own]}).values_list("pk", flat=True)[
                    :MAX_HOME_RECORDS
                ]
            )
            pregnancies = list(
                Pregnancy.objects.filter(mother_id__in=home).values_list("pk", flat=True)
            )
            named = set(
                Relationship.objects.filter(child_id__in=home).values_list("person_id", flat=True)
            ) | set(
                Relationship.objects.filter(pregnancy_id__in=pregnancies).values_list(
                    "person_id", flat=True
                )
            )
            if named:
                keys |= Q(pk__in=sorted(named), forename_lower=forename)
    return keys


# A postcode or phone held by more records than this is not a family's home (a hostel, a
# switchboard): its first records are enough to find a man it names, and the look-up stays
# bounded.
MAX_HOME_RECORDS = 2_000


_matcher: IncrementalMatcher | None = None


_matcher_stamp: tuple[float, float] | None = None


def matcher() -> IncrementalMatcher:
    """The process's matcher, loaded once and again only when the model or the term
    frequencies are saved anew (by `seen link`)."""
    global _matcher, _matcher_stamp
    frequencies = tf_path()
    stamp = (
        model_path().stat().st_mtime,
        frequencies.stat().st_mtime if frequencies.exists() else 0.0,
    )
    if _matcher is None or stamp != _matcher_stamp:
        _matcher, _matcher_stamp = IncrementalMatcher(), stamp
    return _matcher


def link_arrivals(record_ids: list[int]) -> dict[str, int]:
    """Give each newly arrived record a person: the matched person when the best candidate is in
    the link band, otherwise a new person (review-band candidates are queued for a person)."""
    from seen.linkage.models import LinkRun
    from seen.linkage.runs import finish_run, running, start_run

    bands = current_bands()
    engine = matcher()
    counts = {"link": 0, "review": 0, "no_link": 0}
    run = start_run(
        LinkRun.Kind.INCREMENTAL,
        model_version=engine.model.version,
        auto_link_threshold=bands.auto_link,
        review_threshold=bands.review,
    )
    with running(run):
        waiting = SourceRecord.objects.filter(pk__in=record_ids, person__isnull=True)
        for record in record_rows(waiting):
            result = engine.match(record, exclude=int(record["record_id"]), bands=bands)
            counts[result.band] += 1
            _give_person(int(record["record_id"]), result, bands, run)
    finish_run(run, records=len(record_ids))
    return counts


def _give_person(own_id: int, result: MatchResult, bands: Bands, run: Any) -> None:
    """One record's person, decision and candidate pairs, written together or not at all."""
    from django.db import transaction

    from seen.core import clock
    from seen.linkage.models import CandidatePair
    from seen.linkage.persons import next_reference_number, reference_for
    from seen.people.models import LinkDecision, Person

    with transaction.atomic():
        if result.band == "link" and result.best and result.best.person_id:
            person_id = result.best.person_id
            method, probability = LinkDecision.Method.INCREMENTAL, result.best.match_probability
            evidence: dict[str, Any] = {
                "run": run.pk,
                "pair_with": result.best.record_id,
                "weights": result.best.evidence,
            }
        else:
            person_id = Person.objects.create(reference=reference_for(next_reference_number())).pk
            method, probability, evidence = LinkDecision.Method.NEW_PERSON, None, {"run": run.pk}
        SourceRecord.objects.filter(pk=own_id).update(person_id=person_id)
        LinkDecision.objects.filter(record_id=own_id, superseded_at__isnull=True).update(
            superseded_at=clock.now()
        )
        LinkDecision.objects.create(
            record_id=own_id,
            person_id=person_id,
            method=method,
            match_probability=probability,
            evidence=evidence,
            decided_at=clock.now(),
        )
        for candidate in result.candidates:
            if candidate.match_probability < bands.review:
                break
            left, right = sorted((own_id, candidate.record_id))
            CandidatePair.objects.update_or_create(
                record_l_id=left,
                record_r_id=right,
                defaults={
                    "match_probability": candidate.match_probability,
                    "match_weight": candidate.match_weight,
                    "evidence": candidate.evidence,
                    "levels": candidate.levels,
                    "band": "link" if candidate.match_probability >= bands.auto_link else "review",
                    "run": run,
                },
            )


def link_new_arrivals() -> dict[str, int] | None:
    """Match every record that has no person yet, if a model has been trained (else None:
    the first `seen link` resolves everything in one batch)."""
    if not model_path().exists():
        return None
    waiting = list(SourceRecord.objects.filter(person__isnull=True).values_list("pk", flat=True))
    if len(waiting) > ARRIVALS_FOR_A_BATCH:
        # Many arrivals at once (a new agency's first extract): one batch run is far quicker
        # than matching each in turn, and reuses the trained model.
        from seen.linkage.batch import run_batch

        run = run_batch()
        return {"batch_run": run.pk, "records": run.records}
    return link_arrivals(waiting) if waiting else {"link": 0, "review": 0, "no_link": 0}
