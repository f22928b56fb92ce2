"""Every rule Seen runs: one module per procedure of design.md §6 in seen.rules.procedures,
each defining one Rule subclass whose `id` is the procedure's (seen.core.procedures)."""

from __future__ import annotations

import importlib
import pkgutil

from seen.core.procedures import PROCEDURES
from seen.rules import procedures as procedures_package
from seen.rules.base import Rule


def _discover() -> tuple[Rule, ...]:
    found: dict[str, Rule] = {}
    for module_info in pkgutil.iter_modules(procedures_package.__path__):
        module = importlib.import_module(f"{procedures_package.__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule:
                if value.__module__ != module.__name__:
                    continue  # imported from elsewhere
                rule = value()
                if rule.id in found:
                    raise RuntimeError(f"two rules for procedure {rule.id}")
                found[rule.id] = rule
    order = [p.id for p in PROCEDURES]
    unknown = set(found) - set(order)
    if unknown:
        raise RuntimeError(f"rules for no known procedure: {sorted(unknown)}")
    return tuple(found[i] for i in order if i in found)


RULES: tuple[Rule, ...] = _discover()
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
