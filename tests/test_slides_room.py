"""Slides for a room (issue 17, part 1): figures restyled for a hall, dense charts cut with their rule stated, notes
with no web instructions, /present in the navigation, and `ogdash export-site` exporting the data being served."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, config, playlists, progress
from dashboard.figures import slides as room
from dashboard.i18n import _
from helpers import find_all, run_cli, text_of


# ---------------------------------------------------------------- the figure, restyled for a room

def _page_figure() -> go.Figure:
    return go.Figure(
        data=[go.Bar(x=[1, 2], y=["a", "b"], orientation="h", text=["1", "2"], textfont=dict(size=12)),
              go.Heatmap(z=[[1]], colorbar=dict(tickfont=dict(size=11)))],
        layout=dict(title="A page title", height=420, margin=dict(l=8, r=24, t=36, b=48),
                    yaxis=dict(tickfont=dict(size=14), title=dict(text="Y", font=dict(size=13))),
                    xaxis2=dict(tickfont=dict(size=30)), legend=dict(font=dict(size=12)),
                    uniformtext=dict(minsize=11, mode="hide"),
                    annotations=[dict(text="note", font=dict(size=12)), dict(text="inherits")]),
    )


def test_for_room_sets_room_sized_type_and_keeps_the_page_figure():
    page = _page_figure()
    before = page.to_plotly_json()
    fig = room.for_room(page)
    assert page.to_plotly_json() == before  # pure: the page's figure is left as it was
    layout = fig.layout
    assert layout.font.size == room.ROOM_FONT == 20
    assert layout.title.text is None and layout.height is None and layout.autosize is True
    assert layout.yaxis.tickfont.size == 20 and layout.yaxis.title.font.size == room.ROOM_TITLE_FONT == 24
    assert layout.xaxis2.tickfont.size == 30  # bigger than the room's minimum: kept
    assert layout.legend.font.size == 20
    assert [a.font.size for a in layout.annotations] == [18, None]  # the second inherits the 20 px base
    assert layout.uniformtext.minsize == room.ROOM_MIN_TEXT == 18
    assert fig.data[0].textfont.size == 18
    assert fig.data[1].colorbar.tickfont.size == 20
    # Margins grow with the type they hold (15 px page type -> 20 px).
    assert (layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b) == (11, 32, 48, 64)


def test_for_room_fills_unset_margins_from_the_theme():
    fig = room.for_room(go.Figure(go.Bar(x=[1], y=[1])))
    assert (fig.layout.margin.l, fig.layout.margin.r, fig.layout.margin.t, fig.layout.margin.b) == (80, 32, 32, 75)


# ---------------------------------------------------------------- a dense chart, cut to what a room reads

def _member_rows(counts: dict[str, list[int]]) -> pd.DataFrame:
    """Heatmap-like rows: one per (member, plan), with that plan's number of commitments."""
    return pd.DataFrame([{"jurisdiction_id": j, "plan_number": i + 1, "commitments": n}
                         for j, plans in counts.items() for i, n in enumerate(plans)])


def test_the_heatmap_keeps_the_members_with_the_most_commitments_and_says_so():
    # 15 members: m00 has 1 commitment, m01 2, ... m14 15, spread over two plans for some; m03 and m13 tie on 14.
    counts = {f"m{i:02d}": [i + 1] for i in range(15)}
    counts["m03"] = [10, 4]  # 14 in all, ties with m13 (14): the smaller id, m03, sorts first
    rows = _member_rows(counts)
    cut, rule = room.room_rows("commitments-heatmap", rows, "en")
    kept = sorted(cut["jurisdiction_id"].unique())
    assert len(kept) == progress.ROOM_MEMBERS == 12
    assert kept == ["m03", "m04", "m05", "m06", "m07", "m08", "m09", "m10", "m11", "m12", "m13", "m14"]
    assert len(cut) == 13  # m03's two plans both kept
    assert list(cut.columns) == list(rows.columns)
    assert rule == "The 12 members with the most commitments, of 15"
    assert room.room_rows("commitments-heatmap", rows, "fr")[1] == "Les 12 membres ayant le plus d’engagements, sur 15"


