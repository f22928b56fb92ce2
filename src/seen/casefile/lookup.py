"""Finding the child a practitioner has in front of them: by NHS number, or by name, date of
birth and postcode through incremental matching (the same model as the batch), so that a baby
held under "Baby Hollis" at maternity and "Leo Hollis" at the GP is one child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seen.core.errors import Invalid
from seen.core.validators import InvalidIdentifier, normalise_nhs_number
from seen.people.models import Person, SourceRecord


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
