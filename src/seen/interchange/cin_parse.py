"""A Children in Need census return read safely: the file's size bounded before it is opened,
then streamed through defusedxml's parser, which refuses a document type declaration (and so
every entity, internal or external: a billion laughs, an external entity, a remote DTD) before
any of it is used, and never reaches the network. Nesting, and the size of one child, are bounded
too, so a hostile file is refused with a message within bounded memory.

The return is read twice, one block at a time: first for its header and the count of each
`LAchildID` (a duplicate can only be known once every child is seen), then child by child, each
`Child` element built alone, handed on and dropped."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from seen.core.errors import Invalid

# A large authority's return is tens of megabytes; a file beyond this is refused unread.
MAX_RETURN_BYTES = 128 * 1024 * 1024
MAX_DEPTH = 16  # a return nests seven deep
MAX_CHILD_CHARACTERS = 1024 * 1024  # a child's record is a few kilobytes
_BLOCK = 64 * 1024


class ReturnRefused(Invalid):
    """The return cannot be read at all: nothing of it is loaded, and the message says why."""


def local_name(tag: str) -> str:
    """An element's name without its namespace ({uri}Child is Child)."""
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class Header:
    reference_date: date  # the last day of the census period
    collection: str = ""
    year: str = ""
    lea: str = ""

    @property
    def period_start(self) -> date:
        """The first day of the census year that ends on the reference date."""
        end = self.reference_date
        try:
            year_before = end.replace(year=end.year - 1)
        except ValueError:  # 29 February
            year_before = end.replace(year=end.year - 1, day=28)
        return year_before + timedelta(days=1)


@dataclass(frozen=True)
class ChildElement:
    """One `Child` as sent: where it starts in the file and its elements."""

    line: int
    element: Element

    @property
    def xml(self) -> str:
        return tostring(self.element, encoding="unicode")


@dataclass
class _Reading:
    """What the parser's target collects: the header, and each child as it closes."""

    keep_children: bool
    path: list[str] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    ids: Counter[str] = field(default_factory=Counter)
    children: deque[ChildElement] = field(default_factory=deque)
    child: TreeBuilder | None = None
    child_line: int = 0
    child_characters: int = 0
    child_id: list[str] | None = None
    line: Any = None  # the expat parser's current line, read as each child starts

    # the parser's target interface (xml.etree.ElementTree.XMLParser)
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = local_name(tag)
        self.path.append(name)
        if len(self.path) > MAX_DEPTH:
            raise ReturnRefused(f"the return nests elements more than {MAX_DEPTH} deep")
        if len(self.path) == 1 and name != "Message":
            raise ReturnRefused(f"not a CIN census return: its root element is {name}, not Message")
        self.text = []
        if self.path[:3] == ["Message", "Children", "Child"]:
            if len(self.path) == 3:
                self.child_line = self.line() if self.line else 0
                self.child_characters = 0
                self.child_id = None
                self.child = TreeBuilder() if self.keep_children else None
            elif self.path[3:] == ["ChildIdentifiers", "LAchildID"]:
                self.child_id = []
            if self.child is not None:
                self.child.start(name, {})

    def data(self, text: str) -> None:
        if self.path[:3] == ["Message", "Children", "Child"]:
            self.child_characters += len(text)
            if self.child_characters > MAX_CHILD_CHARACTERS:
                raise ReturnRefused(
                    f"the child starting at line {self.child_line} holds more than "
                    f"{MAX_CHILD_CHARACTERS} characters; a child's record is a few kilobytes"
                )
            if self.child is not None:
                self.child.data(text)
            if self.child_id is not None and self.path[3:] == ["ChildIdentifiers", "LAchildID"]:
                self.child_id.append(text)
        elif self.path[:2] == ["Message", "Header"]:
            self.text.append(text)

    def end(self, tag: str) -> None:
        name = self.path.pop()
        where = [*self.path, name]
        if where[:2] == ["Message", "Header"] and len(where) == 4:
            self.header[name] = "".join(self.text).strip()
        if where[:3] != ["Message", "Children", "Child"]:
            return
        if self.child is not None:
            self.child.end(name)
        if len(where) == 3:
            self.ids["".join(self.child_id or []).strip()] += 1
            if self.child is not None:
                self.children.append(ChildElement(self.child_line, self.child.close()))
            self.child = None

    def close(self) -> None:
        return None


def _parse(path: Path, reading: _Reading) -> Iterator[ChildElement]:
    """Feed the file block by block, yielding each child as soon as it closes."""
    parser = DefusedXMLParser(
        target=reading, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    expat = getattr(parser, "parser", None)
    if expat is not None:
        reading.line = lambda: expat.CurrentLineNumber
    read = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                read += len(block)
                if read > MAX_RETURN_BYTES:  # it grew since it was measured
                    raise ReturnRefused(_too_large(path))
                parser.feed(block)
                while reading.children:
                    yield reading.children.popleft()
        parser.close()
        while reading.children:
            yield reading.children.popleft()
    except DefusedXmlException as refused:
        raise ReturnRefused(_hostile(path, refused)) from None
    except ParseError as error:
        raise ReturnRefused(f"{path.name} is not well-formed XML: {error}") from None
    except RecursionError:
        raise ReturnRefused(f"{path.name} nests elements too deeply to read") from None


def _hostile(path: Path, refused: DefusedXmlException) -> str:
    kind = type(refused).__name__
    what = {
        "DTDForbidden": "declares a document type (<!DOCTYPE …>)",
        "EntitiesForbidden": "declares an entity (<!ENTITY …>)",
        "ExternalReferenceForbidden": "refers to an external file or address",
        "NotSupportedError": "uses an XML feature Seen does not read",
    }.get(kind, f"was refused by the XML parser ({kind})")
    return (
        f"{path.name} {what}. A CIN census return has none, and Seen refuses one: it could "
        "expand without end or reach for other files. Nothing was loaded"
    )


def _too_large(path: Path) -> str:
    return (
        f"{path.name} is more than {MAX_RETURN_BYTES} bytes; a CIN census return is tens of "
        "megabytes. Nothing was read"
    )


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CensusReturn:
    """A return whose whole file has been read once: its header and how often each id occurs."""

    path: Path
    header: Header
    ids: Counter[str]

    @property
    def children(self) -> int:
        return sum(self.ids.values())

    def each_child(self) -> Iterator[ChildElement]:
        """The second reading: every child in the order of the file."""
        yield from _parse(self.path, _Reading(keep_children=True))


def read_return(path: Path) -> CensusReturn:
    """Measure, then read the return once for its header and ids (ReturnRefused if it cannot be
    read: too large, hostile, not well-formed, not a CIN census return, no reference date)."""
    if not path.is_file():
        raise ReturnRefused(f"{path} is not a file")
    if path.stat().st_size > MAX_RETURN_BYTES:
        raise ReturnRefused(_too_large(path))
    reading = _Reading(keep_children=False)
    for _child in _parse(path, reading):
        pass
    reference = reading.header.get("ReferenceDate", "")
    if not DATE.fullmatch(reference):
        raise ReturnRefused(
            f"{path.name} has no reference date (Message/Header/CollectionDetails/ReferenceDate "
            f"is {reference!r}), so its census period cannot be known"
        )
    try:
        reference_date = date.fromisoformat(reference)
    except ValueError:
        raise ReturnRefused(f"{path.name}'s reference date {reference!r} is not a date") from None
    header = Header(
        reference_date,
        reading.header.get("Collection", ""),
        reading.header.get("Year", ""),
        reading.header.get("LEA", ""),
    )
    return CensusReturn(path, header, reading.ids)
