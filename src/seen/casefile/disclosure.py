"""What the audit log and the partnership's data say about one person: the subject-access report
(what Seen holds about them, where it came from, and every display of it), as the raw data the
report's words and files are made from (seen.web.subject_access_words, …_files), and as a
viewer without shielding clearance may see it (`redacted`). Who has looked at a person is
seen.casefile.looks (`who_looked` is imported here too, where its callers find it). Pages, the
API and `seen audit` call these; each caller records its own look.

These functions read; they decide nothing about who may call them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from seen.access.models import Shield
from seen.access.shielding import (
    ADDRESS_FIELDS,
    SHIELDED,
    ShieldedAddresses,
    redact,
    shielded_addresses,
    shields_of,
)
from seen.areas.models import Practitioner
from seen.casefile.looks import merged_into, seen_by, who_looked
from seen.core import clock
from seen.facts.models import FACT_MODELS
from seen.people.models import (
    Person,
    Pregnancy,
    Relationship,
    Residence,
    Responsibility,
    SourceRecord,
)
from seen.rules.models import Alert

Row = dict[str, Any]
__all__ = ["current", "redacted", "subject_access", "summary", "who_looked"]

# Bookkeeping columns of a loaded row, not data about the person.
_BOOKKEEPING = {"id", "version", "row_hash", "batch", "agency", "local_id"}


def current(reference: str) -> Person:
    """The person a reference names today: a merged-away reference leads to where its records
    went. Raises Person.DoesNotExist."""
    person = Person.objects.get(reference=reference)
    seen = {person.pk}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def _text(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class _Labels:
    """Readable names for the rows a report points at, fetched once per kind. The person's own
    records read "this person"; anyone else's read as their person reference only, so the
    report names no third party."""

    def __init__(self, own: set[int]) -> None:
        self.own = own
        self.wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], int], str] = {}

    def want(self, instance: models.Model) -> None:
        for field in instance._meta.concrete_fields:
            if field.is_relation and field.name not in _BOOKKEEPING:
                value = getattr(instance, field.attname)
                if value is not None:
                    self.wanted[field.related_model].add(value)  # type: ignore[index]

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            rows = model._default_manager.filter(pk__in=ids)
            for pk, name in self._named(model, rows):
                self.names[(model, pk)] = name

    def _named(
        self, model: type[models.Model], rows: models.QuerySet[Any]
    ) -> Iterable[tuple[int, str]]:
        if model is SourceRecord:
            for pk, reference in rows.values_list("pk", "person__reference"):
                if pk in self.own:
                    yield pk, "this person"
                else:
                    yield pk, reference or "a record not yet linked to a person"
        elif model is Practitioner:
            for pk, name, agency in rows.values_list("pk", "name", "agency__name"):
                yield pk, f"{name} ({agency})"
        elif any(f.name == "local_id" for f in model._meta.fields):
            kind = model._meta.verbose_name
            for pk, agency, local_id in rows.values_list("pk", "agency__name", "local_id"):
                yield pk, f"{kind} {local_id} held by {agency}"
        elif {"code", "name"} <= {f.name for f in model._meta.fields}:
            yield from rows.values_list("pk", "name")  # an area, by its name
        elif any(f.name == "code" for f in model._meta.fields):
            yield from rows.values_list("pk", "code")
        else:
            for pk in rows.values_list("pk", flat=True):
                yield pk, f"{model._meta.model_name} {pk}"

    def fields(self, instance: models.Model, *, skip: Iterable[str] = ()) -> Row:
        """The values held in the row, blank ones left out (they are not held)."""
        held: Row = {}
        for field in instance._meta.concrete_fields:
            if field.name in _BOOKKEEPING or field.name in skip:
                continue
            value = getattr(instance, field.attname)
            if value is None or value == "" or value == [] or value == {}:
                continue
            if field.is_relation:
                value = self.names.get((field.related_model, value), str(value))  # type: ignore[arg-type]
            elif isinstance(value, datetime | date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            held[field.name] = value
        return held


def _source(instance: Any) -> Row:
    return {"agency": instance.agency.code, "local_id": instance.local_id}


def _roles(instance: models.Model, own: set[int], pregnancies: set[int]) -> list[str]:
    """The columns through which a row names the person (their record, or their pregnancy)."""
    roles = []
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.name not in _BOOKKEEPING:
            value = getattr(instance, field.attname)
            if (field.related_model is SourceRecord and value in own) or (
                field.related_model is Pregnancy and value in pregnancies
            ):
                roles.append(field.name)
    return roles


def _naming(model: type[models.Model], own: set[int], pregnancies: set[int]) -> Q:
    """Rows of `model` whose record columns name one of `own`, or whose pregnancy is one of
    the person's (as mother or as the baby)."""
    condition = Q(pk__in=[])
    for field in model._meta.concrete_fields:
        if field.related_model is SourceRecord:
            condition |= Q(**{f"{field.name}__in": own})
        elif field.related_model is Pregnancy:
            condition |= Q(**{f"{field.name}__in": pregnancies})
    return condition


