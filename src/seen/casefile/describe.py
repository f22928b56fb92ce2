"""A fact in words, as the timeline, the person file and the chronology show it: each kind of
fact described from its row, with the records and practitioners it names, and the viewer's
shielding applied to what it names and to its free text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.db.models import Model

from seen.access.shielding import SHIELDED
from seen.casefile.flags import PLAN_FLAGS
from seen.casefile.shielding import Shielding
from seen.rules.base import describe_date
from seen.rules.world import FACT_TYPES

FACT_NAMES: dict[str, str] = {
    "birth": "Birth",
    "neonatalstay": "Neonatal stay",
    "contact": "Contact",
    "appointment": "Appointment",
    "injury": "Injury",
    "referral": "Referral",
    "edattendance": "ED attendance",
    "policeincident": "Police incident",
    "conviction": "Conviction",
    "findingoffact": "Finding of fact",
    "probationsupervision": "Probation",
    "maraccase": "MARAC",
    "mentalhealth": "Mental health",
    "plan": "Plan",
    "programmeevent": "Programme",
    "assessment": "Assessment",
    "conference": "Conference",
    "careleaverstatus": "Care leaver",
    "cryingfeedingconcern": "Crying or feeding concern",
    "preproceedings": "Pre-proceedings",
}


class Describer(Protocol):
    """What describe() needs: how to name the records and practitioners a fact mentions, and
    the viewer's shielding."""

    shielding: Shielding

    def record_label(self, record: int) -> str: ...

    def practitioner(self, pk: int | None) -> str: ...