def test_a_chart_a_room_can_read_is_left_whole():
    rows = _member_rows({f"m{i:02d}": [1] for i in range(12)})
    assert room.room_rows("commitments-heatmap", rows, "en") == (rows, None)
    many = _member_rows({f"m{i:02d}": [1] for i in range(40)})
    assert room.room_rows("training-by-organizer", many, "en") == (many, None)  # not a chart drawn member by member
    assert progress.room_rule(1, 3, "fr") == "1 membre ayant le plus d’engagements, sur 3"
    assert progress.room_rule(12, 1076, "fr") == "Les 12 membres ayant le plus d’engagements, sur 1\u00a0076"


# ---------------------------------------------------------------- notes for an audience

def test_a_note_drops_the_sentences_that_are_web_instructions():
    page = ("Across 12 jurisdictions, 58% of the 161 assessed commitments are complete or substantial. "
            "Select a cell to list those commitments.")
    assert playlists.room_note(page) == ("Across 12 jurisdictions, 58% of the 161 assessed commitments are "
                                               "complete or substantial.")
    french = ("Sur 84 engagements, 0 sont achevés et 1 substantiel. 83 ne sont pas encore évalués. "
              "Sélectionnez une barre pour afficher la liste de ces engagements.")
    assert playlists.room_note(french) == "Sur 84 engagements, 0 sont achevés et 1 substantiel. 83 ne sont pas " \
                                                "encore évalués."
    assert playlists.room_note("HTML leads with 284 datasets. The chart shows the top 15 of 16; the table and CSV "
                               "have them all.") == "HTML leads with 284 datasets."
    assert playlists.room_note("Periods are the sources’ own (a month). Click a bar to filter to that period."
                               ) == "Periods are the sources’ own (a month)."
    assert playlists.room_note("") == ""


def test_a_note_is_no_longer_than_a_room_reads_but_keeps_its_first_finding():
    first = "A" * 200 + "."
    assert playlists.room_note(f"{first} {'B' * 50}. {'C' * 10}.") == f"{first} {'B' * 50}."
    assert playlists.room_note(f"{first} {'B' * 100}. {'C' * 10}.") == first  # stops at the first that overflows
    long_first = "D" * 400 + "."
    assert playlists.room_note(long_first + " E.") == long_first


def test_the_instruction_words_are_found_in_either_language_whole_word():
    assert playlists.instructions_in("Cliquez sur une barre; Hover here; then download.") == [
        "Cliquez", "Hover", "download"]
    assert playlists.instructions_in("A selection of taped downloads") == []  # whole words only
    assert playlists.instructions_in("Use the filters, or téléchargez") == ["Use the filters", "téléchargez"]


# ---------------------------------------------------------------- every slide of the default playlist, on generated data

@pytest.fixture(scope="module")
def demo(app_on):
    from dashboard import publish

    return app_on("slides-demo", lambda data_dir: publish.write_scale_snapshot(data_dir, "small", seed=2026))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_default_slide_is_drawn_for_a_room(demo, lang):
    playlist = playlists.named("default")
    for slide in playlist.slides:
        shown = playlists.render_slide(slide, lang)
        assert shown.figure.data, slide.chart
        assert shown.figure.layout.font.size == room.ROOM_FONT
        assert shown.note and not playlists.instructions_in(shown.note), (slide.chart, shown.note)
        assert len(shown.note) <= playlists.ROOM_NOTE_CHARS, shown.note
        assert demo["snapshot"].id in shown.caption
        assert shown.title == (slide.title.get(lang) or _(charts.REGISTRY[slide.chart].title, lang))


def test_the_heatmap_slide_shows_at_most_n_members_and_states_the_rule(demo):
    slide = next(s for s in playlists.named("default").slides if s.chart == "commitments-heatmap")
    _chart, _view, rows = charts.rows_for(slide.chart, slide.search("en"))
    total = rows["jurisdiction_id"].nunique()
    assert total > progress.ROOM_MEMBERS  # the generated data has more members than a room reads
    for lang in ("en", "fr"):
        shown = playlists.render_slide(slide, lang)
        drawn = {y for trace in shown.figure.data for y in trace.y}
        assert len(drawn) == progress.ROOM_MEMBERS
        assert shown.rule == progress.room_rule(progress.ROOM_MEMBERS, total, lang)
        assert f" {progress.ROOM_MEMBERS} " in shown.note[:20]  # "Across 12 jurisdictions", "Dans 12 administrations"
    # The page's own chart is not cut.
    fig, *_rest = charts.render(slide.chart, slide.search("en"))
    assert len({y for trace in fig.data for y in trace.y}) == total


