"""The directory read from Open Referral UK: `import_file` (what `seen services import` runs)
and `import_document` (a document already read), docs/services.md.

A file holds one service object, a list of them, or the paginated list `GET /services` answers
(`{"total_items": …, "contents": [ … ]}`). The file is bounded before anything is read into
services: at most MAX_BYTES, UTF-8 JSON, nested at most MAX_DEPTH deep, at most MAX_SERVICES
services; a file outside those bounds is refused whole (`DirectoryFileError`, with the reason).

Each entry is checked as a whole (seen.directory.oruk_schema for its shape, then Seen's terms,
its areas, its schedules) and every fault is named: the entry's index and id, the field, the
reason. An entry with a fault is refused; the others load, in one transaction, by their id:
a new id is loaded, a known one updated where anything differs, so importing the same file
again changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from seen.areas.models import Area
from seen.core.errors import Invalid
from seen.core.procedures import PROCEDURE_IDS
from seen.directory import oruk_schema as oruk
from seen.directory.models import Audience, Service
from seen.directory.schedules import evenings_and_weekends
from seen.facts.models import ProgrammeEvent

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 32  # a service object is about ten deep (attributes, taxonomy_term)
MAX_SERVICES = 5_000
ID_SHOWN = 64  # an id longer than this is shown cut, in a refusal
KINDS = tuple(ProgrammeEvent.Programme.values)
MANY = {oruk.AUDIENCE, oruk.PROCEDURE, oruk.REFERRAL, oruk.LANGUAGE}  # the others: one value
LENGTHS = {
    oruk.HOW_TO_REFER: int(Service._meta.get_field("how_to_refer").max_length or 0),
    oruk.PHONE: int(Service._meta.get_field("phone").max_length or 0),
    oruk.ELIGIBILITY: oruk.TEXT_MAX,
    oruk.LANGUAGE: oruk.LANGUAGE_MAX,
}
FIELDS = (
    "name", "description", "organisation", "status", "kind", "audiences", "procedures",
    "min_age", "max_age", "eligibility", "schedules", "evenings", "weekends", "self_referral",
    "professional_referral", "how_to_refer", "phone", "email", "url", "wait_days",
    "contact_within_days", "languages", "last_modified",
)  # fmt: skip


class DirectoryFileError(Invalid):
    """The file cannot be read as a directory at all: nothing was loaded."""


@dataclass(frozen=True)
class Refusal:
    entry: int  # its place in the file, from 0
    id: str  # its id as given (cut to ID_SHOWN), "" when it has none
    field: str  # where, as schedules[0].opens_at; "" for the entry itself
    reason: str  # in words

    def in_words(self) -> str:
        named = f"entry {self.entry}" + (f" ({self.id})" if self.id else "")
        return f"{named}, {self.field or 'the entry'}: {self.reason}"


@dataclass
class ImportOutcome:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)

    @property
    def refused_entries(self) -> int:
        return len({refusal.entry for refusal in self.refused})

    def as_json(self) -> dict[str, Any]:
        return {
            "loaded": self.loaded,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused_entries": self.refused_entries,
            "refused": [asdict(refusal) for refusal in self.refused],
        }


@dataclass(frozen=True)
class Values:
    """One service as the directory keeps it: the row's fields and the areas it serves."""

    oruk_id: str
    fields: dict[str, Any]
    areas: frozenset[int]


# ---- the file ---------------------------------------------------------------------------------


def read_file(path: Path) -> Any:
    """The JSON document in the file, within the bounds; DirectoryFileError otherwise."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise DirectoryFileError(f"{path} cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise DirectoryFileError(
            f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MiB: a directory is far smaller"
        )
    try:
        return read_json(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DirectoryFileError(f"{path} is not UTF-8 text") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_json(text: str) -> Any:
    """The document, or DirectoryFileError: not JSON, NaN or Infinity, nested too deep."""
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise DirectoryFileError(f"the JSON is nested more than {MAX_DEPTH} deep") from None
    except ValueError as error:
        raise DirectoryFileError(f"the file is not JSON: {str(error)[:200]}") from None
    if _depth(document) > MAX_DEPTH:
        raise DirectoryFileError(f"the JSON is nested more than {MAX_DEPTH} deep")
    return document


def _depth(document: Any) -> int:
    """How deep the document is nested (without recursion: it is bounded only after this)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
    return deepest


