"""The signed-in user is loaded with their staff profile (role, agency, practitioner) in the
same query, so that the access decision costs one further query per request, not two.

Every request loads its user, so the query is sent as plain SQL built once from the models
(the ORM would compile the same four-table join on every request), and each column goes
through the converters the ORM would apply, so that the objects are the ones it would build.

Kept because it pays (`seen bench internals`, 5 December 2026): the user with their profile in
72 µs against Django's select_related 620 µs on SQLite, 161 against 1,014 µs on PostgreSQL.
Re-measure on every Django upgrade: it builds on ModelBackend and the fields' converters."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models import Field, ForeignKey, Model, OneToOneField

from seen.access.models import StaffProfile
from seen.areas.models import Agency, Practitioner


class _Part:
    """One model's columns in the joined row: where they are and how to read them."""

    def __init__(self, model: type[Model], alias: str, start: int, connection: Any) -> None:
        self.model = model
        self.fields: list[Field] = list(model._meta.concrete_fields)
        self.start, self.end = start, start + len(self.fields)
        quote = connection.ops.quote_name
        self.select = ", ".join(f"{alias}.{quote(f.column)}" for f in self.fields)
        self.names = [f.attname for f in self.fields]
        self.converters = []
        for field in self.fields:
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            self.converters.append((column, found))

    def build(self, row: tuple[Any, ...], database: str, connection: Any) -> Model | None:
        values = list(row[self.start : self.end])
        if values[0] is None:  # the primary key: no such row on a LEFT JOIN
            return None
        for index, (column, converters) in enumerate(self.converters):
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        return self.model.from_db(database, self.names, values)


# the relations whose caches select_related would fill: profile.user, user.staff_profile, ...
_USER = StaffProfile._meta.get_field("user")
_AGENCY = StaffProfile._meta.get_field("agency")
_PRACTITIONER = StaffProfile._meta.get_field("practitioner")
assert isinstance(_USER, OneToOneField) and isinstance(_PRACTITIONER, OneToOneField)
assert isinstance(_AGENCY, ForeignKey)


@cache
def _query(database: str) -> tuple[str, list[_Part]]:
    connection = connections[database]
    user_model = get_user_model()
    parts = []
    start = 0
    for model, alias in (
        (user_model, "u"),
        (StaffProfile, "p"),
        (Agency, "a"),
        (Practitioner, "r"),
    ):
        parts.append(_Part(model, alias, start, connection))
        start = parts[-1].end
    user, profile, agency, practitioner = (
        connection.ops.quote_name(p.model._meta.db_table) for p in parts
    )
    key = connection.ops.quote_name(user_model._meta.pk.column)
    sql = (
        f"SELECT {', '.join(p.select for p in parts)} FROM {user} u"
        f" LEFT JOIN {profile} p ON p.user_id = u.{key}"
        f" LEFT JOIN {agency} a ON a.id = p.agency_id"
        f" LEFT JOIN {practitioner} r ON r.id = p.practitioner_id"
        f" WHERE u.{key} = %s"
    )
    return sql, parts


def user_with_profile(user_id: Any) -> Any:
    """The active user with their profile (and its agency and practitioner) joined, or None."""
    user_model = get_user_model()
    database = router.db_for_read(user_model)
    connection = connections[database]
    sql, (user_part, profile_part, agency_part, practitioner_part) = _query(database)
    try:
        key = user_model._meta.pk.to_python(user_id)
    except Exception:  # a session naming no user Seen could have written
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    user = user_part.build(row, database, connection)
    assert user is not None
    profile = profile_part.build(row, database, connection)
    if profile is not None:
        # the caches select_related would fill: user.staff_profile, profile.user, .agency, ...
        _USER.set_cached_value(profile, user)
        _USER.remote_field.set_cached_value(user, profile)
        _AGENCY.set_cached_value(profile, agency_part.build(row, database, connection))
        _PRACTITIONER.set_cached_value(profile, practitioner_part.build(row, database, connection))
    else:
        _USER.remote_field.set_cached_value(user, None)
    return user if getattr(user, "is_active", True) else None


class ProfileModelBackend(ModelBackend):
    """Django's password backend, loading the profile with the user."""

    def get_user(self, user_id: Any) -> Any:
        return user_with_profile(user_id)
