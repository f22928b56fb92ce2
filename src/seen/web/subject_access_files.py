"""The subject-access report as a file to release: PDF (tagged, PDF/UA-1, made by WeasyPrint from
the HTML as the thematic review's report is: seen.thematic.report.report_pdf), CSV (one row per
item, its section in a column; no cell a spreadsheet would run: seen.core.spreadsheet), HTML
(the PDF's own document) and Markdown. Each is made from the report in words
(seen.web.subject_access_words), so every file says the same as the page. The page and
`seen audit subject-access` both write them through `document`.

Every value comes from agencies' extracts and practitioners' typing: the HTML escapes it (Jinja's
autoescape), the Markdown writes it as text (`markdown_text`), the CSV neutralises a formula."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.template.loader import render_to_string

from seen.core import spreadsheet
from seen.thematic.report import report_pdf
from seen.web.subject_access_words import Item, Words

CSV_COLUMNS = ("Section", "Item", "Source", "Details")
ABOUT = "About this information"


@dataclass(frozen=True)
class Format:
    label: str  # as the page's links and messages name it
    content_type: str
    suffix: str


FORMATS = {
    "pdf": Format("PDF", "application/pdf", "pdf"),
    "csv": Format("CSV", "text/csv; charset=utf-8", "csv"),
    "html": Format("HTML", "text/html; charset=utf-8", "html"),
    "markdown": Format("Markdown", "text/markdown; charset=utf-8", "md"),
}


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str
    filename: str


def document(words: Words, wanted: str) -> Document:
    """The report as a file of format `wanted` (a key of FORMATS)."""
    chosen = FORMATS[wanted]
    if wanted == "pdf":
        body = report_pdf(as_html(words))
    elif wanted == "csv":
        body = as_csv(words).encode("utf-8")
    elif wanted == "html":
        body = as_html(words).encode("utf-8")
    else:
        body = as_markdown(words).encode("utf-8")
    return Document(body, chosen.content_type, f"subject-access-{words.reference}.{chosen.suffix}")


def as_html(words: Words) -> str:
    """One standalone document (its style inline, nothing fetched): the HTML download and the
    source of the PDF."""
    return render_to_string("web/audit_subject_access_download.html", {"words": words})


def _details(item: Item) -> str:
    return "; ".join(f"{d.label}: {d.value}" for d in item.details)


def as_csv(words: Words) -> str:
    """One row per item: what the report says about the information, each thing held, each
    look; its section, its title, its source, and its details as "label: value; …"."""
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for detail in words.about:
        writer.writerow([ABOUT, detail.label, "Seen", detail.value])
    for section in (*words.sections, words.looks):
        for item in section.items:
            writer.writerow([section.title, item.title, item.source, _details(item)])
    return out.getvalue()


# Markdown's inline syntax: code, emphasis, the escape itself, and the "]" that would close a
# link's or an image's text ("](", "][") or define a link ("]:"), so that "[shielded]" still
# reads as written; and, at the start of a value (which may begin a line), its block syntax: a
# heading, a list, a rule. (HTML, and so "<…>" links, is written as entities.)
_INLINE = re.compile(r"([\\`*~]|\](?=[(\[:])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_BLOCK = re.compile(r"^(\s*)([#+=-])|^(\s*\d+)([.)])")


def markdown_text(value: str) -> str:
    """A value as Markdown shows it and nothing more: no HTML (a name such as "<img src=x
    onerror=…>" is written as text), no link, image, emphasis or code, no new line (a value
    cannot start a heading or a list of its own)."""
    text = " ".join(str(value).splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    return _BLOCK.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}", text)


def as_markdown(words: Words) -> str:
    """The report as a document a person can read, every value written as text."""
    md = markdown_text
    out = [f"# {md(words.title)}", "", f"Made {md(words.made)}."]
    if words.also_known_as:
        out.append(f"Earlier references now leading here: {md(', '.join(words.also_known_as))}.")
    out += ["", f"## {ABOUT}", ""]
    out += [f"- {md(d.label)}: {md(d.value)}" for d in words.about]
    for section in words.sections:
        out += ["", f"## {md(section.title)}", ""]
        if not section.items:
            out.append("None held.")
        for item in section.items:
            out += [f"### {md(item.title)}", "", f"From {md(item.source)}.", ""]
            out += [f"- {md(d.label)}: {md(d.value)}" for d in item.details]
            out.append("")
    out += ["", f"## {md(words.looks.title)}", ""]
    if not words.looks.items:
        out.append("No one, before this report.")
    for look in words.looks.items:
        out.append(f"- {md('; '.join(f'{d.label}: {d.value}' for d in look.details))}")
    out.append("")
    return "\n".join(out)
