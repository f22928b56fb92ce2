"""A long list shown a page at a time: the page number bound by a GET form, the slice shown, and
the GOV.UK pagination component's parameters (Previous, the page numbers with ellipses, Next).

A page number that is not one (letters, 0, a negative, 300 digits) is the form's error, and the
first page is shown; a number past the last page shows the last page: never a server error."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.http import QueryDict

from seen.web.forms import SeenForm, row_id_field

PER_PAGE = 50
PAGE_NUMBER = "Enter a page number, for example 2"
Item = TypeVar("Item")
Row = TypeVar("Row", covariant=True)


class PageForm(SeenForm):
    """The page of a list asked for in the address (`?page=2`): none is the first page. The
    error links to `anchor`, the list's heading (the number is typed in no box)."""

    anchor = "page"
    page = row_id_field(PAGE_NUMBER, required=False)

    def field_id(self, name: str) -> str:
        return self.anchor


def page_form(query: QueryDict, form_class: type[PageForm] = PageForm) -> PageForm:
    """The form bound to the address when it names a page, else unbound (the first page)."""
    return form_class(query if "page" in query else None)


def asked_page(form: PageForm) -> int:
    """The page number asked for: 1 unless the form names a valid one."""
    if form.is_bound and form.is_valid():
        return int(form.cleaned_data["page"] or 1)
    return 1


@dataclass(frozen=True)
class Paged(Generic[Item]):
    items: Sequence[Item]  # this page's
    number: int  # 1 is the first page
    pages: int  # at least 1, for an empty list too
    total: int
    per_page: int

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1 if self.total else 0

    def pagination(self, href: Callable[[int], str]) -> dict[str, Any] | None:
        """govukPagination's parameters (`href(n)`: the address of page n), None for one page."""
        if self.pages <= 1:
            return None
        found: dict[str, Any] = {"items": _numbers(self.number, self.pages, href)}
        if self.number > 1:
            found["previous"] = {"href": href(self.number - 1)}
        if self.number < self.pages:
            found["next"] = {"href": href(self.number + 1)}
        return found


class Rows(Protocol[Row]):
    """A list, or a query whose rows are read only for the page shown (give its count)."""

    def __getitem__(self, window: slice, /) -> Iterable[Row]: ...


def paged(
    items: Rows[Item], number: int, per_page: int = PER_PAGE, *, total: int | None = None
) -> Paged[Item]:
    """Page `number` of `items` (clamped to the pages there are); `total`: how many there are,
    for a query (a list's length otherwise)."""
    count = len(items) if total is None and isinstance(items, Sized) else (total or 0)
    pages = max(1, -(-count // per_page))
    number = min(max(1, number), pages)
    start = (number - 1) * per_page
    return Paged(list(items[start : start + per_page]), number, pages, count, per_page)


def _numbers(current: int, pages: int, href: Callable[[int], str]) -> list[dict[str, Any]]:
    """The first page, the last, and those either side of the current one; an ellipsis for
    each gap (as the GOV.UK pattern shows them)."""
    shown = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    for number in shown:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append({"number": number, "href": href(number), "current": number == current})
    # the ellipses carried a number only to find the gaps
    return [{"ellipsis": True} if item.get("ellipsis") else item for item in items]
