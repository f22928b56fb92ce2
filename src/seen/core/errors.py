"""Seen's one error vocabulary. Every error a person is meant to read is one of four kinds, and
each face translates a kind the same way (pages: seen.web.errors; the API: seen.api.main;
commands: seen.cli):

- `Refused`: the access decision, or a rule of the service, says no. Page 403 (the refusal
  page), API 403, command exit 3.
- `Invalid`: what was given cannot be accepted. Page 400 (the form again, with its errors),
  API 400, command exit 2.
- `NotFound`: what was asked for is not held. Page 404, API 404, command exit 4.
- `Conflict`: it cannot be done now, in the state things are in. Page 409, API 409, command
  exit 5.

A package names its own errors as subclasses (seen.access.services.AccessRefused is a
Refused), so a face can catch the one it expects and still translate the rest the same way.
They keep the standard exception they used to be (PermissionError, ValueError, LookupError),
so code that catches those goes on working."""

from __future__ import annotations


class SeenError(Exception):
    """An error for a person to read: its message says what happened and what to do."""

    status = 500
    exit_code = 1


class Refused(SeenError, PermissionError):
    """The access decision, or a rule of the service, says no."""

    status = 403
    exit_code = 3


class Invalid(SeenError, ValueError):
    """What was given cannot be accepted. A subclass for a form carries `errors` (each field
    with its message) for the error summary or the API's 400."""

    status = 400
    exit_code = 2


class NotFound(SeenError, LookupError):
    """What was asked for is not held (or this user may not know whether it is)."""

    status = 404
    exit_code = 4


class Conflict(SeenError):
    """It cannot be done now: the state things are in does not allow it."""

    status = 409
    exit_code = 5


KINDS = (Refused, Invalid, NotFound, Conflict)
