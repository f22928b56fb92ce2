"""The checks a CIN census child must pass to be loaded: those of the Department for Education's
validation rules that matter for babies and for linking records (each named by its DfE number),
and the orders of dates without which the extract would refuse one of the child's rows (named in
words). A fault quarantines the child whole; a warning (DfE 2885, a code left out) is reported
and the child loads.

| rule | the child is quarantined when |
|---|---|
| 8500 | it has no LA child id |
| 8510 | its LA child id is another child's too |
| 1570, 1580 | its LA child id is over 20 characters, or not letters and digits only |
| 8525Q | it has both a date of birth and an expected date of birth, or neither |
| 8520 | it was born after the census period |
| 8530Q | it is expected outside 30 days before to 9 months after the reference date |
| 8606 | it was referred more than 280 days before its birth or expected birth |
| 8720 | a child protection plan has no start, or starts after the census period |
| 8905, 8910 | a plan's initial or latest category of abuse is not NEG, PHY, SAB, EMO or MUL |
| 8925 | a plan ends before it starts |
| 8935 | more than one plan is open (no end date) |
| 8940 | two plans overlap |
| 8608, 4011 | an assessment is authorised before it started; a CIN plan ends before it starts |
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date, timedelta

from seen.interchange.cin_child import CensusChild, Episode, ProtectionPlan
from seen.interchange.cin_parse import Header
from seen.interchange.outcome import Fault

MAX_ID_LENGTH = 20
ALPHANUMERIC = re.compile(r"[A-Za-z0-9]+")
CATEGORIES = {
    "NEG": "Neglect",
    "PHY": "Physical Abuse",
    "SAB": "Sexual Abuse",
    "EMO": "Emotional Abuse",
    "MUL": "Multiple",
}
REFERRAL_BEFORE_BIRTH = timedelta(days=280)  # 40 weeks
EXPECTED_FROM = timedelta(days=30)  # before the reference date


def _months_after(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _Checks:
    def __init__(self, child: CensusChild, header: Header) -> None:
        self.child = child
        self.header = header
        self.faults: list[Fault] = []

    def fault(self, where: str, rule: str, reason: str, *, warning: bool = False) -> None:
        self.faults.append(Fault(self.child.id, where, rule, reason, warning))

    def after_census(self, day: date | None, where: str, what: str) -> None:
        if day is not None and day > self.header.reference_date:
            self.fault(
                where,
                "after-census",
                f"{what} ({day}) is after the census period, which ends on "
                f"{self.header.reference_date}",
            )

    def in_order(
        self, first: date | None, then: date | None, where: str, rule: str, words: str
    ) -> None:
        if first is not None and then is not None and then < first:
            self.fault(where, rule, f"{words} ({then} before {first})")

    def required(self, day: date | None, where: str, what: str) -> None:
        if day is None:
            self.fault(where, "missing", f"{what} is missing")


def check_child(child: CensusChild, header: Header, ids: Counter[str]) -> list[Fault]:
    """The child's faults and warnings (those met while reading it included)."""
    checks = _Checks(child, header)
    _identity(checks, child, ids)
    for episode in child.episodes:
        _episode(checks, child, episode)
    _plans_together(checks, [p for e in child.episodes for p in e.protection_plans])
    return [*child.faults, *checks.faults]


def _identity(checks: _Checks, child: CensusChild, ids: Counter[str]) -> None:
    where = "ChildIdentifiers/LAchildID"
    if not child.id:
        checks.fault(where, "8500", "the LA child id is missing")
    else:
        if ids[child.id] > 1:
            checks.fault(
                where,
                "8510",
                f"{ids[child.id]} children in the return have this LA child id; each needs its "
                "own, so none of them can be told apart",
            )
        if len(child.id) > MAX_ID_LENGTH:
            checks.fault(
                where, "1570", f"the LA child id is {len(child.id)} characters, more than 20"
            )
        if not ALPHANUMERIC.fullmatch(child.id):
            checks.fault(
                where, "1580", "the LA child id holds characters other than letters and digits"
            )
    reference = checks.header.reference_date
    if (child.born is None) == (child.expected is None):
        both = (
            "both a date of birth and an expected date of birth"
            if child.born
            else "neither a date of birth nor an expected date of birth"
        )
        checks.fault(
            "ChildIdentifiers/PersonBirthDate",
            "8525Q",
            f"the child has {both}; give exactly one (the expected date for an unborn child)",
        )
    if child.born is not None and child.born > reference:
        checks.fault(
            "ChildIdentifiers/PersonBirthDate",
            "8520",
            f"the date of birth ({child.born}) is after the census period, which ends on "
            f"{reference}",
        )
    if child.expected is not None:
        earliest, latest = reference - EXPECTED_FROM, _months_after(reference, 9)
        if not earliest <= child.expected <= latest:
            checks.fault(
                "ChildIdentifiers/ExpectedPersonBirthDate",
                "8530Q",
                f"the expected date of birth ({child.expected}) is outside {earliest} to {latest} "
                "(30 days before to 9 months after the reference date)",
            )