def entries_of(document: Any) -> list[Any]:
    """The service entries: one object, a list, or the paginated list's `contents`."""
    if isinstance(document, dict) and "contents" in document:
        document = document["contents"]
        if not isinstance(document, list):
            raise DirectoryFileError("`contents` must be a list of services")
    elif isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise DirectoryFileError(
            "the file must hold a service object, a list of them, or "
            '{"total_items": …, "contents": [ … ]}'
        )
    if len(document) > MAX_SERVICES:
        raise DirectoryFileError(f"the file holds more than {MAX_SERVICES:,} services")
    return document


# ---- one entry --------------------------------------------------------------------------------


def _shown_id(raw: Any) -> str:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return ""
    given = "".join(c if c.isprintable() else "?" for c in raw["id"])
    return given if len(given) <= ID_SHOWN else given[:ID_SHOWN] + "…"


def _where(location: Iterable[int | str]) -> str:
    """A pydantic location as the field's path: ("schedules", 0, "opens_at") ->
    schedules[0].opens_at."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _reason(error: Any) -> str:
    """A pydantic error in Seen's words."""
    kind, context = error["type"], error.get("ctx") or {}
    said = {
        "missing": "is required",
        "string_type": "must be text",
        "float_type": "must be a number",
        "model_type": "must be an object",
        "model_attributes_type": "must be an object",
        "list_type": "must be a list",
        "string_too_short": "must not be empty",
    }
    if kind in said:
        return said[kind]
    if kind == "string_too_long":
        return f"is longer than {context.get('max_length', 0):,} characters"
    if kind == "too_long":
        return f"holds more than {context.get('max_length', 0):,} items"
    if kind == "literal_error":
        return f"must be {context.get('expected', 'one of the values the standard lists')}"
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


