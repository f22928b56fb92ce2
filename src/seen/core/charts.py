"""Charts as inline SVG (matplotlib), for reports and dashboards.

Each function returns one ``<svg>`` element ready to be placed in an HTML page or a PDF made from
it: text stays text (``svg.fonttype`` "none"), nothing is fetched, and the same data always gives
the same bytes (a fixed hash salt, no date). The SVG carries ``role="img"`` and a ``<title>``; the
caller renders the data table beside it, which is the accessible form of the chart.

Several charts may share one page, so every ``id`` inside a chart (and every reference to it) is
prefixed with a key derived from the chart's title and data.
"""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from html import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# GOV.UK Design System colours, in an order where neighbours contrast.
PALETTE = (
    "#1d70b8",  # blue
    "#f47738",  # orange
    "#00703c",  # green
    "#d4351c",  # red
    "#4c2c92",  # purple
    "#28a197",  # turquoise
    "#d53880",  # pink
    "#b58840",  # brown
    "#505a5f",  # dark grey
    "#85994b",  # light green
)
TEXT_COLOUR = "#0b0c0c"
# Characters per line for text drawn in a chart 5.6 inches wide: a longer title or category
# would widen the drawing, and the chart would then be shrunk, text and all, to fit its page.
TITLE_WIDTH = 56
LABEL_WIDTH = 28
FONT = ["Arial", "Helvetica", "DejaVu Sans", "sans-serif"]


def pie_svg(title: str, data: Mapping[str, float], texts: Mapping[str, str] | None = None) -> str:
    """A pie chart of ``data`` (category -> count); categories with no count are left out.
    ``texts``: what a category's value reads as where not its number (a published range,
    drawn at its middle)."""
    texts = texts or {}
    shown = {label: count for label, count in data.items() if count > 0}
    with _chart_settings(title, data):
        figure = Figure(figsize=(5.6, 3.6))
        axes = figure.add_subplot()
        if not shown:
            _nothing_to_draw(axes)
        else:
            wedges, _texts = axes.pie(
                list(shown.values()),
                colors=[PALETTE[i % len(PALETTE)] for i in range(len(shown))],
                startangle=90,
                counterclock=False,
                wedgeprops={"edgecolor": "white", "linewidth": 1.5},
            )
            axes.legend(
                wedges,
                [f"{label}: {texts.get(label, f'{n:g}')}" for label, n in shown.items()],
                loc="center left",
                bbox_to_anchor=(1.0, 0.5),
                frameon=False,
            )
            axes.set_aspect("equal")
        figure.suptitle(
            textwrap.fill(title, TITLE_WIDTH), x=0.02, horizontalalignment="left", fontweight="bold"
        )
        return _to_svg(figure, title, data)


def bar_svg(
    title: str,
    data: Mapping[str, float],
    *,
    horizontal: bool = False,
    percent: bool = False,
    texts: Mapping[str, str] | None = None,
) -> str:
    """A bar chart of ``data`` (category -> count), in the order given, each bar labelled with
    its count. ``horizontal`` suits long category names; ``percent``: the values are per cent,
    drawn on a 0-100 axis and labelled so; ``texts``: a bar's label where not its number (a
    published range, drawn at its middle)."""
    labels = list(data)
    counts = list(data.values())
    with _chart_settings(title, data):
        height = max(2.8, 0.4 * len(labels) + 1.3) if horizontal else 3.6
        figure = Figure(figsize=(5.6, height))
        axes = figure.add_subplot()
        if not labels:
            _nothing_to_draw(axes)
        else:
            value_axis = axes.xaxis if horizontal else axes.yaxis
            if horizontal:
                drawn = [textwrap.fill(label, LABEL_WIDTH) for label in labels]
                bars = axes.barh(drawn, counts, color=PALETTE[0])
                axes.invert_yaxis()  # first category at the top, as in the table
            else:
                bars = axes.bar(labels, counts, color=PALETTE[0])
                if len(labels) > 4 or max(len(label) for label in labels) > 12:
                    axes.tick_params(axis="x", labelrotation=30)
                    for tick in axes.get_xticklabels():
                        tick.set_horizontalalignment("right")
            value_axis.set_label_text("Per cent" if percent else "Number")
            limit = (axes.set_xlim if horizontal else axes.set_ylim)
            if percent:  # room for the label of a full bar, ticks up to 100 only
                limit(0, 115)
                value_axis.set_ticks([0, 25, 50, 75, 100])
            else:
                limit(0, max([*counts, 1]) * 1.15)
                value_axis.set_major_locator(MaxNLocator(integer=True))
            if texts:
                shown = [texts.get(label, f"{count:g}") for label, count in data.items()]
                axes.bar_label(bars, labels=shown, padding=2)
            else:
                axes.bar_label(bars, padding=2, fmt="%g%%" if percent else "%g")
            axes.spines[["top", "right"]].set_visible(False)
        figure.suptitle(
            textwrap.fill(title, TITLE_WIDTH), x=0.02, horizontalalignment="left", fontweight="bold"
        )
        figure.tight_layout()
        return _to_svg(figure, title, data)


def _nothing_to_draw(axes: Axes) -> None:
    axes.text(0.5, 0.5, "No cases", ha="center", va="center")
    axes.set_axis_off()


def _chart_key(title: str, data: Mapping[str, float]) -> str:
    content = title + "\x1f" + "\x1f".join(f"{label}\x1e{count}" for label, count in data.items())
    return "chart-" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:10]


@contextmanager
def _chart_settings(title: str, data: Mapping[str, float]) -> Iterator[None]:
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": _chart_key(title, data),
            "font.family": "sans-serif",
            "font.sans-serif": FONT,
            "font.size": 11,
            "text.color": TEXT_COLOUR,
            "axes.labelcolor": TEXT_COLOUR,
            "xtick.color": TEXT_COLOUR,
            "ytick.color": TEXT_COLOUR,
            "axes.titlesize": 13,
        }
    ):
        yield


def _to_svg(figure: Figure, title: str, data: Mapping[str, float]) -> str:
    """Render without pyplot (so no figure is left open), then make the SVG fit for inlining:
    no XML prolog, ids made unique to this chart, role="img" and a title."""
    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)  # RDF, only a creator
    key = _chart_key(title, data)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', svg)
    title_id = f"{key}-title"
    opening_end = svg.index(">") + 1
    opening = svg[: opening_end - 1]
    return (
        f'{opening} role="img" aria-labelledby="{title_id}" '
        f'style="max-width: 100%; height: auto">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f"{svg[opening_end:]}"
    )


def fluid(svg: str) -> str:
    """The chart without its own size, so that it fills its container's width (the viewBox keeps
    its shape). WeasyPrint needs this: it squares an SVG sized by ``height: auto``."""
    opening_end = svg.index(">")
    opening = re.sub(r' (?:width|height|style)="[^"]*"', "", svg[:opening_end])
    return opening + svg[opening_end:]
