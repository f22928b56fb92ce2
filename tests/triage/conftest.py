"""The triage and planning fixtures (tests.triage.fixtures), for the tests in this package."""

from tests.triage.fixtures import baby, mash, subject, worker  # noqa: F401 (the fixtures)