class Entry:
    """One entry read into Values, every fault it has kept as a Refusal."""

    def __init__(self, index: int, raw: Any, areas: dict[str, int], names: dict[str, int]):
        self.index, self.raw, self.shown = index, raw, _shown_id(raw)
        self.areas_by_code, self.areas_by_name = areas, names
        self.refused: list[Refusal] = []
        self.term_at: dict[str, str] = {}  # where each taxonomy's first term is

    def refuse(self, where: str, reason: str) -> None:
        self.refused.append(Refusal(self.index, self.shown, where, reason))

    def read(self) -> Values | None:
        if not isinstance(self.raw, dict):
            self.refuse("", "is not a service object")
            return None
        try:
            service = oruk.OrukService.model_validate(self.raw)
        except ValidationError as error:
            for fault in error.errors(include_url=False):
                self.refuse(_where(fault["loc"]), _reason(fault))
            return None
        values = self._values(service)
        return None if self.refused else values

    def _values(self, service: oruk.OrukService) -> Values:
        low, high = service.minimum_age, service.maximum_age
        if low is not None and high is not None and low > high:
            self.refuse("minimum_age", "must not be above maximum_age")
        terms = self._terms(service)
        schedules = [
            {
                "days": (schedule.byday or "").split(",") if schedule.byday else [],
                "opens_at": schedule.opens_at or "",
                "closes_at": schedule.closes_at or "",
                "description": schedule.description or "",
            }
            for schedule in service.schedules or []
        ]
        evenings, weekends = evenings_and_weekends(schedules)
        routes = terms.get(oruk.REFERRAL, [])
        fields = {
            "name": service.name,
            "description": service.description or "",
            "organisation": service.organization.name if service.organization else "",
            "status": service.status,
            "kind": self._kind(terms.get(oruk.KIND, [])),
            "audiences": terms.get(oruk.AUDIENCE, []),
            "procedures": terms.get(oruk.PROCEDURE, []),
            "min_age": low,
            "max_age": high,
            "eligibility": self._one(terms, oruk.ELIGIBILITY) or "",
            "schedules": schedules,
            "evenings": evenings,
            "weekends": weekends,
            # no route given: the directory's default, a professional's referral
            "self_referral": "self" in routes,
            "professional_referral": "professional" in routes or not routes,
            "how_to_refer": self._one(terms, oruk.HOW_TO_REFER) or "",
            "phone": self._one(terms, oruk.PHONE) or "",
            "email": service.email or "",
            "url": service.url,
            "wait_days": self._days(terms, oruk.WAIT_DAYS),
            "contact_within_days": self._days(terms, oruk.CONTACT_WITHIN_DAYS),
            "languages": terms.get(oruk.LANGUAGE, []),
            "last_modified": service.last_modified,
        }
        if fields["contact_within_days"] is None:
            fields["contact_within_days"] = Service._meta.get_field("contact_within_days").default
        return Values(service.id, fields, self._areas(service))

    # -- Seen's terms, as attributes

    def _terms(self, service: oruk.OrukService) -> dict[str, list[str]]:
        """Seen's terms by taxonomy, each value once, in the order given; a term of another
        taxonomy (not seen:…) is not Seen's to read."""
        checks: dict[str, Callable[[str], str | None]] = {
            oruk.AUDIENCE: _one_of(Audience.values, "an audience"),
            oruk.KIND: _one_of(KINDS, "a kind of service"),
            oruk.PROCEDURE: _one_of(sorted(PROCEDURE_IDS), "a procedure"),
            oruk.REFERRAL: _one_of(oruk.REFERRAL_ROUTES, "a way to refer"),
        }
        found: dict[str, list[str]] = {}
        for index, attribute in enumerate(service.attributes or []):
            term = attribute.taxonomy_term
            if term is None or not (term.taxonomy or "").startswith("seen:"):
                continue
            where = f"attributes[{index}].taxonomy_term"
            taxonomy = str(term.taxonomy)
            if taxonomy not in oruk.TAXONOMIES:
                self.refuse(
                    f"{where}.taxonomy",
                    f"{taxonomy[:40]!r} is not one of Seen's taxonomies "
                    f"({', '.join(oruk.TAXONOMIES)})",
                )
                continue
            value = term.term or ""
            fault = (
                "is empty"
                if not value
                else f"is longer than {LENGTHS[taxonomy]:,} characters"
                if len(value) > LENGTHS.get(taxonomy, oruk.TEXT_MAX)
                else checks[taxonomy](value)
                if taxonomy in checks
                else None
            )
            if fault is not None:
                self.refuse(f"{where}.term", f"{fault} ({taxonomy})")
            elif value not in found.setdefault(taxonomy, []):
                found[taxonomy].append(value)
                self.term_at.setdefault(taxonomy, f"{where}.term")
        for taxonomy, values in found.items():
            if taxonomy not in MANY and len(values) > 1:
                self.refuse("attributes", f"{taxonomy} is given {len(values)} different values")
        return found

    def _one(self, terms: dict[str, list[str]], taxonomy: str) -> str | None:
        values = terms.get(taxonomy, [])
        return values[0] if values else None

    def _kind(self, values: list[str]) -> str:
        return values[0] if values else ProgrammeEvent.Programme.OTHER.value

    def _days(self, terms: dict[str, list[str]], taxonomy: str) -> int | None:
        value = self._one(terms, taxonomy)
        if value is None:
            return None
        if not (value.isascii() and value.isdigit() and int(value) <= oruk.DAYS_MAX):
            self.refuse(
                self.term_at.get(taxonomy, "attributes"),
                f"{taxonomy} must be a whole number of days from 0 to {oruk.DAYS_MAX} "
                f"(not {value[:20]!r})",
            )
            return None
        return int(value)

    # -- areas

    def _areas(self, service: oruk.OrukService) -> frozenset[int]:
        """The areas served, by `uri` urn:seen:area:CODE or by the area's name; none given, the
        whole partnership."""
        found: set[int] = set()
        for index, area in enumerate(service.service_areas or []):
            where = f"service_areas[{index}]"
            if area.uri and area.uri.startswith(oruk.AREA_URI):
                code = area.uri.removeprefix(oruk.AREA_URI)
                if code in self.areas_by_code:
                    found.add(self.areas_by_code[code])
                else:
                    self.refuse(f"{where}.uri", f"names an area Seen does not hold ({code[:20]!r})")
            elif area.name:
                if area.name.casefold() in self.areas_by_name:
                    found.add(self.areas_by_name[area.name.casefold()])
                else:
                    self.refuse(f"{where}.name", f"is not an area Seen holds ({area.name[:40]!r})")
            else:
                self.refuse(
                    where, f"names no area: give its uri as {oruk.AREA_URI}CODE, or its name"
                )
        return frozenset(found)


