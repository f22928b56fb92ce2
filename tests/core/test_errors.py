"""Seen's one error vocabulary (seen.core.errors): every error meant for a person is one of four
kinds, and each face translates a kind the same way."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.test import RequestFactory

import seen
from seen.casefile.subjects import NoSuchChild
from seen.core.errors import KINDS, Conflict, Invalid, NotFound, Refused, SeenError

# errors that are not a person's to read: the machine's state, or a programming guard
NOT_FOR_A_PERSON = {
    "EngineUnavailable",  # Spark or DuckDB missing on this machine
    "MatchingUnavailable",  # no trained model yet: the batch waits for `seen link`
    "ProviderUnavailable",  # the identity provider did not answer
    "AppendOnlyError",  # the database refused a change to the audit chain
    "AccessFieldsChangedInBulk",  # a programming guard: access changes one by one
    "BadAuditEntry",  # a programming guard: an audit entry Seen wrote wrongly
    "UnsupportedSQL",  # a programming guard: SQL the Spark translation does not know
    "BenchmarkFailed",
    "Problem",  # the FHIR face's answer already made: its HTTP status and OperationOutcome
    "ServiceBenchFailed",
    "_Rollback",
    "_RolledBack",  # seen.bench.internals: undoes its own measurement
}


def _seen_exceptions() -> list[type[BaseException]]:
    found = []
    for module in pkgutil.walk_packages(seen.__path__, "seen."):
        if ".migrations" in module.name or module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == module.name
            ):
                found.append(value)
    return found


def test_every_error_for_a_person_is_one_of_the_four_kinds() -> None:
    errors = _seen_exceptions()
    assert len(errors) > 25
    strays = [
        f"{e.__module__}.{e.__name__}"
        for e in errors
        if e.__name__ not in NOT_FOR_A_PERSON and not issubclass(e, SeenError)
    ]
    assert strays == []
    assert {e.__name__ for e in errors} >= NOT_FOR_A_PERSON - {"_Rollback", "_RolledBack"}


@pytest.mark.parametrize(
    ("error", "status"),
    [(Refused("no"), 403), (Invalid("bad"), 400), (NotFound("none"), 404), (Conflict("now"), 409)],
)
def test_the_api_answers_each_kind_with_its_status(error: SeenError, status: int) -> None:
    from seen.api.main import seen_error

    response = seen_error(RequestFactory().get("/api/x"), error)
    assert response.status_code == status
    assert str(error) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "status"), [(Invalid("bad"), 400), (NoSuchChild("x"), 404)])
def test_a_page_shows_an_uncaught_error_as_its_page(error: SeenError, status: int) -> None:
    from django.contrib.auth.models import AnonymousUser

    from seen.web.errors import TranslateSeenErrors

    request = RequestFactory().get("/children/P1/")
    request.user = AnonymousUser()
    middleware = TranslateSeenErrors(lambda r: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, error)
    assert response is not None and response.status_code == status
    assert middleware.process_exception(request, KeyError("x")) is None  # not Seen's: a 500


def test_a_command_prints_the_kind_and_exits_with_its_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import django.core.management

    from seen import cli

    for kind, code in zip(KINDS, (3, 2, 4, 5), strict=True):

        def fail(args: Any, kind: type[SeenError] = kind) -> None:
            raise kind("what happened")

        monkeypatch.setattr(django.core.management, "execute_from_command_line", fail)
        with pytest.raises(SystemExit) as exited:
            cli.main(["seen", "anything"])
        assert exited.value.code == code
        assert f"seen: {kind.__name__.lower()}: what happened" in capsys.readouterr().err
