"""docs/rules.md is the catalogue written from the rules; it must not fall behind them."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command

from seen.core.procedures import PROCEDURES
from seen.rules.catalogue import markdown
from seen.rules.registry import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/rules.md is out of date: run `seen rules list --markdown > docs/rules.md`"
    )


def test_every_rule_is_documented_with_its_thresholds() -> None:
    text = markdown()
    for rule in RULES:
        assert f"## `{rule.id}`" in text
        for name in rule.defaults:
            assert f"`{name}`" in text
            assert rule.parameter_help.get(name), f"{rule.id}.{name} has no help text"


def test_every_rule_implements_a_known_procedure_with_its_statement() -> None:
    statements = {p.id: p.statement for p in PROCEDURES}
    for rule in RULES:
        assert rule.statement == statements[rule.id]
        assert rule.version >= 1


def test_the_markdown_option_prints_the_catalogue() -> None:
    out = io.StringIO()
    call_command("rules", "list", "--markdown", stdout=out)
    assert out.getvalue() == markdown()
