"""The subject-access report in plain words: what the data-protection officer reads on the page
and releases as a file (seen.web.subject_access_files), made from the report
seen.casefile.disclosure assembles, after shielding (`disclosure.redacted`): this module only
rewords values, so a value shielding replaced stays replaced.

Field names as a person says them ("Date of birth", not `dob`), dates as every page writes them
("26 May 2025": the `day` filter) and moments in the partnership's time ("3 May 2026, 2:05pm":
`localtime_text`), codes in words (a relationship's kind, a role, a purpose, an ethnicity), and
what a reply under UK GDPR article 15 must say besides the data: why it is held, who has
received it, where it came from, and how long it is kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from seen.access.models import Purpose, StaffProfile
from seen.access.shielding import SHIELDED
from seen.areas.models import Agency
from seen.casefile import looks
from seen.casefile.describe import FACT_NAMES, choice
from seen.core.codes import code_list
from seen.core.procedures import title_of
from seen.linkage.explain import COMPARISON_NAMES
from seen.people.models import Pregnancy, Relationship, Residence, Responsibility, SourceRecord
from seen.rules.models import Alert
from seen.rules.world import FACT_TYPES
from seen.web.jinja_env import day, localtime_text
from seen.web.plans_forms import capitalised

Report = dict[str, Any]

WHY_HELD = (
    "Seen is the partnership's multi-agency safeguarding hub for babies from before birth to "
    "age one. The agencies listed below send it the safeguarding facts they already hold, so "
    "that the adults around each baby are known to those who must keep the baby safe."
)
HOW_LONG = (
    "Seen keeps what an agency sent for as long as the partnership's retention schedule allows "
    "the agency to keep it; a corrected record keeps its earlier versions. The audit log of who "
    "has seen it is never changed or deleted."
)
NONE_HELD = "None held."

# field names in words: the identity the clerical review compares, then the rest
FIELD_LABELS: dict[str, str] = {
    **COMPARISON_NAMES,
    "middle_names": "Middle names",
    "previous_surnames": "Earlier last names",
    "ethnicity": "Ethnicity",
    "first_language": "First language",
    "interpreter_needed": "Interpreter needed",
    "expected_date": "Expected date of delivery",
    "booked_on": "Booked for antenatal care on",
    "asserted_on": "Recorded on",
    "start": "From",
    "end": "Until",
    "occurred_on": "Date",
    "arrived_at": "Arrived",
    "to_agency": "Referred to",
    "dash_level": "DASH risk level",
    "birth_weight_grams": "Birth weight in grams",
    "gestation_weeks": "Weeks of pregnancy at birth",
    "father_seen": "Father or male carer seen",
    "father_not_seen_reason": "Why the father or male carer was not seen",
    "father_not_involved_reason": "Why the father was not involved",
    "mother_checks_done": "Background checks on the mother done",
    "father_checks_done": "Background checks on the father done",
    "icon_advice_mother": "ICON advice given to the mother",
    "icon_advice_father": "ICON advice given to the father",
    "information_sharing_plan": "Information-sharing plan",
    "programme_ref": "Programme reference",
    "body_site": "Where on the body",
    "subject": "About",
    # the CIN census's columns (extract format 1.1)
    "upn": "Unique pupil number",
    "source": "Referred by",
    "primary_need": "Primary need",
    "closed_on": "Closed on",
    "closure_reason": "Why it closed",
    "no_further_action": "No further action",
    "latest_category_of_abuse": "Latest category of abuse",
    "letter_sent_on": "Pre-proceedings letter sent on",
    "initial_meeting_on": "Pre-proceedings meeting on",
    "decision_on": "Decided on",
    "court_application_on": "Court application made on",
}
# how a row names the person (the column pointing at their record or pregnancy), in words
AS_WORDS = {
    "person": "the adult or sibling around a child",
    "child": "the child",
    "pregnancy": "the unborn child",
    "mother": "the mother",
    "subject": "the person it is about",
}
AS_WORDS_BY_KIND = {"residence": {"person": "the person living there"}}
SECTION_TITLES = {
    "records": "Records held, by agency",
    "pregnancies": "Pregnancies",
    "relationships": "Relationships",
    "residences": "Addresses",
    "responsibilities": "Practitioners responsible",
    "facts": "Facts",
    "alerts": "Alerts",
}
SECTION_MODELS: dict[str, type[models.Model]] = {
    "pregnancies": Pregnancy,
    "relationships": Relationship,
    "residences": Residence,
    "responsibilities": Responsibility,
}
CODE_LISTS = {
    "ethnicity": "ethnicity",
    "factors": "assessment_factors",
    "source": "referral_source",
    "primary_need": "primary_need",
    "closure_reason": "reason_for_closure",
    "category_of_abuse": "category_of_abuse",
    "latest_category_of_abuse": "category_of_abuse",
}
ACTION_WORDS = {
    "read": "looked at",
    "export": "downloaded",
    "write": "recorded",
    "denied": "asked for",  # the outcome says it was refused, and why
    "notify": "told the lead practitioner of",
    "break_glass": "broke glass to see",
}
VIA_WORDS = {"page": "on a page", "api": "through the API", "command": "by a command"}
SHOWN_WORDS = {"fields": "details", "lead_told": "lead practitioner told", "dob": "date of birth"}
LOOK_COLUMNS = ("When", "Who", "Role", "Agency", "What", "Purpose", "Shown", "Outcome")


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass(frozen=True)
class Item:
    """One thing held (a record, a fact, an alert) or one look: its details in words."""

    title: str
    source: str  # the agency whose record it is, or Seen itself
    details: tuple[Detail, ...]

    def value(self, label: str) -> str:
        return next((d.value for d in self.details if d.label == label), "")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Words:
    reference: str
    title: str
    made: str
    also_known_as: tuple[str, ...]
    about: tuple[Detail, ...]  # why it is held, who received it, its sources, how long kept
    sections: tuple[Section, ...]  # what is held
    looks: Section  # who has seen it: each item's details are LOOK_COLUMNS


def report_in_words(report: Report) -> Words:
    """The report (as disclosure.subject_access makes it, redacted for the viewer) in words."""
    agencies = dict(Agency.objects.values_list("code", "name"))
    sections = [
        Section("records", SECTION_TITLES["records"], tuple(_record(r) for r in report["records"]))
    ]
    for key, model in SECTION_MODELS.items():
        rows = tuple(_row(row, model, agencies) for row in report[key])
        sections.append(Section(key, SECTION_TITLES[key], rows))
    facts = tuple(_row(row, FACT_TYPES[row["type"]], agencies) for row in report["facts"])
    sections.append(Section("facts", SECTION_TITLES["facts"], facts))
    alerts = tuple(_alert(alert, agencies) for alert in report["alerts"])
    sections.append(Section("alerts", SECTION_TITLES["alerts"], alerts))
    seen = tuple(_look(row, agencies) for row in report["seen_by"])
    reference = report["person"]
    return Words(
        reference=reference,
        title=f"Subject-access report for {reference}",
        made=_moment(report["generated_at"]),
        also_known_as=tuple(report["also_known_as"]),
        about=_about(report, sections, agencies),
        sections=tuple(sections),
        looks=Section("seen_by", "Who has seen it", seen),
    )


# -- what is held -------------------------------------------------------------------------------


def field_label(name: str) -> str:
    """A column's name as a person says it."""
    return FIELD_LABELS.get(name) or capitalised(name.replace("_", " "))


