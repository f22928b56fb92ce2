"""The partnership's rule settings in Django's admin: routes and thresholds. Alerts are changed
only through their lifecycle (seen.rules.lifecycle), never edited here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from seen.rules.models import Route, RuleParameter
from seen.rules.parameters import BadParameter, check
from seen.rules.registry import RULES_BY_ID


class RuleParameterForm(forms.ModelForm):
    class Meta:
        model = RuleParameter
        fields = ["rule_id", "name", "value", "reason"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        rule = RULES_BY_ID.get(data.get("rule_id", ""))
        if rule is None:
            raise forms.ValidationError(f"no rule {data.get('rule_id')!r}")
        try:
            check(rule, data.get("name", ""), data.get("value"))
        except BadParameter as error:
            raise forms.ValidationError(str(error)) from None
        return data


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ("rule_id", "agency_kind", "role", "severity", "deadline_hours")


@admin.register(RuleParameter)
class RuleParameterAdmin(admin.ModelAdmin):
    form = RuleParameterForm
    list_display = ("rule_id", "name", "value", "changed_at")
