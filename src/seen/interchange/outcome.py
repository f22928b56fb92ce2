"""What an import of a national format reports: the children loaded, the children quarantined
whole, and each fault named by the child's id, the element and the rule, with the reason in
words (`seen import … --json` prints `as_json`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fault:
    child: str  # the child's id in the format (LAchildID, pers_person_id); "" when it has none
    element: str  # where: the XML element or the table and column
    rule: str  # the format's own rule number where it has one (DfE 8525Q), else a short name
    reason: str  # in words
    warning: bool = False  # reported, the child still loaded (DfE's warnings)


@dataclass
class ImportOutcome:
    children_loaded: int = 0
    quarantined: int = 0
    faults: list[Fault] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)  # the ingest's own summary, counts

    def as_json(self) -> dict[str, Any]:
        return {
            "children_loaded": self.children_loaded,
            "quarantined": self.quarantined,
            "faults": [asdict(fault) for fault in self.faults],
            **({"ingest": self.detail} if self.detail else {}),
        }