def test_the_present_page_draws_the_rule_and_the_note(demo):
    from helpers import page_module

    present = page_module("present")
    fig, title, rule, note, caption = present.slide_content("default", 2, "fr")
    assert rule.startswith("Les 12 membres ayant le plus d’engagements, sur ")
    assert "Sélectionnez" not in note and note
    assert fig.layout.font.size == room.ROOM_FONT
    assert demo["snapshot"].id in caption


# ---------------------------------------------------------------- /present in the navigation

def test_present_is_in_the_navigation_in_both_languages(demo):
    from dashboard import app as app_mod, sitemap

    assert ("/present", "Present") in list(sitemap.NAV)
    assert list(sitemap.NAV)[-1][0] == "/present"
    for lang, label in (("en", "Present"), ("fr", "Présenter")):
        links = app_mod.chrome("/", f"?lang={lang}" if lang == "fr" else "")[1]
        found = [link for link in find_all(links, lambda n: str(getattr(n, "href", "")).startswith("/present"))]
        assert [text_of(link) for link in found] == [label]
        assert found[0].href == "/present" + ("?lang=fr" if lang == "fr" else "")


# ---------------------------------------------------------------- export-site: the data being served

def test_export_site_reads_the_served_data_folder_and_names_its_snapshot(demo, tmp_path, monkeypatch, capsys):
    snapshot = demo["snapshot"].id
    monkeypatch.chdir(tmp_path)  # no ./data here: only the setting can say where the data is
    monkeypatch.setenv("OGDASH_DATA_DIR", str(demo["data_dir"]))
    out = tmp_path / "site"
    code, stdout, stderr = run_cli(capsys, "export-site", "--playlist", str(config.PLAYLISTS_DIR / "default.toml"),
                                   "--out", str(out))
    assert code == 0, stderr
    assert stdout.strip() == str(out / "index.html")
    assert f"ogdash: exported snapshot {snapshot} from {demo['data_dir'].resolve()} to {out}" in stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["snapshot_id"] == snapshot
    show = json.loads((out / "data" / "slides.json").read_text(encoding="utf-8"))
    for slide in show["slides"]:
        for lang in ("en", "fr"):
            assert snapshot in slide[lang]["caption"]  # the caption every slide shows names the snapshot
            assert not playlists.instructions_in(slide[lang]["sentence"])
            assert slide[lang]["figure"]["layout"]["font"]["size"] == room.ROOM_FONT
    heatmap = next(s for s in show["slides"] if s["chart"] == "commitments-heatmap")
    assert heatmap["fr"]["rule"].startswith("Les 12 membres ayant le plus d’engagements")
    assert f'content="{snapshot}"' in (out / "index.html").read_text(encoding="utf-8")


def test_export_site_data_dir_wins_over_the_setting_as_for_serve(demo, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("OGDASH_DATA_DIR", str(empty))
    code, _out, stderr = run_cli(capsys, "export-site", "--playlist", str(config.PLAYLISTS_DIR / "default.toml"),
                                 "--out", str(tmp_path / "site"), "--data-dir", str(demo["data_dir"]))
    assert code == 0, stderr
    assert f"exported snapshot {demo['snapshot'].id} from {demo['data_dir'].resolve()}" in stderr
    monkeypatch.setenv("OGDASH_DATA_DIR", str(empty))
    code, _out, stderr = run_cli(capsys, "export-site", "--playlist", str(config.PLAYLISTS_DIR / "default.toml"),
                                 "--out", str(tmp_path / "site2"))
    assert code == 1
    assert f"no verified snapshot in {empty}" in stderr  # nothing quietly taken from elsewhere
