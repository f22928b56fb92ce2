"""Finding the child a practitioner has in front of them: by NHS number, or by name, date of
birth and postcode through incremental matching (the same model as the batch), so that a baby
held under "Baby Hollis" at maternity and "Leo Hollis" at the GP is one child."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from seen.access.shielding import SHIELDED, cleared, redact, shields_of
from seen.core import clock
from seen.core.errors import Invalid
from seen.core.validators import InvalidIdentifier, normalise_nhs_number
from seen.people.models import Person, Residence, SourceRecord

Viewer = AbstractBaseUser | AnonymousUser | None


class LookupError_(Invalid):
    """The details cannot be looked up; the message says why (it repeats no value)."""


@dataclass(frozen=True)
class Details:
    nhs_number: str = ""
    forename: str = ""
    surname: str = ""
    dob: date | None = None
    postcode: str = ""


def find_children(details: Details) -> list[Person]:
    """The persons the details identify: every person holding the NHS number, else the persons
    whose records the model links to the details (the auto-link band)."""
    if details.nhs_number.strip():
        try:
            number = normalise_nhs_number(details.nhs_number)
        except InvalidIdentifier:
            raise LookupError_("that is not a valid NHS number (10 digits, check digit)") from None
        ids = SourceRecord.objects.filter(nhs_number=number, person__isnull=False).values(
            "person_id"
        )
        return list(Person.objects.filter(pk__in=ids).order_by("reference"))
    if not (details.surname.strip() and details.dob):
        raise LookupError_("give an NHS number, or at least a surname and a date of birth")
    from seen.linkage.incremental import MatchingUnavailable, matcher
    from seen.linkage.settings import model_path

    if not model_path().exists():
        raise LookupError_("look-up by details needs the linkage model: run `seen link` first")
    record = {
        "record_id": "lookup",
        "forename": details.forename.strip() or None,
        "surname": details.surname.strip(),
        "dob": details.dob,
        "postcode": details.postcode.strip().upper() or None,
    }
    try:
        result = matcher().match(record)
    except MatchingUnavailable:
        # a saved file unreadable (a disk filled mid-write, say): say so rather than fail
        raise LookupError_(
            "look-up by details is unavailable until `seen link` writes the linkage model again;"
            " search by NHS number"
        ) from None
    if result.person_id is None:
        return []
    return list(Person.objects.filter(pk=result.person_id))


@dataclass(frozen=True)
class Identity:
    """What confirms the child in front of a practitioner is the one found: the name, the date
    of birth and age, and the postcode district (never the address; a shielded one withheld)."""

    name: str
    dob: date | None
    age: str
    district: str


WITHHELD = "withheld"


def identity_of(child: Person, viewer: Viewer = None) -> Identity:
    """The child's identity as the agencies recorded it: the most recent record's name and
    postcode, the date of birth most records give; shielded values withheld from a viewer
    without clearance."""
    records = list(
        SourceRecord.objects.filter(person=child)
        .order_by("-pk")
        .values("pk", "forename", "surname", "dob", "postcode")
    )
    shields = shields_of(r["pk"] for r in records)
    clearance = cleared(viewer)
    shown = [redact(r, shields.get(r["pk"], set()), clearance=clearance) for r in records]
    named = next((r for r in shown if r["surname"]), shown[0] if shown else {})
    name = " ".join(str(named.get(part) or "") for part in ("forename", "surname")).strip()
    dobs = Counter(r["dob"] for r in shown if isinstance(r["dob"], date))
    dob = dobs.most_common(1)[0][0] if dobs else None
    # where the child lives now: a current residence, else a record's own postcode
    today = clock.today()
    homes = (
        Residence.objects.filter(person__person=child)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .order_by("-start", "-pk")
        .values_list("person_id", "postcode")
    )
    postcodes = [
        redact({"postcode": code}, shields.get(record, set()), clearance=clearance)["postcode"]
        for record, code in homes
    ] + [r["postcode"] for r in shown]
    postcode = next((str(code) for code in postcodes if code), "")
    district = WITHHELD if postcode == SHIELDED else postcode.split(" ")[0] if postcode else ""
    return Identity(name or "not recorded", dob, age_of(dob, today), district)


def age_of(dob: date | None, today: date) -> str:
    """An age as a baby's is said: days in the first four weeks, then months, then years and
    months; "not yet born" for a date to come."""
    if dob is None:
        return "not known"
    if dob > today:
        return "not yet born"
    days = (today - dob).days
    if days < 28:
        return f"{days} day{'s' if days != 1 else ''}"
    months = (today.year - dob.year) * 12 + today.month - dob.month - (today.day < dob.day)
    if months < 12:
        return f"{months} month{'s' if months != 1 else ''}"
    years, months = divmod(months, 12)
    said = f"{years} year{'s' if years != 1 else ''}"
    return said + (f" {months} month{'s' if months != 1 else ''}" if months else "")
