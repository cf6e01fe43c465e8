"""Plotly's pseudo-HTML in data is shown, never applied: every chart drawn from a snapshot whose every text field
holds a link, a styled span, a comment or a script shows them as typed (figures.to_label), on the page, in the
briefing and in the offline bundle alike, since all three draw the same figures."""

from __future__ import annotations

import re

import pytest

import hostile_data as hostile
from dashboard import charts, figures, state
from dashboard.specs import commitments as commitments_spec
from helpers import page_module

# The tags the figures write themselves; any other '<' in shown text came from the data.
OWN_TAGS = re.compile(r"</?(?:br|b|extra)>")
SHOWN_TRACE_FIELDS = ("x", "y", "text", "name", "hovertext")
CUSTOMDATA_REF = re.compile(r"%\{customdata(?:\[(\d+)\])?")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on two hostile snapshots: the second adds rows, so that the compare charts draw."""
    data_dir = tmp_path_factory.mktemp("hostile-labels")
    earlier = {name: rows[:1] for name, rows in hostile.TABLES.items()}
    earlier["jurisdictions"] = hostile.TABLES["jurisdictions"]
    hostile.write(data_dir, "20240101T000000Z", tables=earlier)
    hostile.write(data_dir, "20240601T000000Z")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        yield create_app(data_dir)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _points(customdata):
    """Yield each point's customdata: an innermost list of scalars (a bar's, or a heatmap cell's)."""
    if isinstance(customdata, (list, tuple)):
        if customdata and not any(isinstance(v, (list, tuple)) for v in customdata):
            yield customdata
        else:
            for item in customdata:
                yield from _points(item)


def shown_text(fig) -> list[tuple[str, str]]:
    """Return (where, text) for every string Plotly shows as text: trace labels, names and hover values, axis
    categories and tick text, titles and annotations."""
    spec = fig.to_plotly_json()
    out = []
    for i, trace in enumerate(spec["data"]):
        for field in SHOWN_TRACE_FIELDS:
            out += [(f"data[{i}].{field}", s) for s in _strings(trace.get(field))]
        refs = CUSTOMDATA_REF.findall(trace.get("hovertemplate") or "")
        for ref in refs:
            if ref == "":  # %{customdata}: the value itself
                out += [(f"data[{i}].customdata", s) for s in _strings(trace.get("customdata"))]
            else:
                out += [(f"data[{i}].customdata[{ref}]", p[int(ref)]) for p in _points(trace.get("customdata"))
                        if len(p) > int(ref) and isinstance(p[int(ref)], str)]
    layout = spec["layout"]
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            for field in ("categoryarray", "ticktext"):
                out += [(f"layout.{key}.{field}", s) for s in _strings(axis.get(field))]
            out += [(f"layout.{key}.title", s) for s in _strings((axis.get("title") or {}).get("text"))]
    out += [(f"layout.annotations[{i}]", a.get("text", "")) for i, a in enumerate(layout.get("annotations", []))]
    out += [("layout.title", s) for s in _strings((layout.get("title") or {}).get("text"))]
    return out


def _markup(fig) -> list[tuple[str, str]]:
    return [(where, text) for where, text in shown_text(fig) if "<" in OWN_TAGS.sub("", text)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_chart_shows_markup_from_the_data(app, lang):
    drawn = 0
    for chart_id, spec in charts.REGISTRY.items():
        search = f"?lang={lang}" + ("&base=20240101T000000Z" if chart_id.startswith("compare-") else "")
        fig, *_ = charts.render(chart_id, search, "ca-1" if spec.keyed else None)
        drawn += bool(fig.data)
        assert _markup(fig) == [], chart_id
    assert drawn >= 15  # the hostile snapshot draws (nearly) every chart, not a row of empty states


def test_hostile_names_reach_the_labels_escaped_and_read_back_unchanged(app):
    fig, *_ = charts.render("commitments-heatmap", "")
    names = list(fig.data[0].y)
    assert figures.to_label(hostile.LINK) in names  # the name reaches the chart, as text
    assert figures.to_label(hostile.LINK) == '&lt;a href="https://evil.example/steal"&gt;Evil link&lt;/a&gt;'
    assert {figures.from_label(n) for n in names} == {hostile.LINK, hostile.COMMENT, hostile.SPAN}
    fr, *_ = charts.render("commitments-heatmap", "?lang=fr")
    assert figures.from_label(figures.to_label(hostile.AMP)) == hostile.AMP
    assert figures.to_label(hostile.AMP) in fr.data[0].y  # '&' is escaped too: "&amp;" in a name stays as typed


def test_the_figures_own_line_breaks_and_bold_stay_markup(app):
    heat, *_ = charts.render("commitments-heatmap", "")
    cells = [t for trace in heat.data for row in trace.text for t in row if t and t != "–"]
    assert cells == ["100%<br>n = 1", "100%<br>n = 1", "0%<br>n = 1"]  # the share, then its n
    assert "<b>%{y}</b>" in heat.data[0].hovertemplate
    bars, *_ = charts.render("training-by-organizer", "")
    assert all(t.count("<") == t.count("<br>") for t in bars.data[0].y)


def test_a_heatmap_click_on_an_escaped_name_finds_its_cell(app):
    page = page_module("commitments")
    href = commitments_spec.heatmap_click({"x": "1st plan", "y": figures.to_label(hostile.LINK)}, state.parse(""))
    assert href == "/commitments?jurisdiction=ca&cycle=2018-2020"
    fr = state.parse("?lang=fr")
    fig, *_ = charts.render("commitments-heatmap", fr.to_query())
    first_plan = fig.data[0].x[0]
    assert commitments_spec.heatmap_click({"x": first_plan, "y": figures.to_label(hostile.AMP)}, fr) == \
        "/commitments?lang=fr&jurisdiction=ca-on&cycle=2018-2020"
    assert commitments_spec.heatmap_click({"x": first_plan, "y": hostile.AMP}, fr) is None  # read as a label: another name