def _alerts(person_ids: set[int]) -> list[Row]:
    # Alert.people is a JSON list of [person id, role]: narrow by text, then check exactly.
    narrow = Q(child_id__in=person_ids)
    for pk in person_ids:
        narrow |= Q(people__icontains=str(pk))
    found = []
    for alert in Alert.objects.filter(narrow).select_related("owner_agency").order_by("pk"):
        named_as = ["child"] if alert.child_id in person_ids else []
        named_as += [role for pk, role in alert.people if pk in person_ids]
        if not named_as:
            continue
        found.append(
            {
                "alert": alert.pk,
                "rule": alert.rule_id,
                "as": sorted(set(named_as)),
                "status": alert.status,
                "severity": alert.severity,
                "raised_at": _text(alert.raised_at),
                "closed_at": _text(alert.closed_at),
                "owner_agency": alert.owner_agency.code if alert.owner_agency else None,
                "owner_role": alert.owner_role,
                "explanation": alert.explanation,
            }
        )
    return found


def subject_access(person: Person) -> Row:
    """What Seen holds about a person and who has seen it: their source records per agency with
    the values held, the pregnancies, relationships, residences, responsibilities and facts
    that name their records, the alerts that name them, and every display of their data
    (seen.casefile.looks.seen_by: each row says through which look it showed them).

    Other people appear by person reference only. The report holds the person's own values (it
    is what they are entitled to): whoever releases it reviews it first (docs/audit.md)."""
    persons = merged_into(person)
    person_ids = {p.pk for p in persons}
    records = list(
        SourceRecord.objects.filter(person_id__in=person_ids)
        .select_related("agency")
        .order_by("agency__code", "local_id")
    )
    own = {r.pk for r in records}
    pregnancies = list(
        Pregnancy.objects.filter(Q(mother_id__in=own) | Q(child_id__in=own)).select_related(
            "agency"
        )
    )
    pregnancy_ids = {p.pk for p in pregnancies}

    sections: dict[str, list[models.Model]] = {
        "pregnancies": list(pregnancies),
        "relationships": list(
            Relationship.objects.filter(_naming(Relationship, own, pregnancy_ids)).select_related(
                "agency"
            )
        ),
        "residences": list(Residence.objects.filter(person_id__in=own).select_related("agency")),
        "responsibilities": list(
            Responsibility.objects.filter(
                _naming(Responsibility, own, pregnancy_ids)
            ).select_related("agency")
        ),
    }
    facts: list[models.Model] = []
    for model in FACT_MODELS:
        facts += model._default_manager.filter(_naming(model, own, pregnancy_ids)).select_related(
            "agency"
        )

    labels = _Labels(own)
    for instance in [*records, *facts, *(i for rows in sections.values() for i in rows)]:
        labels.want(instance)
    labels.fetch()

    def entry(instance: models.Model) -> Row:
        return {
            **_source(instance),
            "as": _roles(instance, own, pregnancy_ids),
            "fields": labels.fields(instance),
        }

    report: Row = {
        "person": person.reference,
        "also_known_as": sorted(p.reference for p in persons if p.pk != person.pk),
        "generated_at": _text(clock.now()),
        "records": [
            {
                **_source(record),
                "agency_name": record.agency.name,
                "version": record.version,
                "fields": labels.fields(record, skip=["person"]),
            }
            for record in records
        ],
    }
    for name, rows in sections.items():
        report[name] = [entry(instance) for instance in rows]
    report["facts"] = [
        {"type": instance._meta.model_name, **entry(instance)}
        for instance in sorted(facts, key=lambda f: (f.occurred_on, f._meta.model_name, f.pk))  # type: ignore[attr-defined]
    ]
    report["alerts"] = _alerts(person_ids)
    report["seen_by"] = seen_by(person)
    return report


def summary(report: Row) -> dict[str, Any]:
    """What a subject-access report disclosed, for its own audit entry: counts and field
    names, never values."""
    held = sorted({name for record in report["records"] for name in record["fields"]})
    counted = (
        "records",
        "pregnancies",
        "relationships",
        "residences",
        "responsibilities",
        "facts",
        "alerts",
        "seen_by",
    )
    return {"fields": held, **{name: len(report[name]) for name in counted}}


