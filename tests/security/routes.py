"""What there is to attack, found rather than listed: every URL pattern Seen serves (from
Django's resolver, so a page added later is attacked too), the names of every form field its
templates carry, and the forms on a page as a browser would submit them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import seen

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
CHILD_OR_PERSON = ("reference", "person_reference")
TEMPLATES = Path(seen.__file__).parent / "web" / "jinja2"
FIELD_NAME = re.compile(r"""(?:name=["']|"name":\s*")([a-z_][a-z0-9_]*)["']""")


@dataclass(frozen=True)
class Route:
    template: str  # Django's pattern from the root, "children/<str:reference>/"
    name: str

    @property
    def parameters(self) -> list[str]:
        return [m["name"] for m in PARAMETER.finditer(self.template)]

    @property
    def api(self) -> bool:
        return self.template.startswith("api/")

    @property
    def about_a_child_or_person(self) -> bool:
        return any(p in CHILD_OR_PERSON for p in self.parameters)

    def fill(self, values: Mapping[str, str]) -> str:
        """The path, each parameter replaced by its value (as it goes into the address)."""
        return "/" + PARAMETER.sub(lambda m: values[m["name"]], self.template)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield Route(prefix + str(pattern.pattern), pattern.name or "")


@cache
def routes() -> tuple[Route, ...]:
    """Every route Seen serves but Django's admin (attacked as the administrator would use it)
    and the OpenAPI root (`api/`, which names no operation)."""
    found: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        if route.template.startswith("admin/") or route.template in ("api/",):
            continue
        found.setdefault(route.template, route)
    return tuple(found.values())


def child_and_person_routes() -> list[Route]:
    return [r for r in routes() if r.about_a_child_or_person]


@cache
def template_field_names() -> frozenset[str]:
    """Every form field name the page templates write (what a POST body may carry)."""
    names: set[str] = set()
    for template in TEMPLATES.rglob("*.html"):
        names.update(FIELD_NAME.findall(template.read_text(encoding="utf-8")))
    return frozenset(names - {"viewport", "csrfmiddlewaretoken"})


# ---- forms on a page -------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    # (name, value, kind): kind is the input's type, "textarea" or "select"; a radio group or a
    # select stands as one field, with its checked (selected) choice, else its first
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    # the fields a browser would send as they are: checked boxes, chosen options, hidden and
    # typed values (no submit button)
    chosen: set[str] = field(default_factory=set)

    def as_sent(self, **changes: str) -> dict[str, str]:
        """What a browser submits with no change made, with `changes` made."""
        data = {
            name: value
            for name, value, kind in self.fields
            if kind not in ("checkbox", "submit", "button", "image")
            or (kind == "checkbox" and name in self.chosen)
        }
        return {**data, **changes}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None

    def _set(self, name: str, value: str, kind: str, *, replace: bool) -> None:
        fields = self.forms[-1].fields
        for index, (known, _, known_kind) in enumerate(fields):
            if known == name and known_kind == kind:
                if replace:
                    fields[index] = (name, value, kind)
                return
        fields.append((name, value, kind))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            checked = "checked" in a
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._set(a["name"], value, kind, replace=checked)
            if checked:
                form.chosen.add(a["name"])
        elif tag == "textarea" and a.get("name"):
            self._set(a["name"], "", "textarea", replace=False)
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select is not None:
            selected = "selected" in a
            if a.get("value") or selected:
                self._set(self._select, a.get("value", ""), "select", replace=selected)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            if self._select is not None and self.forms:
                self._set(self._select, "", "select", replace=False)
            self._select = None


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms
