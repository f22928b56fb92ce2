"""Facts written in Seen itself (a contact recorded on a page, a triage check, a plan), rather
than loaded from an agency's extract: whose agency they belong to, which of the child's source
records they point at, and an identifier that never collides with an agency's own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from seen.access.policy import profile_of
from seen.areas.models import Agency, Practitioner
from seen.core.errors import Invalid
from seen.core.models import LOCAL_ID_PREFIX
from seen.people.models import Person, SourceRecord


class AuthoringRefused(Invalid):
    """The fact cannot be written; the message says why, for the person at the keyboard."""


@dataclass(frozen=True)
class Author:
    agency: Agency
    practitioner: Practitioner | None
    username: str


def author_of(user: AbstractBaseUser | AnonymousUser | None) -> Author:
    profile = profile_of(user)
    if profile is None or user is None:
        raise AuthoringRefused("you are not signed in with a role in Seen")
    if profile.agency is None:
        raise AuthoringRefused("your account belongs to no agency: ask the administrator")
    return Author(profile.agency, profile.practitioner, user.get_username())


def record_of(child: Person, agency: Agency) -> SourceRecord:
    """The child's record a new fact points at: the author's agency's own if it has one, else
    the child's first record (facts point at records; linkage decides whose they are)."""
    records = SourceRecord.objects.filter(person=child).order_by("pk")
    own = records.filter(agency=agency).first()
    record = own or records.first()
    if record is None:
        raise AuthoringRefused(f"{child.reference} has no source record")
    return record


def new_local_id() -> str:
    return f"{LOCAL_ID_PREFIX}{uuid.uuid4().hex}"