# what an address shield hides in a subject-access report: the address and where it lies
REPORT_ADDRESS_FIELDS = ADDRESS_FIELDS | {"area"}
REPORT_SECTIONS = ("pregnancies", "relationships", "residences", "responsibilities", "facts")


def records_around(own: Iterable[int]) -> set[int]:
    """The person's records and the records of the people around them: everyone a relationship
    joins them to (as parent, child or household, directly or through a pregnancy), with each
    one's other records. Their shielded addresses must not show in the report's free text."""
    own = set(own)
    pregnancies = Pregnancy.objects.filter(Q(mother_id__in=own) | Q(child_id__in=own))
    pregnancy_ids = set(pregnancies.values_list("pk", flat=True))
    relationships = Relationship.objects.filter(
        Q(person_id__in=own) | Q(child_id__in=own) | Q(pregnancy_id__in=pregnancy_ids)
    )
    joined = {
        record
        for row in [
            *pregnancies.values_list("mother_id", "child_id"),
            *relationships.values_list("person_id", "child_id", "pregnancy__mother_id"),
        ]
        for record in row
        if record is not None
    }
    persons = SourceRecord.objects.filter(pk__in=joined, person_id__isnull=False).values_list(
        "person_id", flat=True
    )
    same_people = SourceRecord.objects.filter(person_id__in=list(persons)).values_list(
        "pk", flat=True
    )
    return own | joined | set(same_people)


def _free_text(value: Any, addresses: ShieldedAddresses) -> Any:
    """A value with every shielded address written in it replaced (text inside lists and
    dictionaries too)."""
    if isinstance(value, str):
        return addresses.redact(value)
    if isinstance(value, list):
        return [_free_text(item, addresses) for item in value]
    if isinstance(value, dict):
        return {key: _free_text(item, addresses) for key, item in value.items()}
    return value


def redacted(report: dict[str, Any], *, clearance: bool) -> dict[str, Any]:
    """The report as a viewer without shielding clearance may see it. A record shield hides
    the record's values (its agency and identifier stay), and every row its agency holds that
    names the person; an address shield on any of the person's records hides the person's
    addresses and their areas throughout the report; and any address shielded for the person
    or the people around them is replaced wherever the report's text writes it (a referral's
    reason, an alert's explanation, a note). Cautious: more may be hidden than the shield
    strictly covers, never less."""
    if clearance or not report["records"]:
        return report
    keys = Q(pk__in=[])
    for record in report["records"]:
        keys |= Q(agency__code=record["agency"], local_id=record["local_id"])
    ids = dict(SourceRecord.objects.filter(keys).values_list("pk", "agency__code"))
    shields = shields_of(ids)
    addresses = ShieldedAddresses(shielded_addresses(records_around(ids)))
    if not shields and not addresses:
        return report
    out = dict(report)
    if shields:
        out = _hide_shielded(report, ids, shields)
    if addresses:
        for name in ("records", *REPORT_SECTIONS):
            out[name] = [
                {**row, "fields": _free_text(row["fields"], addresses)} for row in out[name]
            ]
        out["alerts"] = [
            {**alert, "explanation": addresses.redact(alert["explanation"])}
            for alert in out["alerts"]
        ]
        out["seen_by"] = [
            {**look, "reason": addresses.redact(look["reason"])} for look in out["seen_by"]
        ]
    return out


def _hide_shielded(
    report: dict[str, Any], ids: dict[int, str], shields: dict[int, set[str]]
) -> dict[str, Any]:
    """The person's own shields: a record shield hides the record and its agency's rows, an
    address shield the person's addresses and areas."""
    by_key = {
        (ids[pk], local_id): shields.get(pk, set())
        for pk, local_id in SourceRecord.objects.filter(pk__in=ids).values_list("pk", "local_id")
    }
    hidden_agencies = {ids[pk] for pk, scopes in shields.items() if Shield.Scope.RECORD in scopes}
    out = dict(report)
    out["records"] = [
        {
            **record,
            "fields": redact(
                record["fields"],
                by_key.get((record["agency"], record["local_id"]), set()),
                clearance=False,
            ),
        }
        for record in report["records"]
    ]

    def hide(row: dict[str, Any]) -> dict[str, Any]:
        if row["agency"] in hidden_agencies:
            fields = {name: SHIELDED for name in row["fields"]}
        else:
            fields = {
                name: SHIELDED if name in REPORT_ADDRESS_FIELDS else value
                for name, value in row["fields"].items()
            }
        return {**row, "fields": fields}

    for name in REPORT_SECTIONS:
        out[name] = [hide(row) for row in report[name]]
    return out
