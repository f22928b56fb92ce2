"""One table's rows loaded, chunk by chunk (TableLoader). For each chunk, outside any
transaction: every row validated, its references resolved with one query per referenced kind,
a residence's area derived from its postcode, the typed row hashed and compared with what is held
under the same key (and with what came earlier in the same file). Then, in one transaction: new
rows inserted, changed rows versioned (the previous version kept as a RowVersion), bad rows
quarantined once each, quarantine entries a good row now replaces resolved, and the batch's
counters moved."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import BooleanField, Expression, F, Lookup

from seen.areas.models import Agency, Area, PostcodeDistrict, Practitioner
from seen.core import clock
from seen.core.inserts import insert_rows
from seen.core.validators import parse_postcode
from seen.directory.models import Service
from seen.facts.models import Plan, ServiceReferral, ServiceUptake
from seen.ingest.batches import TableCounts
from seen.ingest.columns import Column, Table
from seen.ingest.models import IngestBatch, QuarantinedRow, RowVersion
from seen.ingest.reading import SourceRow
from seen.ingest.validation import RowProblem, RowValidator
from seen.people.models import Pregnancy, Residence, SourceRecord

# json.dumps(values, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":")), the
# encoder made once rather than for every row: the same text, so the same hashes
_HASH_ENCODER = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"))


def _row_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(_HASH_ENCODER.encode(values).encode()).hexdigest()


def _raw_hash(raw: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


_REF_MODELS: dict[str, type[models.Model]] = {
    "record": SourceRecord,
    "pregnancy": Pregnancy,
    "plan": Plan,
    "practitioner": Practitioner,
    "service_referral": ServiceReferral,
}
_REF_FILES = {
    "record": "people.csv",
    "pregnancy": "pregnancies.csv",
    "plan": "plans.csv",
    "practitioner": "practitioners.csv",
    "service_referral": "service_referrals.csv",
}
# rows another agency holds, named as CODE:id (a practitioner; a referral a service answers)
_ACROSS_AGENCIES = frozenset({"practitioner", "service_referral"})
# references by a code the partnership shares, not an agency's own id
_BY_CODE = {"agency": "agencies.csv", "area": "areas.csv", "service": "seen services import"}


class AnyOf(Lookup):
    """`field IN (values)` for a chunk's keys, as a filter: `manager.filter(AnyOf("pk", ids))`.
    On PostgreSQL `field = ANY(%s)`, the values one array parameter: a chunk's 2,000 keys are
    not 2,000 placeholders for the driver to parse and bind, and the statement is the same from
    chunk to chunk."""

    lookup_name = "any_of"
    prepare_rhs = False  # the values are already the column's type (text ids, integer keys)

    def __init__(self, field_name: str, values: Iterable[Any]) -> None:
        super().__init__(F(field_name), list(values))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, self.rhs]


class AgencyIds(Expression):
    """`(agency_id, local_id)` among a chunk's keys, as a filter: one query for every agency the
    chunk names (the keys grouped by agency id), not one query an agency. On PostgreSQL the keys
    are two arrays joined; elsewhere each agency's ids are a range of the natural key's index."""

    conditional = True

    def __init__(self, wanted: dict[int, set[str]]) -> None:
        super().__init__(output_field=BooleanField())
        self.agency: Any = F("agency_id")
        self.local_id: Any = F("local_id")
        self.wanted = wanted

    def get_source_expressions(self) -> list[Any]:
        return [self.agency, self.local_id]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.agency, self.local_id = exprs

    def _columns(self, compiler: Any) -> tuple[str, str]:
        if not any(self.wanted.values()):
            raise EmptyResultSet
        return compiler.compile(self.agency)[0], compiler.compile(self.local_id)[0]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        agency, local_id = self._columns(compiler)
        terms, params = [], []
        for agency_id, local_ids in self.wanted.items():
            if local_ids:
                marks = ", ".join(["%s"] * len(local_ids))
                terms.append(f"({agency} = %s AND {local_id} IN ({marks}))")
                params.extend([agency_id, *local_ids])
        return f"({' OR '.join(terms)})", params

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        agency, local_id = self._columns(compiler)
        agencies: list[int] = []
        local_ids: list[str] = []
        for agency_id, ids in self.wanted.items():
            agencies.extend([agency_id] * len(ids))
            local_ids.extend(ids)
        sql = f"({agency}, {local_id}) IN (SELECT * FROM unnest(%s::bigint[], %s::text[]))"
        return sql, [agencies, local_ids]


# agencies a query names at most: SQLite nests a chain of ORs one level each (at most 1,000)
_AGENCIES_A_QUERY = 200


def _by_agencies(wanted: dict[int, set[str]]) -> Iterator[dict[int, set[str]]]:
    items = list(wanted.items())
    for start in range(0, len(items), _AGENCIES_A_QUERY):
        yield dict(items[start : start + _AGENCIES_A_QUERY])


class TableLoader:
    """Loads the rows of one table, chunk by chunk, remembering ids already seen in this file."""

    def __init__(self, table: Table, batch: IngestBatch, only_agency: str | None = None) -> None:
        self.table = table
        self.only_agency = only_agency
        self.batch = batch
        self.validator = RowValidator.for_table(table)
        self.counts = TableCounts()
        self.refs = [c for c in table.columns if c.kind == "ref"]
        # (column, its field, the field's key) for each reference, worked out once
        self._ref_fields = [(c, c.model_field, f"{c.model_field}_id") for c in self.refs]
        self.sourced = table.key == ("agency", "id")
        self.seen_in_file: dict[str, tuple[int, str]] = {}
        self._codes: dict[str, dict[str, int]] = {}

    # Each chunk: validate and resolve outside the transaction, write inside it.
    def load_chunk(self, rows: list[SourceRow]) -> None:
        agencies = dict(Agency.objects.values_list("code", "id"))
        self._codes = {
            "agency": agencies,
            "area": dict(Area.objects.values_list("code", "id")),
            "service": dict(Service.objects.values_list("oruk_id", "id")),
        }
        good: list[tuple[SourceRow, dict[str, Any], str]] = []
        bad: list[tuple[SourceRow, RowProblem]] = []
        for row in rows:
            if row.problem:
                bad.append((row, row.problem))
                continue
            values, problem = self.validator.validate(row.raw)
            mine = self.only_agency is None or values.get("agency") == self.only_agency
            if not problem and not mine:
                problem = RowProblem(
                    "agency", f"this system sends rows of agency {self.only_agency} only"
                )
            if problem:
                bad.append((row, problem))
            else:
                good.append((row, values, _row_hash(values)))

        resolved, unresolved = self._resolve_references(good, agencies)
        bad.extend(unresolved)
        plan = self._classify(resolved, bad)
        self._write(plan, bad)

    def _resolve_references(
        self, rows: list[tuple[SourceRow, dict[str, Any], str]], agencies: dict[str, int]
    ) -> tuple[list[tuple[SourceRow, dict[str, Any], str]], list[tuple[SourceRow, RowProblem]]]:
        lookups = self._lookup_tables(rows, agencies)
        districts: dict[str, int] | None = None
        if self.table.model is Residence:
            districts = dict(PostcodeDistrict.objects.values_list("district", "area_id"))
        resolved = []
        problems = []
        for row, values, row_hash in rows:
            problem = None
            row_agency = agencies.get(values.get("agency", "")) if self.sourced else None
            for column, field_name, id_name in self._ref_fields:
                value = values.pop(field_name)
                if value is None or value == "":
                    values[id_name] = None
                    continue
                target_id, reason = self._resolve(column, value, row_agency, agencies, lookups)
                if target_id is None:
                    problem = RowProblem(column.name, reason)
                    break
                values[id_name] = target_id
            if problem:
                problems.append((row, problem))
                continue
            if districts is not None:
                values["area_id"] = districts.get(parse_postcode(values["postcode"]).district)
            resolved.append((row, values, row_hash))
        if self.table.model is ServiceUptake:
            _copy_referrals_people([values for _row, values, _hash in resolved])
        return resolved, problems

    def _lookup_tables(
        self, rows: list[tuple[SourceRow, dict[str, Any], str]], agencies: dict[str, int]
    ) -> dict[str, dict[tuple[int, str], int]]:
        """One query per referenced kind: the ids of every record this chunk points at."""
        wanted: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for _row, values, _hash in rows:
            row_agency = agencies.get(values.get("agency", "")) if self.sourced else None
            for column in self.refs:
                value = values.get(column.model_field)
                if not value or column.target not in _REF_MODELS:
                    continue
                agency_id, local_id = self._split_ref(column, value, row_agency, agencies)
                if agency_id is not None:
                    wanted[column.target or ""][agency_id].add(local_id)
        found: dict[str, dict[tuple[int, str], int]] = {}
        for target, by_agency in wanted.items():
            model = _REF_MODELS[target]
            found[target] = {
                (agency_id, local_id): pk
                for wanted_here in _by_agencies(by_agency)
                for agency_id, local_id, pk in model._default_manager.filter(
                    AgencyIds(wanted_here)
                ).values_list("agency_id", "local_id", "pk")
            }
        return found

    @staticmethod
    def _split_ref(
        column: Column, value: str, row_agency: int | None, agencies: dict[str, int]
    ) -> tuple[int | None, str]:
        if column.target in _ACROSS_AGENCIES and ":" in value:
            code, _, local_id = value.partition(":")
            if code in agencies:
                return agencies[code], local_id
        return row_agency, value

    def _resolve(
        self,
        column: Column,
        value: str,
        row_agency: int | None,
        agencies: dict[str, int],
        lookups: dict[str, dict[tuple[int, str], int]],
    ) -> tuple[int | None, str]:
        """The referenced row's key, or None and why (the reason written only then)."""
        if column.target in _BY_CODE:
            pk = self._codes[column.target or ""].get(value)
            if pk is not None:
                return pk, ""
            return None, (
                f"no {column.target} with code {value!r} (see {_BY_CODE[column.target or '']})"
            )
        agency_id, local_id = self._split_ref(column, value, row_agency, agencies)
        pk = lookups.get(column.target or "", {}).get((agency_id, local_id)) if agency_id else None
        if pk is not None:
            return pk, ""
        where = _REF_FILES[column.target or ""]
        return None, (
            f"no row with id {local_id!r} in {where} of this agency, in this or an earlier extract"
        )

    def _key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        if self.sourced:
            return (values["agency_id"], values["local_id"])
        return tuple(
            values[self.table.columns_by_name(name).model_field] for name in self.table.key
        )

    def _classify(
        self,
        rows: list[tuple[SourceRow, dict[str, Any], str]],
        bad: list[tuple[SourceRow, RowProblem]],
    ) -> _ChunkPlan:
        plan = _ChunkPlan()
        keys = [self._key(values) for _row, values, _hash in rows]
        existing = self._existing(keys)
        for (row, values, row_hash), key in zip(rows, keys, strict=True):
            key_text = "/".join(map(str, key))
            earlier = self.seen_in_file.get(key_text)
            if earlier is not None:
                if earlier[1] == row_hash:
                    plan.unchanged.append(key_text)
                else:
                    bad.append(
                        (
                            row,
                            RowProblem(
                                self.table.key[-1],
                                f"id {key[-1]!r} appears again in this file (first at line "
                                f"{earlier[0]}) with different values",
                            ),
                        )
                    )
                continue
            self.seen_in_file[key_text] = (row.line, row_hash)
            current = existing.get(key)
            if current is None:
                plan.new.append({**values, "row_hash": row_hash, "batch_id": self.batch.pk})
                plan.accepted_keys.append(key_text)
            elif current[1] == row_hash:
                plan.unchanged.append(key_text)
                plan.accepted_keys.append(key_text)
            else:
                plan.changed.append((current[0], current[2], values, row_hash, key_text))
                plan.accepted_keys.append(key_text)
        return plan

    def _existing(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[int, str, int]]:
        """(pk, row_hash, version) of the rows already held under these keys."""
        manager = self.table.model._default_manager
        fields = ["pk", "row_hash", "version"]
        found: dict[tuple[Any, ...], tuple[int, str, int]] = {}
        if self.sourced:
            by_agency: dict[int, set[str]] = defaultdict(set)
            for agency_id, local_id in keys:
                by_agency[agency_id].add(local_id)
            for wanted_here in _by_agencies(by_agency):
                for agency_id, local_id, pk, row_hash, version in manager.filter(
                    AgencyIds(wanted_here)
                ).values_list("agency_id", "local_id", *fields):
                    found[(agency_id, local_id)] = (pk, row_hash, version)
        else:
            key_field = self.table.columns_by_name(self.table.key[0]).model_field
            for key_value, pk, row_hash, version in manager.filter(
                AnyOf(key_field, {k[0] for k in keys})
            ).values_list(key_field, *fields):
                found[(key_value,)] = (pk, row_hash, version)
        return found

    def _write(self, plan: _ChunkPlan, bad: list[tuple[SourceRow, RowProblem]]) -> None:
        model = self.table.model
        now = clock.now()
        quarantine = self._new_quarantine_rows(bad)
        with transaction.atomic():
            insert_rows(model, plan.new)
            for pk, version, values, row_hash, key_text in plan.changed:
                instance = model._default_manager.get(pk=pk)
                RowVersion.objects.create(
                    table=self.table.name,
                    row_key=key_text,
                    version=version,
                    row=json.loads(json.dumps(_field_values(instance), cls=DjangoJSONEncoder)),
                    batch_id=getattr(instance, "batch_id", None),
                    replaced_by_batch=self.batch,
                    replaced_at=now,
                )
                for name, value in values.items():
                    setattr(instance, name, value)
                instance.row_hash = row_hash  # type: ignore[attr-defined]
                instance.version = version + 1  # type: ignore[attr-defined]
                instance.batch_id = self.batch.pk  # type: ignore[attr-defined]
                instance.save()
            if quarantine:
                QuarantinedRow.objects.bulk_create(quarantine)
            if plan.accepted_keys:
                QuarantinedRow.objects.filter(
                    AnyOf("row_key", plan.accepted_keys),
                    file=self.table.filename,
                    status=QuarantinedRow.Status.OPEN,
                ).update(status=QuarantinedRow.Status.RESOLVED, resolved_at=now)
            counts = TableCounts(
                accepted=len(plan.new) + len(plan.changed),
                updated=len(plan.changed),
                unchanged=len(plan.unchanged),
                quarantined=len(bad),
            )
            IngestBatch.objects.filter(pk=self.batch.pk).update(
                accepted=F("accepted") + counts.accepted,
                updated=F("updated") + counts.updated,
                unchanged=F("unchanged") + counts.unchanged,
                quarantined=F("quarantined") + counts.quarantined,
            )
        self.counts.add(counts)

    def _new_quarantine_rows(self, bad: list[tuple[SourceRow, RowProblem]]) -> list[QuarantinedRow]:
        """Quarantine rows not already held open: the same bad row sent twice is kept once."""
        if not bad:
            return []
        hashes = {_raw_hash(row.raw) for row, _problem in bad}
        already = set(
            QuarantinedRow.objects.filter(
                AnyOf("row_hash", hashes),
                file=self.table.filename,
                status=QuarantinedRow.Status.OPEN,
            ).values_list("row_hash", flat=True)
        )
        rows = []
        for row, problem in bad:
            raw_hash = _raw_hash(row.raw)
            if raw_hash in already:
                continue
            already.add(raw_hash)
            rows.append(
                QuarantinedRow(
                    batch=self.batch,
                    file=self.table.filename,
                    line=row.line,
                    field=problem.field,
                    reason=problem.reason,
                    row=row.raw,
                    row_key=self._raw_key(row.raw),
                    row_hash=raw_hash,
                )
            )
        return rows

    def _raw_key(self, raw: dict[str, str]) -> str:
        """The key as the agency wrote it, so a corrected row can resolve its quarantine entry."""
        if self.sourced:
            agency_id = self._codes["agency"].get(raw.get("agency", "").strip())
            return f"{agency_id}/{raw.get('id', '').strip()}"
        return "/".join(raw.get(name, "").strip() for name in self.table.key)


@dataclass
class _ChunkPlan:
    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[int, int, dict[str, Any], str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    accepted_keys: list[str] = field(default_factory=list)


def _field_values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _copy_referrals_people(rows: list[dict[str, Any]]) -> None:
    """A step of a referral's uptake is about the referral's parent and child: copied from the
    referral (one query a chunk), so that the rules read the step with the family."""
    people = {
        pk: (subject, child, pregnancy)
        for pk, subject, child, pregnancy in ServiceReferral.objects.filter(
            AnyOf("pk", {values["referral_id"] for values in rows})
        ).values_list("pk", "subject_id", "child_id", "pregnancy_id")
    }
    for values in rows:
        values["subject_id"], values["child_id"], values["pregnancy_id"] = people[
            values["referral_id"]
        ]