def _episode(checks: _Checks, child: CensusChild, episode: Episode) -> None:
    where = episode.where
    checks.required(episode.referral, f"{where}/CINreferralDate", "the referral date")
    birth = child.born or child.expected
    if (
        episode.referral is not None
        and birth is not None
        and episode.referral < birth - REFERRAL_BEFORE_BIRTH
    ):
        checks.fault(
            f"{where}/CINreferralDate",
            "8606",
            f"the referral ({episode.referral}) is more than 280 days (40 weeks) before the "
            f"{'birth' if child.born else 'expected birth'} ({birth})",
        )
    checks.after_census(episode.referral, f"{where}/CINreferralDate", "the referral")
    checks.after_census(episode.closed, f"{where}/CINclosureDate", "the closure")
    checks.after_census(
        episode.initial_conference, f"{where}/DateOfInitialCPC", "the initial conference"
    )
    checks.in_order(
        episode.referral,
        episode.closed,
        f"{where}/CINclosureDate",
        "closure-before-referral",
        "the case is closed before the referral that opened it",
    )
    for assessment in episode.assessments:
        at = assessment.where
        checks.required(
            assessment.start, f"{at}/AssessmentActualStartDate", "the assessment's start"
        )
        checks.after_census(
            assessment.start, f"{at}/AssessmentActualStartDate", "the assessment's start"
        )
        checks.after_census(
            assessment.authorised,
            f"{at}/AssessmentAuthorisationDate",
            "the assessment's authorisation",
        )
        checks.in_order(
            assessment.start,
            assessment.authorised,
            f"{at}/AssessmentAuthorisationDate",
            "8608",
            "the assessment is authorised before it started",
        )
    for plan in episode.cin_plans:
        checks.required(
            plan.start, f"{plan.where}/CINPlanStartDate", "the child in need plan's start"
        )
        checks.after_census(
            plan.start, f"{plan.where}/CINPlanStartDate", "the child in need plan's start"
        )
        checks.after_census(
            plan.end, f"{plan.where}/CINPlanEndDate", "the child in need plan's end"
        )
        checks.in_order(
            plan.start,
            plan.end,
            f"{plan.where}/CINPlanEndDate",
            "4011",
            "the child in need plan ends before it starts",
        )
    for enquiry in episode.section_47s:
        at = enquiry.where
        checks.required(enquiry.start, f"{at}/S47ActualStartDate", "the section 47 enquiry's start")
        checks.after_census(
            enquiry.start, f"{at}/S47ActualStartDate", "the section 47 enquiry's start"
        )
        checks.after_census(
            enquiry.initial_conference, f"{at}/DateOfInitialCPC", "the initial conference"
        )
    conferences = {episode.initial_conference, *(s.initial_conference for s in episode.section_47s)}
    for protection in episode.protection_plans:
        _protection_plan(checks, protection, conferences - {None})
    for process in episode.pre_proceedings:
        at = process.where
        checks.required(process.start, f"{at}/PPStartDate", "the start of pre-proceedings")
        for day, name, what in (
            (process.start, "PPStartDate", "the start of pre-proceedings"),
            (process.letter_sent, "LBPSentDate", "the letter before proceedings"),
            (process.initial_meeting, "InitialPPMeetingDate", "the initial meeting"),
            (process.decision, "StepDecisionDate", "the decision"),
            (process.court_application, "CourtAppDate", "the application to court"),
        ):
            checks.after_census(day, f"{at}/{name}", what)
        checks.in_order(
            process.start,
            process.decision,
            f"{at}/StepDecisionDate",
            "decision-before-start",
            "pre-proceedings end in a decision before they start",
        )


def _protection_plan(checks: _Checks, plan: ProtectionPlan, conferences: set[date | None]) -> None:
    at = plan.where
    reference = checks.header.reference_date
    if plan.start is None:
        checks.fault(f"{at}/CPPstartDate", "8720", "the child protection plan's start is missing")
    elif plan.start > reference:
        checks.fault(
            f"{at}/CPPstartDate",
            "8720",
            f"the child protection plan starts ({plan.start}) after the census period, which "
            f"ends on {reference}",
        )
    for name, rule, value in (
        ("InitialCategoryOfAbuse", "8905", plan.initial_category),
        ("LatestCategoryOfAbuse", "8910", plan.latest_category),
    ):
        if value not in CATEGORIES:
            shown = f"{value!r} is not" if value else "is missing, and must be"
            checks.fault(
                f"{at}/{name}",
                rule,
                f"the {'initial' if rule == '8905' else 'latest'} category of abuse {shown} one of "
                "NEG, PHY, SAB, EMO, MUL",
            )
    checks.after_census(plan.end, f"{at}/CPPendDate", "the child protection plan's end")
    checks.in_order(
        plan.start,
        plan.end,
        f"{at}/CPPendDate",
        "8925",
        "the child protection plan ends before it starts",
    )
    for day in plan.reviews:
        checks.after_census(day, f"{at}/Reviews/CPPreviewDate", "the review")
    in_period = plan.start is not None and checks.header.period_start <= plan.start <= reference
    if in_period and plan.start not in conferences:
        held = ", ".join(sorted(str(d) for d in conferences if d)) or "none is recorded"
        checks.fault(
            f"{at}/CPPstartDate",
            "2885",
            f"the child protection plan starts ({plan.start}) on a different day from the initial "
            f"child protection conference ({held})",
            warning=True,
        )


def _plans_together(checks: _Checks, plans: list[ProtectionPlan]) -> None:
    open_plans = [p for p in plans if p.start is not None and p.end is None]
    if len(open_plans) > 1:
        checks.fault(
            open_plans[1].where + "/CPPendDate",
            "8935",
            f"{len(open_plans)} child protection plans are open (no end date); a child has one "
            "at a time",
        )
    reference = checks.header.reference_date
    dated = [p for p in plans if p.start is not None]
    for plan in dated:
        for other in dated:
            if other is plan or plan.start is None or other.start is None:
                continue
            other_end = other.end or reference
            if other.start <= plan.start <= other_end and (plan.start, plan.where) > (
                other.start,
                other.where,
            ):
                checks.fault(
                    f"{plan.where}/CPPstartDate",
                    "8940",
                    f"the child protection plan starting {plan.start} overlaps the one from "
                    f"{other.start} to {other.end or 'the end of the census period'}",
                )
