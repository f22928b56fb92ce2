"""Mandated health-visiting contacts (new birth, 6-8 weeks) should see the father (or male
carer); if he was not seen and no reason was recorded, the health visitor is prompted to engage
him, with an out-of-hours offer.

One alert per child: it names every mandated contact that missed him since he was last seen at
one, and closes when a later mandated contact sees him."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, Fact, World

CONTACT_NAMES = {
    "antenatal_booking": "antenatal booking",
    "antenatal": "antenatal contact",
    "new_birth": "new-birth visit",
    "six_to_eight_weeks": "6-8 week review",
    "one_year": "1 year review",
}


class FatherSeenAtMandatedContact(Rule):
    id = "father-seen-at-mandated-contact"
    version = 1
    defaults = {
        "mandated_contacts": ["new_birth", "six_to_eight_weeks"],
        "reason_suffices": True,
        "seen_later_resolves": True,
    }
    parameter_help = {
        "mandated_contacts": "contact kinds at which the father (or male carer) should be seen",
        "reason_suffices": "a contact that records why the father was not seen raises no prompt "
        "(false: prompt whenever he was not seen)",
        "seen_later_resolves": "seeing him at a later mandated contact answers the prompt "
        "(false: every unexplained miss stays an alert until the health visitor answers it)",
    }
    route = RouteSpec("health_visiting", "health_visitor", "low", 336)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        mandated = [
            c
            for c in world.about(child, "contact")
            if c["kind"] in params["mandated_contacts"] and c.occurred_on <= world.today
        ]
        missed: list[Fact] = []
        for contact in mandated:  # in date order
            if contact["father_seen"] == "yes" and params["seen_later_resolves"]:
                missed = []  # seen: earlier misses are made good
            elif contact["father_seen"] == "no":
                has_reason = bool((contact.get("father_not_seen_reason") or "").strip())
                if not (has_reason and params["reason_suffices"]):
                    missed.append(contact)
        if not missed:
            return []
        fathers = {c.persons["father"] for c in missed if "father" in c.persons}
        man = _who(child, fathers)
        names = [
            f"{CONTACT_NAMES.get(c['kind'], c['kind'].replace('_', ' '))} on "
            f"{describe_date(c.occurred_on)}"
            for c in missed
        ]
        last = missed[-1]
        reasons = [(c.get("father_not_seen_reason") or "").strip() for c in missed]
        why = (
            "and recorded no reason"
            if not all(reasons)
            else f"(the reason recorded: {reasons[-1].rstrip('.')})"
        )
        seen_after = [
            c for c in mandated if c["father_seen"] == "yes" and c.occurred_on > last.occurred_on
        ]
        if seen_after:  # kept open by the partnership's choice: say he has since been seen
            then = seen_after[0]
            action = (
                f"he was seen at the {CONTACT_NAMES.get(then['kind'], then['kind'])} on "
                f"{describe_date(then.occurred_on)}; record why he was missed"
            )
        else:
            action = "offer him a contact, out of hours if he works"
        text = (
            f"{agency_name(world, last)} did not see the {man} at the {_join(names)}, "
            f"{why}: {action}."
        )
        people = [(p, "father") for p in sorted(fathers)]
        if child.person:
            people.append((child.person, "child"))
        return [Finding(child, text, facts=missed, people=people, anchor="father-engagement")]


def _who(child: Child, fathers: set[int]) -> str:
    kinds = {a.kind for a in child.adults if a.person in fathers}
    baby = "unborn baby" if child.unborn else "baby"
    if "birth_father" in kinds or not kinds:
        return f"{baby}'s father"
    if "male_carer" in kinds:
        return f"{baby}'s male carer"
    if "mothers_partner" in kinds:
        return "mother's partner"
    return f"man in the {baby}'s household"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
