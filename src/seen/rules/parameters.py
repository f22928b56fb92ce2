"""A rule's thresholds as the partnership has set them (RuleParameter), over its defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seen.core.errors import Invalid
from seen.rules.base import Rule
from seen.rules.models import RuleParameter


class BadParameter(Invalid):
    pass


def parameters_for(rule: Rule, rows: list[RuleParameter] | None = None) -> Mapping[str, Any]:
    """The rule's thresholds in force; `rows` (every RuleParameter, read once by the caller)
    saves a query per rule."""
    values = dict(rule.defaults)
    if rows is None:
        rows = list(RuleParameter.objects.filter(rule_id=rule.id))
    for row in rows:
        if row.rule_id == rule.id:
            values[row.name] = check(rule, row.name, row.value)
    return values


def check(rule: Rule, name: str, value: Any) -> Any:
    """The value if it suits the parameter (same type as its default), else BadParameter."""
    if name not in rule.defaults:
        known = ", ".join(sorted(rule.defaults)) or "none"
        raise BadParameter(f"{rule.id} has no parameter {name!r} (its parameters: {known})")
    default = rule.defaults[name]
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise BadParameter(f"{rule.id}.{name} must be true or false, not {value!r}")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadParameter(f"{rule.id}.{name} must be a whole number >= 0, not {value!r}")
    elif isinstance(default, list | tuple) and (
        not isinstance(value, list) or not all(isinstance(v, str) for v in value)
    ):
        raise BadParameter(f"{rule.id}.{name} must be a list of codes, not {value!r}")
    return value
