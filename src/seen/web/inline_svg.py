"""A chart drawn by seen.core.charts, fit to be inlined in a page under the Content-Security-
Policy, which allows no inline style (style-src 'self'): matplotlib writes its colours, strokes
and fonts as `style="…"` attributes and a `<style>` element, which the browser would then ignore,
leaving the chart black and unreadable.

Every declaration matplotlib writes (fill, stroke and its width, join and cap, font size, family
and weight, text anchor, opacity) is also an SVG presentation attribute, which a CSP does not
govern: each `style="a: b; c: d"` becomes `a="b" c="d"`, the one `<style>` rule (`*{…}`) moves
onto the root element (both properties inherit), and the root's own sizing, which needs CSS,
becomes `width="100%"` with the viewBox keeping its shape."""

from __future__ import annotations

import re

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>\*\{([^}]*)\}</style>", re.S)
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def _as_attributes(declarations: str) -> str:
    attributes = []
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            # as written inside style="…", so already fit for a double-quoted attribute
            attributes.append(f' {name}="{value}"')
    return "".join(attributes)


def without_inline_style(svg: str) -> str:
    """The same chart with presentation attributes instead of inline CSS."""
    root_end = svg.index(">")
    root = _SIZE.sub("", svg[:root_end])
    root = _STYLE_ATTRIBUTE.sub("", root) + ' width="100%"'
    body = svg[root_end:]
    rule = _STYLE_ELEMENT.search(body)
    if rule:
        root += _as_attributes(rule.group(1))
        body = body[: rule.start()] + body[rule.end() :]
    body = _STYLE_ATTRIBUTE.sub(lambda match: _as_attributes(match.group(1)), body)
    return root + body
