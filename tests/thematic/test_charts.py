"""Charts as inline SVG: text kept as text, the same bytes for the same data, an accessible name,
ids that do not collide when several charts share a page, and no figure left open."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt

from seen.core.charts import bar_svg, fluid, pie_svg

DATA = {"died": 4, "seriously_harmed": 19}


def test_the_same_data_gives_the_same_svg() -> None:
    assert pie_svg("Outcome", DATA) == pie_svg("Outcome", DATA)
    assert bar_svg("Outcome", DATA, horizontal=True) == bar_svg("Outcome", DATA, horizontal=True)
    assert "<metadata" not in pie_svg("Outcome", DATA)  # no creator, no date


def test_the_svg_is_inline_with_role_img_and_a_title_and_its_text_stays_text() -> None:
    svg = bar_svg("Ages & months <0-11>", {"3": 9, "seriously_harmed": 1})
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    opening = svg[: svg.index(">")]
    assert 'role="img"' in opening
    title_id = re.search(r'aria-labelledby="([^"]+)"', opening)
    assert title_id
    assert f'<title id="{title_id.group(1)}">Ages &amp; months &lt;0-11&gt;</title>' in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "seriously_harmed" in texts
    assert "9" in texts  # the bar's count label


def test_pies_leave_out_empty_categories_and_label_counts() -> None:
    svg = pie_svg("Outcome", {"died": 4, "seriously_harmed": 0})
    assert "died: 4" in svg
    assert "seriously_harmed" not in svg


def test_no_data_draws_a_message() -> None:
    assert "No cases" in pie_svg("Outcome", {})
    assert "No cases" in bar_svg("Outcome", {})


def test_ids_differ_between_charts_so_they_can_share_a_page() -> None:
    first, second = bar_svg("One", DATA), bar_svg("Two", DATA)
    ids_first = set(re.findall(r'id="([^"]+)"', first))
    ids_second = set(re.findall(r'id="([^"]+)"', second))
    assert ids_first and ids_second
    assert not ids_first & ids_second
    for reference in re.findall(r"url\(#([^)]+)\)", first):
        assert reference in ids_first


def test_no_figure_is_left_open() -> None:
    before = plt.get_fignums()
    pie_svg("Outcome", DATA)
    bar_svg("Outcome", DATA)
    assert plt.get_fignums() == before


def test_fluid_drops_the_charts_own_size_and_keeps_its_viewbox() -> None:
    svg = fluid(pie_svg("Outcome", DATA))
    opening = svg[: svg.index(">")]
    assert "width=" not in opening and "height=" not in opening and "style=" not in opening
    assert "viewBox=" in opening and 'role="img"' in opening


def test_a_per_cent_chart_says_so_on_its_axis_and_labels_and_stops_at_100() -> None:
    svg = bar_svg("Seen", {"new birth": 40, "1 year": 100}, percent=True)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Per cent" in texts and "Number" not in texts
    assert {"40%", "100%"} <= set(texts)
    assert "125" not in texts and "100" in texts  # the axis's last tick
    counted = re.findall(r"<text[^>]*>([^<]*)</text>", bar_svg("Seen", {"a": 3}, horizontal=True))
    assert "Number" in counted and "3" in counted


def test_long_titles_and_categories_are_wrapped_not_widening_the_chart() -> None:
    long_title = "Fathers seen at mandated health-visiting contacts: per cent, " * 2
    category = "Father seen at the antenatal (pre-birth) contact"
    svg = bar_svg(long_title, {category: 80}, horizontal=True, percent=True)
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    assert width < 5.6 * 72 * 1.15  # the figure's own 5.6 inches, give or take the margins
    assert f">{long_title}</title>" in svg  # the accessible name is the whole title
    assert "Father seen at the antenatal" in svg and "(pre-birth) contact" in svg