def _one_of(allowed: Iterable[str], what: str) -> Callable[[str], str | None]:
    known = tuple(allowed)

    def check(value: str) -> str | None:
        if value in known:
            return None
        return f"{value[:40]!r} is not {what} Seen knows (one of: {', '.join(known)})"

    return check


# ---- the import -------------------------------------------------------------------------------


def import_file(path: Path) -> ImportOutcome:
    """Import the directory in the file (DirectoryFileError when it cannot be read at all)."""
    return import_document(read_file(path))


def import_document(document: Any) -> ImportOutcome:
    entries = entries_of(document)
    outcome = ImportOutcome()
    areas = list(Area.objects.values_list("pk", "code", "name"))
    by_code = {code: pk for pk, code, _ in areas}
    by_name = {name.casefold(): pk for pk, _, name in areas}
    repeated = _repeated_ids(entries)
    good: list[Values] = []
    for index, raw in enumerate(entries):
        entry = Entry(index, raw, by_code, by_name)
        again = repeated.get(_id_key(raw))
        if again:
            others = ", ".join(str(i) for i in again if i != index)
            entry.refuse("id", f"is given to entries {index} and {others} too: which is meant?")
        values = entry.read()
        outcome.refused.extend(entry.refused)
        if values is not None and not entry.refused:
            good.append(values)
    _load(good, outcome)
    return outcome


def _id_key(raw: Any) -> str:
    given = raw.get("id") if isinstance(raw, dict) else None
    return given.strip().lower() if isinstance(given, str) else ""


def _repeated_ids(entries: list[Any]) -> dict[str, list[int]]:
    """Each id given to more than one entry, with those entries: all of them are refused."""
    seen: dict[str, list[int]] = {}
    for index, raw in enumerate(entries):
        if key := _id_key(raw):
            seen.setdefault(key, []).append(index)
    return {key: indices for key, indices in seen.items() if len(indices) > 1}


def _load(good: list[Values], outcome: ImportOutcome) -> None:
    """New ids loaded, known ones updated where anything differs, in one transaction."""
    with transaction.atomic():
        held = {
            service.oruk_id: service
            for service in Service.objects.filter(
                oruk_id__in=[values.oruk_id for values in good]
            ).prefetch_related("areas")
        }
        for values in good:
            service = held.get(values.oruk_id)
            if service is None:
                service = Service.objects.create(oruk_id=values.oruk_id, **values.fields)
                service.areas.set(values.areas)
                outcome.loaded += 1
                continue
            areas = frozenset(area.pk for area in service.areas.all())
            if areas == values.areas and all(
                getattr(service, name) == value for name, value in values.fields.items()
            ):
                outcome.unchanged += 1
                continue
            for name, value in values.fields.items():
                setattr(service, name, value)
            service.save()
            service.areas.set(values.areas)
            outcome.updated += 1


assert set(FIELDS) <= {f.name for f in Service._meta.get_fields()}