def _record(record: Report) -> Item:
    details = tuple(
        Detail(field_label(name), _value(SourceRecord, name, value))
        for name, value in record["fields"].items()
    )
    return Item(
        f"{record['agency_name']} record {record['local_id']}", record["agency_name"], details
    )


def _row(row: Report, model: type[models.Model], agencies: dict[str, str]) -> Item:
    kind = model._meta.model_name or ""
    name = FACT_NAMES.get(kind) or capitalised(str(model._meta.verbose_name))
    source = str(agencies.get(row["agency"]) or row["agency"])
    named_as = [AS_WORDS_BY_KIND.get(kind, {}).get(role) or _as(role) for role in row["as"]]
    details = [Detail("Names this person as", _joined(named_as))] if named_as else []
    details += [
        Detail(field_label(column), _value(model, column, value))
        for column, value in row["fields"].items()
    ]
    return Item(f"{name} {row['local_id']}", source, tuple(details))


def _as(role: str) -> str:
    return AS_WORDS.get(role) or f"the {role.replace('_', ' ')}"


def _joined(words: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(words))


def _value(model: type[models.Model], name: str, value: Any) -> str:
    """A held value in words: a date as a date, a code as what it stands for."""
    if isinstance(value, list):
        return _joined(_value(model, name, item) for item in value) or "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if text == SHIELDED:
        return text
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a value the report added: as it is
        return text
    if isinstance(field, models.DateTimeField):
        return _moment(text)
    if isinstance(field, models.DateField):
        return _day(text)
    if name in CODE_LISTS:
        return code_list(CODE_LISTS[name]).get(text, text)
    if getattr(field, "choices", None) or isinstance(field, models.JSONField):
        return capitalised(choice(model, name, text))
    return text


def _day(text: str | None) -> str:
    if not text:
        return ""
    try:
        return day(date.fromisoformat(text))
    except ValueError:
        return text


def _moment(text: str | None) -> str:
    if not text:
        return ""
    try:
        return localtime_text(datetime.fromisoformat(text))
    except ValueError:
        return text


