"""Summit mode: playlist files are checked with errors that name the file, slide and value; presentation URL state."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard import config, playlists
from dashboard.playlists import PlaylistError, Show, parse_show, step

CHARTS = {"commitments-heatmap": SimpleNamespace(keyed=False), "overview-progress": SimpleNamespace(keyed=False),
          "commitment-milestones": SimpleNamespace(keyed=True)}

GOOD = """
title = { en = "Story", fr = "Récit" }
interval = 5

[[slide]]
view = "/commitments?cycle=2018-2020"
chart = "commitments-heatmap"
title = { en = "Heat", fr = "Chaleur" }

[[slide]]
view = "/"
chart = "overview-progress"
"""


def write(tmp_path, text: str, name: str = "talk.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_playlist_loads(tmp_path):
    playlist = playlists.load(write(tmp_path, GOOD), CHARTS)
    assert playlist.name == "talk"
    assert playlist.interval == 5
    assert playlist.title_in("fr") == "Récit"
    assert [(s.view, s.chart) for s in playlist.slides] == [
        ("/commitments?cycle=2018-2020", "commitments-heatmap"), ("/", "overview-progress")]
    assert playlist.slides[0].title == {"en": "Heat", "fr": "Chaleur"}
    assert playlist.slides[1].title == {}
    assert playlist.slides[0].search("fr") == "?lang=fr&cycle=2018-2020"
    assert playlist.slides[1].search("en") == ""


@pytest.mark.parametrize("slide, message", [
    ('view = "/commitments"\nchart = "commitments-nope"', "slide 2: unknown chart 'commitments-nope' (known: "),
    ('view = "/commitments"', "slide 2: unknown chart None"),
    ('view = "/commitments"\nchart = "commitment-milestones"', "slide 2: chart 'commitment-milestones' draws one record"),
    ('view = "commitments"\nchart = "overview-progress"', "slide 2: view must be a dashboard URL starting with '/'"),
    ('view = "/nowhere"\nchart = "overview-progress"', "slide 2: view '/nowhere' is not a page that draws charts"),
    ('view = "https://evil.example/commitments"\nchart = "overview-progress"', "slide 2: view must be"),
    ('view = "/commitments?cycle=1999"\nchart = "overview-progress"', "slide 2: view '/commitments?cycle=1999' has a value the dashboard does not accept: cycle='1999'"),
    ('view = "/"\nchart = "overview-progress"\ncolour = "red"', "slide 2: unknown key(s) colour"),
    ('view = "/"\nchart = "overview-progress"\ntitle = { de = "x" }', "slide 2: title must be"),
])
def test_a_bad_slide_is_named_with_its_file_number_and_value(tmp_path, slide, message):
    text = GOOD.split("[[slide]]")[0] + '[[slide]]\nview = "/"\nchart = "overview-progress"\n\n[[slide]]\n' + slide
    with pytest.raises(PlaylistError) as err:
        playlists.load(write(tmp_path, text), CHARTS)
    assert str(err.value).startswith(str(tmp_path / "talk.toml") + ", ")
    assert message in str(err.value)


def test_unknown_chart_lists_only_playable_charts(tmp_path):
    with pytest.raises(PlaylistError) as err:
        playlists.load(write(tmp_path, GOOD.replace('"overview-progress"', '"overview-x"')), CHARTS)
    assert str(err.value).endswith("slide 2: unknown chart 'overview-x' (known: commitments-heatmap, overview-progress)")


@pytest.mark.parametrize("text, message", [
    ("", "no slides"),
    ("title = 'x'\n[slide\n", "not valid TOML"),
    ("interval = 1\n" + GOOD.split("interval = 5")[1], "interval must be a whole number of seconds from 2 to 3600, not 1"),
    ("speed = 3\n", "unknown key(s) speed"),
])
def test_a_bad_file_is_named(tmp_path, text, message):
    with pytest.raises(PlaylistError, match="talk.toml") as err:
        playlists.load(write(tmp_path, text), CHARTS)
    assert message in str(err.value)


def test_a_missing_file_and_a_hostile_name(tmp_path, monkeypatch):
    monkeypatch.setenv("OGDASH_PLAYLISTS_DIR", str(tmp_path))
    with pytest.raises(PlaylistError, match="no such playlist file"):
        playlists.named("absent", CHARTS)
    for name in ("../etc/passwd", "Default", "", "a/b"):
        with pytest.raises(PlaylistError, match="is not a playlist name"):
            playlists.named(name, CHARTS)
    write(tmp_path, GOOD)
    assert playlists.available() == ["talk"]
    assert playlists.named("talk", CHARTS).name == "talk"


def test_the_bundled_playlists_play_with_the_registered_charts(monkeypatch):
    monkeypatch.delenv("OGDASH_PLAYLISTS_DIR", raising=False)
    from dashboard import charts
    from dashboard.app import create_app

    create_app()  # registers every page's charts
    assert "default" in playlists.available()
    for name in playlists.available():
        playlist = playlists.named(name)
        assert 6 <= len(playlist.slides) <= 10
        prefixes = {s.chart.split("-")[0] for s in playlist.slides}
        assert {"overview", "commitments", "datasets", "training"} <= prefixes
        assert all(s.chart in charts.REGISTRY for s in playlist.slides)
    assert (config.PLAYLISTS_DIR / "default.toml").is_file()


def test_presentation_state_round_trips_through_the_url():
    show = parse_show("?playlist=default&slide=3&lang=fr&paused=1&interval=5")
    assert show == Show(playlist="default", slide=3, lang="fr", paused=True, interval=5)
    assert parse_show(show.to_query()) == show
    assert parse_show({"slide": "2", "lang": "fr"}) == Show(slide=2, lang="fr")
    hostile = parse_show("?playlist=../x&slide=-1&lang=<b>&interval=0&paused=zz")
    assert hostile == Show()
    assert parse_show(None) == Show()


def test_controls_step_wrap_pause_and_switch_language():
    show = Show(slide=3)
    assert step(show, "present-next", 3).slide == 1
    assert step(show, "present-timer", 4).slide == 4
    assert step(Show(slide=1), "present-prev", 3).slide == 3
    assert step(show, "present-pause", 3).paused is True
    assert step(step(show, "present-pause", 3), "present-pause", 3).paused is False
    assert step(show, "present-lang", 3).lang == "fr"
    assert step(Show(lang="fr"), "present-lang", 3).lang == "en"
    assert step(show, "something-else", 3) == show


# ---------------------------------------------------------------- offline bundle and briefing, without a browser

@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """A data folder with the bundled snapshot, and the default playlist exported from it."""
    from dashboard import publish

    data_dir = tmp_path_factory.mktemp("summit-data")
    snap = publish.build(config.DEFAULT_SOURCES, data_dir)
    out = tmp_path_factory.mktemp("summit-site") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard import cli

        assert cli.main(["export-site", "--playlist", str(config.PLAYLISTS_DIR / "default.toml"),
                         "--out", str(out), "--data-dir", str(data_dir)]) == 0
        yield {"site": out, "snapshot": snap, "data_dir": data_dir}


def test_export_site_writes_a_self_contained_bundle(bundled):
    import hashlib
    import json
    import re

    site = bundled["site"]
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "data/slides.js", "data/slides.json", "index.html", "manifest.json", "player.css", "player.js",
        "plotly.min.js"]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href)="([^"]+)"', index) == ["player.css", "plotly.min.js", "data/slides.js",
                                                             "player.js"]
    for name in ("index.html", "player.js", "player.css", "data/slides.js"):
        assert not re.search(r"https?://", (site / name).read_text(encoding="utf-8")), f"{name} names a URL"
    show = json.loads((site / "data" / "slides.json").read_text(encoding="utf-8"))
    playlist = playlists.load(config.PLAYLISTS_DIR / "default.toml")
    assert [s["chart"] for s in show["slides"]] == [s.chart for s in playlist.slides]
    for slide in show["slides"]:
        for lang in ("en", "fr"):
            assert slide[lang]["figure"]["data"], (slide["chart"], lang)
            assert slide[lang]["sentence"] and slide[lang]["title"]
        assert slide["en"]["sentence"] != slide["fr"]["sentence"]
        assert slide["fr"]["config"]["locale"] == "fr"
    assert show["snapshot"] == bundled["snapshot"].id
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["snapshot_id"] == bundled["snapshot"].id
    assert manifest["playlist"]["name"] == "default" and len(manifest["playlist"]["slides"]) == len(playlist.slides)
    assert {s["name"] for s in manifest["sources"]} == {s["name"] for s in bundled["snapshot"].manifest["sources"]}
    assert manifest["generated_at"].endswith("+00:00")
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((site / name).read_bytes()).hexdigest() == digest


def test_export_site_refuses_a_bad_playlist_naming_it(bundled, tmp_path, capsys):
    from dashboard import cli

    bad = tmp_path / "bad.toml"
    bad.write_text('[[slide]]\nview = "/"\nchart = "overview-nope"\n', encoding="utf-8")
    assert cli.main(["export-site", "--playlist", str(bad), "--out", str(tmp_path / "out"),
                     "--data-dir", str(bundled["data_dir"])]) == 1  # a failure, not a usage error (issue 14)
    assert "bad.toml, slide 1: unknown chart 'overview-nope'" in capsys.readouterr().err


def test_briefing_html_carries_view_snapshot_sources_and_link(bundled, monkeypatch):
    from dashboard import brief

    monkeypatch.setenv("OGDASH_DATA_DIR", str(bundled["data_dir"]))
    snap = bundled["snapshot"]
    text = brief.brief_html("commitments", "?cycle=2018-2020&lang=fr", base_url="https://monitor.example/")
    assert "Note d’information : Engagements" in text
    assert f"Instantané {snap.id}" in text
    assert "Cycle du plan d’action\u00a0:</b> 2018-2020" in text
    assert 'href="https://monitor.example/commitments?lang=fr&amp;cycle=2018-2020"' in text
    assert "Sources et licences" in text
    for meta in snap.manifest["tables"].values():
        assert meta["sha256"] in text
    assert 'id="chart-commitments-heatmap"' in text
    hostile = brief.brief_html("overview", "?jurisdiction=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in hostile


def test_briefing_routes(bundled, monkeypatch):
    monkeypatch.setenv("OGDASH_DATA_DIR", str(bundled["data_dir"]))
    from dashboard.app import create_app

    client = create_app(bundled["data_dir"]).server.test_client()
    page = client.get("/brief/training?lang=fr")
    assert page.status_code == 200 and "Note d’information" in page.get_data(as_text=True)
    assert client.get("/brief/nowhere").status_code == 404
    assert client.get("/brief/static/plotly.min.js").status_code == 200
    assert client.get("/brief/static/brief.py").status_code == 404
    assert "def register" not in client.get("/brief/static/..%2Fbrief.py").get_data(as_text=True)
