"""A child protection conference (initial, review, pre-birth) invites the father (or male
carer), the GP and housing, and records who came.

One alert per conference, naming who was not invited (and, once the conference is past, whether
attendance went unrecorded); it closes if the record is corrected."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, World

CONFERENCE_NAMES = {
    "initial": "initial child protection conference",
    "review": "review child protection conference",
    "pre_birth": "pre-birth child protection conference",
}
INVITEE_NAMES = {
    "mother": "the mother",
    "gp": "the GP",
    "health_visitor": "the health visitor",
    "midwife": "the midwife",
    "housing": "housing",
    "police": "the police",
    "probation": "probation",
    "social_worker": "the social worker",
    "early_help": "Early Help",
    "adult_mental_health": "adult mental health",
}
MEN = ("birth_father", "male_carer", "mothers_partner")


def _roles(value: Any) -> set[str]:
    """Conference roles as a set, whether held as a list or as ';'-separated text."""
    if isinstance(value, str):
        return {v.strip() for v in value.replace(",", ";").split(";") if v.strip()}
    return {str(v) for v in value or ()}


class ConferenceInvitations(Rule):
    id = "conference-invitations"
    version = 1
    defaults = {
        "conferences": ["initial", "review", "pre_birth"],
        "must_invite": ["father", "gp", "housing"],
        "father_only_when_known": True,
        "attendance_recorded_within_days": 2,
    }
    parameter_help = {
        "conferences": "the kinds of child protection conference checked",
        "must_invite": "who every conference must invite (conference roles; 'father' is met by "
        "inviting the father or the male carer)",
        "father_only_when_known": "the father (or male carer) must be invited only when a man "
        "is known around the child (false: always, so a conference with no father named is "
        "raised too)",
        "attendance_recorded_within_days": "days after the conference by which who attended "
        "must be recorded",
    }
    route = RouteSpec("childrens_social_care", "social_worker", "medium", 72)
    time_dependent = True  # the attendance record falls due after the conference

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        found = []
        baby = "unborn baby" if child.unborn else "baby"
        for conference in world.about(child, "conference"):
            on = conference.occurred_on
            if on > today or conference["kind"] not in params["conferences"]:
                continue
            invited = _roles(conference.get("invited"))
            men = [a for a in child.men_around(on) if a.kind in MEN]
            father_known = bool(men or child.fathers())
            not_invited: list[str] = []
            father_missing = False
            for role in params["must_invite"]:
                if role in ("father", "male_carer"):
                    if invited & {"father", "male_carer"}:
                        continue
                    if params["father_only_when_known"] and not father_known:
                        continue
                    if not father_missing:
                        not_invited.append(f"the {baby}'s father or male carer")
                    father_missing = True
                elif role not in invited:
                    not_invited.append(INVITEE_NAMES.get(role, role.replace("_", " ")))
            due = on + timedelta(days=params["attendance_recorded_within_days"])
            unrecorded = not _roles(conference.get("attended")) and due <= today
            if not (not_invited or unrecorded):
                continue
            gaps = []
            if not_invited:
                gaps.append(f"did not invite {_join(not_invited, 'or')}")
            if unrecorded:
                gaps.append("has no record of who attended")
            name = CONFERENCE_NAMES.get(conference["kind"], "child protection conference")
            text = (
                f"The {name} held by {agency_name(world, conference)} on {describe_date(on)} "
                f"{_join(gaps, 'and')}."
            )
            people = [(a.person, "father or male carer") for a in men] if father_missing else []
            if child.person:
                people.append((child.person, "child"))
            found.append(
                Finding(
                    child,
                    text,
                    facts=[conference],
                    people=sorted(set(people)),
                    anchor=f"conference:{conference.id}",
                )
            )
        return found


def _join(parts: list[str], word: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]