def _alert(alert: Report, agencies: dict[str, str]) -> Item:
    owner = _joined(
        part
        for part in (
            choice(StaffProfile, "role", alert["owner_role"]),
            agencies.get(alert["owner_agency"] or "", ""),
        )
        if part
    )
    details = [
        Detail("Names this person as", _joined(_as(role) for role in alert["as"])),
        Detail("Why", alert["explanation"]),
        Detail("Severity", capitalised(choice(Alert, "severity", alert["severity"]))),
        Detail("Status", capitalised(choice(Alert, "status", alert["status"]))),
        Detail("Raised", _moment(alert["raised_at"])),
    ]
    if alert["closed_at"]:
        details.append(Detail("Closed", _moment(alert["closed_at"])))
    if owner:
        details.append(Detail("Answered by", owner))
    title = f"Alert {alert['alert']}: {title_of(alert['rule'])}"
    return Item(title, "Seen, by the partnership's procedures", tuple(details))


# -- who has seen it ----------------------------------------------------------------------------


def role_words(role: str) -> str:
    if role == "system":
        return "Seen itself"
    return capitalised(choice(StaffProfile, "role", role))


def purpose_words(purpose: str) -> str:
    labels = dict(Purpose.choices)
    return capitalised(str(labels.get(purpose) or purpose.replace("_", " ")))


def _what(row: Report) -> str:
    action = ACTION_WORDS.get(row["action"], row["action"].replace("_", " "))
    thing = row["object_type"].replace("_", " ")
    if row["object_id"]:
        thing += f" {row['object_id']}"
    said = f"{capitalised(action)} {thing} {VIA_WORDS.get(row['via'], row['via'])}".strip()
    through = row.get("through", looks.ABOUT)
    if through == looks.NAMED:
        said += ", which named this person"
    elif through == looks.LISTED:
        said += ", which listed this person's record"
    elif through.startswith(f"{looks.AROUND}:"):
        child = through.partition(":")[2]
        said += f", which shows the adults around child {child}"
    return said


def _in_a_list(label: str) -> str:
    """A label inside a sentence: "date of birth", but "NHS number" kept."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def shown_words(disclosed: Any) -> str:
    """What an entry says it showed, in words (field names, counts, references)."""

    def one(key: str, value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            names = [_in_a_list(field_label(str(v))) if key == "fields" else str(v) for v in value]
            return ", ".join(names) or "none"
        return str(value)

    if isinstance(disclosed, dict):
        return "; ".join(
            f"{SHOWN_WORDS.get(key, key.replace('_', ' '))}: {one(key, value)}"
            for key, value in disclosed.items()
        )
    if isinstance(disclosed, list):
        return one("fields", disclosed)
    return str(disclosed) if disclosed else ""


def _look(row: Report, agencies: dict[str, str]) -> Item:
    refused = row["outcome"] != "allowed"
    outcome = f"Refused: {row['reason']}" if refused else "Allowed"
    when = _moment(row["at"])
    values = (
        when,
        row["user"] or "Seen itself",
        role_words(row["role"]),
        agencies.get(row["agency"], row["agency"]) or "None",
        _what(row),
        purpose_words(row["purpose"]),
        shown_words(row["disclosed"]),
        outcome,
    )
    details = tuple(Detail(label, value) for label, value in zip(LOOK_COLUMNS, values, strict=True))
    return Item(when, "Seen's audit log", details)


# -- what article 15 asks besides the data ------------------------------------------------------


def _about(report: Report, sections: list[Section], agencies: dict[str, str]) -> tuple[Detail, ...]:
    shown = [row for row in report["seen_by"] if row["outcome"] == "allowed"]
    purposes = "; ".join(dict.fromkeys(purpose_words(row["purpose"]) for row in shown))
    recipients = "; ".join(
        dict.fromkeys(
            f"{role_words(row['role'])} at {agencies.get(row['agency'], row['agency'])}"
            if row["agency"]
            else role_words(row["role"])
            for row in shown
        )
    )
    held = Counter(
        item.source for section in sections if section.key != "alerts" for item in section.items
    )
    sources = "; ".join(
        f"{agency} ({count} {'item' if count == 1 else 'items'})"
        for agency, count in sorted(held.items())
    )
    alerts = next(len(s.items) for s in sections if s.key == "alerts")
    if alerts:
        counted = "1 alert" if alerts == 1 else f"{alerts} alerts"
        sources += f"; Seen itself, applying the partnership's procedures ({counted})"
    return (
        Detail("Why Seen holds it", WHY_HELD),
        Detail("Purposes declared by those who saw it", purposes or "No one has seen it"),
        Detail("Who has received it", recipients or "No one"),
        Detail("Where it came from", sources or "Seen holds nothing about this person"),
        Detail("How long it is kept", HOW_LONG),
    )
