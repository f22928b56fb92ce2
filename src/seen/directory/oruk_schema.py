"""The Open Referral UK (v3) service object, as much of it as the directory reads, in pydantic
models: the shape of what `seen services import` takes and of what the export writes
(docs/services.md). A field the directory does not read is ignored; a field it reads is checked
for its type (text is text, a number a number: nothing is coerced), its length (the directory's
columns), NUL characters and its format (a UUID, a time, a day).

Seen's own terms travel as attributes whose `taxonomy_term.taxonomy` is one of TAXONOMIES."""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictStr,
    StringConstraints,
    model_validator,
)

from seen.directory.models import Service
from seen.directory.schedules import parse_days, parse_time

# the namespace of every id the export derives (organisations, schedules, areas, attributes)
NAMESPACE = uuid.UUID("b7e0c6d2-5f4a-4e1b-9c3d-2a8f6e0d4c17")
AREA_URI = "urn:seen:area:"
# free text the directory keeps without a column length of its own (description, eligibility)
TEXT_MAX = 5_000
LANGUAGE_MAX = 100
OLDEST = 120  # an age above this is a mistake
DAYS_MAX = 365  # waiting time and time to first contact

AUDIENCE, KIND, PROCEDURE = "seen:audience", "seen:kind", "seen:procedure"
REFERRAL = "seen:referral"
HOW_TO_REFER, PHONE, ELIGIBILITY = "seen:how-to-refer", "seen:phone", "seen:eligibility"
WAIT_DAYS, CONTACT_WITHIN_DAYS = "seen:wait-days", "seen:contact-within-days"
LANGUAGE = "seen:language"
TAXONOMIES = (
    AUDIENCE, KIND, PROCEDURE, REFERRAL, HOW_TO_REFER, PHONE, ELIGIBILITY, WAIT_DAYS,
    CONTACT_WITHIN_DAYS, LANGUAGE,
)  # fmt: skip
REFERRAL_ROUTES = ("self", "professional")

UUID_FORM = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("holds a NUL character")
    return value


def _uuid(value: str) -> str:
    if not UUID_FORM.match(value):
        raise ValueError("is not a UUID (as 0b3f6c2e-1a2b-4c3d-8e9f-001122334455)")
    return value.lower()


def _web_address(value: str) -> str:
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ValueError("is not a web address (https://…)")
    return value


def _email(value: str) -> str:
    if value and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        raise ValueError("is not an email address")
    return value


def _age(value: float) -> int:
    if not math.isfinite(value) or value != int(value) or not 0 <= value <= OLDEST:
        raise ValueError(f"must be a whole number of years from 0 to {OLDEST}")
    return int(value)


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a date and time (as 2025-03-15T10:30:45Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _days(value: str) -> str:
    return ",".join(parse_days(value))


def _length(field: str) -> int:
    return int(Service._meta.get_field(field).max_length or TEXT_MAX)  # type: ignore[union-attr]


Uuid = Annotated[StrictStr, StringConstraints(max_length=64), AfterValidator(_uuid)]
Name = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=_length("name")),
    AfterValidator(_no_nul),
]
Organisation = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=_length("organisation")),
    AfterValidator(_no_nul),
]
Text = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, max_length=TEXT_MAX),
    AfterValidator(_no_nul),
]
Short = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_nul)
]
WebAddress = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, max_length=_length("url")),
    AfterValidator(_no_nul),
    AfterValidator(_web_address),
]
Email = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, max_length=_length("email")),
    AfterValidator(_no_nul),
    AfterValidator(_email),
]
Age = Annotated[StrictFloat, AfterValidator(_age)]  # an int too; never a bool or text
Moment = Annotated[StrictStr, StringConstraints(max_length=40), AfterValidator(_moment)]
Time = Annotated[StrictStr, StringConstraints(max_length=8), AfterValidator(parse_time)]
Days = Annotated[StrictStr, StringConstraints(max_length=60), AfterValidator(_days)]
Status = Literal["active", "inactive", "defunct", "temporarily closed"]
assert set(Service.Status.values) == {"active", "inactive", "defunct", "temporarily closed"}


class Shape(BaseModel):
    """Every ORUK object: fields the directory does not read are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Organization(Shape):
    id: Uuid
    name: Organisation
    description: Text


class Schedule(Shape):
    id: Uuid | None = None
    freq: Literal["WEEKLY"] | None = None
    byday: Days | None = None
    opens_at: Time | None = None
    closes_at: Time | None = None
    description: Short | None = None

    @model_validator(mode="after")
    def opens_before_it_closes(self) -> Schedule:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class ServiceArea(Shape):
    id: Uuid | None = None
    name: Short | None = None
    uri: Short | None = None


class TaxonomyTerm(Shape):
    id: Uuid | None = None
    taxonomy: Short | None = None
    term: Text | None = None


class Attribute(Shape):
    id: Uuid | None = None
    link_type: Short | None = None
    taxonomy_term: TaxonomyTerm | None = None


class OrukService(Shape):
    """One service object (schema/compiled/service.json): `id`, `name`, `status` and `url` are
    required."""

    id: Uuid
    name: Name
    status: Status
    url: WebAddress
    description: Text | None = None
    email: Email | None = None
    minimum_age: Age | None = None
    maximum_age: Age | None = None
    last_modified: Moment | None = None
    organization: Organization | None = None
    schedules: list[Schedule] | None = Field(None, max_length=50)
    service_areas: list[ServiceArea] | None = Field(None, max_length=500)
    attributes: list[Attribute] | None = Field(None, max_length=500)
