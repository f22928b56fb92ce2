"""Hostile or broken files sent as a CIN census return: each refused whole with a message, before
anything is loaded, within bounded memory, and without reaching a file or the network."""

from __future__ import annotations

import socket
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from seen.areas.models import Agency
from seen.ingest.models import IngestBatch
from seen.interchange import cin_parse
from seen.interchange.cin_census import import_return
from seen.interchange.cin_parse import MAX_RETURN_BYTES, ReturnRefused, read_return
from seen.people.models import SourceRecord
from tests.interchange import cin_xml
from tests.interchange.cin_xml import AGENCY, census, child, episode, full_episode

council = cin_xml.council

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate>
</CollectionDetails></Header><Children><Child><ChildIdentifiers>
<LAchildID>&lol9;</LAchildID></ChildIdentifiers></Child></Children></Message>
"""


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A port nothing should connect to: a DTD or entity naming it must not be fetched."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


def _nothing_was_loaded() -> None:
    assert not IngestBatch.objects.exists() and not SourceRecord.objects.exists()


def _refused(path: Path, match: str) -> str:
    with pytest.raises(ReturnRefused, match=match) as refused:
        import_return(path, AGENCY, link=False)
    _nothing_was_loaded()
    return str(refused.value)


def test_a_billion_laughs_is_refused_within_bounded_memory(council: Agency, tmp_path: Path) -> None:
    path = cin_xml.write(tmp_path, LAUGHS)
    tracemalloc.start()
    try:
        message = _refused(path, "declares a document type")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024
    assert "Nothing was loaded" in message


def test_an_external_entity_is_refused_unread(
    council: Agency, tmp_path: Path, listener: socket.socket
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-VALUE")
    port = listener.getsockname()[1]
    for n, declaration in enumerate(
        [
            f'<!DOCTYPE Message [<!ENTITY x SYSTEM "file://{secret}">]>',
            f'<!DOCTYPE Message [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>',
            f'<!DOCTYPE Message [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>',
        ]
    ):
        xml = census(child(episode(), child_id="&x;")).replace(
            '<?xml version="1.0" encoding="UTF-8"?>\n', f'<?xml version="1.0"?>\n{declaration}\n'
        )
        message = _refused(cin_xml.write(tmp_path, xml, f"r{n}.xml"), "declares a document type")
        assert "SECRET" not in message
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing tried to fetch the entities


def test_an_external_dtd_is_refused_without_reaching_the_network(
    council: Agency, tmp_path: Path, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    xml = census(child(full_episode())).replace(
        "<Message>", f'<!DOCTYPE Message SYSTEM "http://127.0.0.1:{port}/cin.dtd">\n<Message>', 1
    )
    _refused(cin_xml.write(tmp_path, xml), "declares a document type")
    with pytest.raises(BlockingIOError):
        listener.accept()


def test_a_file_beyond_the_bound_is_refused_before_it_is_parsed(
    council: Agency, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(cin_parse, "DefusedXMLParser", never)
    path = tmp_path / "big.xml"
    with path.open("wb") as handle:  # 200 MB, sparse: no disk is used
        handle.truncate(200 * 1024 * 1024)
    message = _refused(path, f"big.xml is more than {MAX_RETURN_BYTES} bytes")
    assert "Nothing was read" in message


def test_a_file_that_grows_past_the_bound_after_it_was_measured_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = cin_xml.write(tmp_path, census(child(full_episode())))
    monkeypatch.setattr(cin_parse, "MAX_RETURN_BYTES", path.stat().st_size + 1000)
    measured = read_return(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("<!-- grown -->" * 1000)
    with pytest.raises(ReturnRefused, match="is more than"):
        list(measured.each_child())


@pytest.mark.parametrize(
    ("xml", "match"),
    [
        (census(child(episode(), stray="<a>" * 2000 + "</a>" * 2000)), "nests elements more than"),
        (census(child(episode(), stray="x" * (2 * 1024 * 1024))), "holds more than"),
        ("\x00\x01 not XML at all", "is not well-formed XML"),
        (census(child(episode())).replace("</Children></Message>", "</Children>"), "well-formed"),
        ("<Return><Children/></Return>", "its root element is Return, not Message"),
        (census(child(episode()), reference=""), "has no reference date"),
        (census(child(episode()), reference="2025-02-30"), "is not a date"),
    ],
    ids=["deep", "huge child", "not XML", "unclosed", "wrong root", "no date", "bad date"],
)
def test_a_broken_file_is_refused_whole(
    xml: str, match: str, council: Agency, tmp_path: Path
) -> None:
    _refused(cin_xml.write(tmp_path, xml), match)


@pytest.mark.slow
def test_a_large_return_is_read_one_child_at_a_time(tmp_path: Path) -> None:
    children = 5000
    path = cin_xml.write(
        tmp_path, census(*(child(full_episode(), child_id=f"C{n}") for n in range(children)))
    )
    assert path.stat().st_size > 8 * 1024 * 1024
    tracemalloc.start()
    try:
        census_return = read_return(path)
        seen = sum(1 for _child in census_return.each_child())
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == census_return.children == children
    assert peak < 3 * 1024 * 1024, peak  # the file is near three times that, a tree far more