def choice(model: type[Model], name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    choices = dict(getattr(model._meta.get_field(name), "choices", None) or [])
    plain = str(value).replace("_", " ")
    label = str(choices.get(value, plain))
    return plain if label.lower() == plain.lower() else label


def yes_no(value: Any) -> str:
    return {"yes": "yes", "no": "no", "not_applicable": "not applicable"}.get(
        str(value), "not known"
    )


def describe(kind: str, row: Mapping[str, Any], names: Describer) -> str:
    """One fact in words (the viewer's shielding applied to what it names, and to its free
    text: a shielded address written in a reason or a description is replaced)."""
    return names.shielding.text(_describe(kind, row, names))


def _describe(kind: str, row: Mapping[str, Any], names: Describer) -> str:
    model = FACT_TYPES[kind]
    c = lambda name: choice(model, name, row.get(name))  # noqa: E731
    by = names.practitioner(row.get("practitioner")) if "practitioner" in row else ""
    by_text = f"; by {by}" if by else ""
    if kind == "birth":
        weight = f", {row['birth_weight_grams']} g" if row.get("birth_weight_grams") else ""
        premature = " (premature)" if row["gestation_weeks"] < 37 else ""
        return f"born at {row['gestation_weeks']} weeks{premature}{weight}"
    if kind == "neonatalstay":
        out = (
            f", discharged {describe_date(row['discharged_on'])}"
            if row.get("discharged_on")
            else ""
        )
        level = f" ({row['level_of_care']})" if row.get("level_of_care") else ""
        return f"admitted to a neonatal unit{level}{out}"
    if kind == "contact":
        why = f" ({row['father_not_seen_reason']})" if row.get("father_not_seen_reason") else ""
        return (
            f"{c('kind')}: mother seen {yes_no(row['mother_seen'])}; father or male carer seen "
            f"{yes_no(row['father_seen'])}{why}{by_text}"
        )
    if kind == "appointment":
        up = row.get("followed_up_on")
        follow = f", followed up {describe_date(up)}" if up else ""
        return f"{c('service')} appointment: {c('outcome')}{follow}"
    if kind == "injury":
        site = f" ({row['body_site']})" if row.get("body_site") else ""
        said = f"; explanation: {row['explanation']}" if row.get("explanation") else ""
        return f"{c('kind')}{site}; mobility: {c('mobility')}{said}{by_text}"
    if kind == "referral":
        reason = f": {row['reason']}" if row.get("reason") else ""
        return f"referral ({c('kind')}){reason}"
    if kind == "edattendance":
        complaint = row.get("presenting_complaint") or "no complaint recorded"
        return f"{complaint}; injury {yes_no(row['injury'])}"
    if kind == "policeincident":
        place = f"; at {names.shielding.value(row['postcode'])}" if row.get("postcode") else ""
        who = []
        for column in ("perpetrator", "victim"):
            if row.get(column):
                who.append(f"{column} {names.record_label(row[column])}")
        people = f"; {', '.join(who)}" if who else ""
        return (
            f"{c('kind')}; DASH risk {c('dash_level')}; child present "
            f"{yes_no(row['child_present'])}{people}{place}"
        )
    if kind == "conviction":
        text = f": {row['description']}" if row.get("description") else ""
        return f"{c('offence_category')}{text}"
    if kind == "findingoffact":
        category = row.get("category_of_abuse") or "category not recorded"
        summary = f": {row['summary']}" if row.get("summary") else ""
        return f"{category}{summary}"
    if kind == "probationsupervision":
        until = f" until {describe_date(row['end'])}" if row.get("end") else ""
        return f"{row['order']}{until}; risk of serious harm {c('risk_of_serious_harm')}{by_text}"
    if kind == "maraccase":
        return f"MARAC case; safety plan {yes_no(row['safety_plan'])}"
    if kind == "mentalhealth":
        text = f": {row['description']}" if row.get("description") else ""
        return f"{c('kind')}{text}; current {yes_no(row['current'])}"
    if kind == "plan":
        category = f" ({row['category_of_abuse']})" if row.get("category_of_abuse") else ""
        end = f", ended {describe_date(row['end'])}" if row.get("end") else ""
        lead = names.practitioner(row.get("lead_practitioner"))
        return f"{PLAN_FLAGS.get(row['kind'], c('kind'))} started{category}{end}" + (
            f"; lead {lead}" if lead else ""
        )
    if kind == "programmeevent":
        return f"{c('programme')} programme: {c('status')}"
    if kind == "assessment":
        done = (
            f", completed {describe_date(row['completed_on'])}" if row.get("completed_on") else ""
        )
        return (
            f"{c('kind')} assessment{done}; father involved {yes_no(row['father_involved'])}; "
            f"checks on mother {yes_no(row['mother_checks_done'])}, on father "
            f"{yes_no(row['father_checks_done'])}{by_text}"
        )
    if kind == "conference":
        invited = ", ".join(str(r).replace("_", " ") for r in row.get("invited") or []) or "none"
        came = ", ".join(str(r).replace("_", " ") for r in row.get("attended") or []) or "none"
        return f"{c('kind')} conference; invited: {invited}; attended: {came}"
    if kind == "preproceedings":
        steps = [
            (what, row[name])
            for what, name in (
                ("letter sent", "letter_sent_on"),
                ("first meeting", "initial_meeting_on"),
                ("decision", "decision_on"),
                ("court application", "court_application_on"),
            )
            if row.get(name)
        ]
        said = "; ".join(f"{what} {describe_date(on)}" for what, on in steps)
        outcome = f"; outcome: {row['outcome'].replace('_', ' ')}" if row.get("outcome") else ""
        return f"pre-proceedings (Public Law Outline){'; ' + said if said else ''}{outcome}"
    if kind == "careleaverstatus":
        return f"care leaver: {yes_no(row['care_leaver'])}"
    if kind == "cryingfeedingconcern":
        return (
            f"{c('concern')}; ICON advice to mother {yes_no(row['icon_advice_mother'])}, "
            f"to father {yes_no(row['icon_advice_father'])}"
        )
    return ""


def distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def address_of(row: Mapping[str, Any]) -> str:
    parts = [str(row[k]) for k in ("address", "postcode") if row.get(k)]
    return SHIELDED if SHIELDED in parts else ", ".join(parts)
