"""Briefings on a normal install: the system Chromium is found or the button is not offered, the print address
is the server's own (never the request's Host), detail and compare pages have briefings, and nothing answers 500."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dashboard import brief, chromium, printing


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A data folder with one small generated snapshot, and an app serving it."""
    from dashboard import publish

    data_dir = tmp_path_factory.mktemp("brief-data")
    snap = publish.write_scale_snapshot(data_dir, "small")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGDASH_DATA_DIR", str(data_dir))
        from dashboard.app import create_app

        app = create_app(data_dir)
        yield {"data_dir": data_dir, "snapshot": snap, "app": app, "client": app.server.test_client()}


@pytest.fixture
def env(demo, monkeypatch):
    monkeypatch.setenv("OGDASH_DATA_DIR", str(demo["data_dir"]))
    for name in ("OGDASH_CHROMIUM", "OGDASH_PRINT_URL", "OGDASH_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    demo["app"].server.config.pop("OGDASH_PRINT_URL", None)
    return monkeypatch


def _commitment_id(data_dir: Path) -> str:
    import pyarrow.parquet as pq

    from dashboard import snapshots

    snap = snapshots.newest_good(data_dir)
    return str(pq.read_table(snap.path / "commitments.parquet", columns=["commitment_id"]).column(0)[0])


def _fake_chromium(folder: Path, name: str = "chromium") -> Path:
    exe = folder / name
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


# ---------------------------------------------------------------- finding the system Chromium

def test_chromium_is_found_from_the_setting_then_the_usual_places(env, tmp_path):
    exe = _fake_chromium(tmp_path, "my-chrome")
    env.setenv("OGDASH_CHROMIUM", str(exe))
    assert chromium.find_chromium() == exe and chromium.print_problem() is None
    env.setenv("OGDASH_CHROMIUM", str(tmp_path / "absent"))
    assert chromium.find_chromium() is None
    assert chromium.print_problem() == (f"OGDASH_CHROMIUM={tmp_path / 'absent'} is not an executable file: "
                                     "set it to a Chromium or Chrome executable")
    env.delenv("OGDASH_CHROMIUM")
    env.setattr(chromium, "CHROMIUM_PATHS", (str(tmp_path / "nowhere"), "chromium-browser"))
    env.setenv("PATH", str(tmp_path))
    assert chromium.find_chromium() is None
    assert "apt-get install chromium" in chromium.print_problem()
    on_path = _fake_chromium(tmp_path, "chromium-browser")
    assert chromium.find_chromium() == on_path


def test_the_print_address_comes_from_configuration_never_the_request(env, demo):
    env.setenv("OGDASH_PRINT_URL", "http://127.0.0.1:8051/")
    with demo["app"].server.test_request_context("/", headers={"Host": "evil.example:9999"}):
        assert brief.print_base() == "http://127.0.0.1:8051"
        demo["app"].server.config["OGDASH_PRINT_URL"] = "http://127.0.0.1:9000"
        assert brief.print_base() == "http://127.0.0.1:9000"
    env.delenv("OGDASH_PRINT_URL")
    demo["app"].server.config.pop("OGDASH_PRINT_URL")
    with demo["app"].server.test_request_context("/", headers={"Host": "127.0.0.1:8050"}):
        assert brief.print_base() is None


def test_serve_prints_from_its_own_loopback_address():
    from dashboard.serve import own_address

    assert own_address("127.0.0.1", 8051) == "http://127.0.0.1:8051"
    assert own_address("0.0.0.0", 80) == "http://127.0.0.1:80"
    assert own_address("::", 8050) == "http://[::1]:8050"
    assert own_address("10.1.2.3", 8050) == "http://10.1.2.3:8050"


def test_the_pdf_route_prints_from_the_configured_address_whatever_host_is_sent(env, demo, tmp_path):
    env.setenv("OGDASH_CHROMIUM", str(_fake_chromium(tmp_path)))
    env.setenv("OGDASH_PRINT_URL", "http://127.0.0.1:8051")
    asked = []

    def fake_print(url, out):
        asked.append(url)
        Path(out).write_bytes(b"%PDF-1.4 fake")
        return Path(out)

    env.setattr(brief, "print_pdf", fake_print)
    response = demo["client"].get("/brief/commitments/pdf?cycle=2018-2020",
                                  headers={"Host": "127.0.0.1:8088", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert asked == ["http://127.0.0.1:8051/brief/commitments?cycle=2018-2020"]
    snap = demo["snapshot"].id
    assert response.headers["Content-Disposition"] == f'attachment; filename="briefing_commitments_en_{snap}.pdf"'


# ---------------------------------------------------------------- never a 500

def test_no_chromium_means_no_button_and_a_503_that_says_why(env, demo, tmp_path):
    from dashboard import app as app_mod

    env.setenv("OGDASH_CHROMIUM", str(tmp_path / "absent"))
    env.setenv("OGDASH_PRINT_URL", "http://127.0.0.1:8051")
    with demo["app"].server.test_request_context("/"):
        assert app_mod.brief_link("/commitments", "?lang=fr")[2] is True  # hidden
    response = demo["client"].get("/brief/commitments/pdf?lang=fr")
    assert response.status_code == 503
    assert "n’a pas de navigateur Chromium" in response.get_data(as_text=True)
    env.delenv("OGDASH_CHROMIUM")
    env.setenv("OGDASH_CHROMIUM", str(_fake_chromium(tmp_path)))
    with demo["app"].server.test_request_context("/"):
        href, label, hidden = app_mod.brief_link("/commitments", "?lang=fr")
    assert (href, label, hidden) == ("/brief/commitments/pdf?lang=fr", "Note d’information (PDF)", False)
    env.delenv("OGDASH_PRINT_URL")  # a server that does not know its own address does not offer it either
    with demo["app"].server.test_request_context("/"):
        assert app_mod.brief_link("/commitments", "")[2] is True
    assert demo["client"].get("/brief/commitments/pdf").status_code == 503


def test_a_browser_that_fails_gives_a_503_not_a_500(env, demo, tmp_path):
    env.setenv("OGDASH_CHROMIUM", str(_fake_chromium(tmp_path)))
    env.setenv("OGDASH_PRINT_URL", "http://127.0.0.1:8051")

    def broken(url, out):
        raise RuntimeError("Target page, context or browser has been closed")

    env.setattr(brief, "print_pdf", broken)
    response = demo["client"].get("/brief/training/pdf")
    assert response.status_code == 503
    assert "could not be printed" in response.get_data(as_text=True)


def test_the_command_says_what_to_install_without_a_browser(env, tmp_path, capsys):
    from dashboard import cli

    env.setenv("OGDASH_CHROMIUM", str(tmp_path / "absent"))
    code = cli.main(["brief", "--url", "/commitments", "--out", str(tmp_path / "b.pdf")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("ogdash: no briefing: OGDASH_CHROMIUM=") and "Traceback" not in err
    env.delenv("OGDASH_CHROMIUM")
    env.setattr(chromium, "CHROMIUM_PATHS", (str(tmp_path / "nowhere"),))
    env.setenv("PATH", str(tmp_path))
    assert cli.main(["brief", "--url", "/commitments", "--out", str(tmp_path / "b.pdf")]) == 1
    assert "install Chromium (Debian and Ubuntu: apt-get install chromium" in capsys.readouterr().err
    assert cli.main(["brief", "--url", "/data", "--out", str(tmp_path / "b.pdf")]) == 2  # no briefing: usage
    assert "'/data' has no briefing" in capsys.readouterr().err
    env.setenv("OGDASH_CHROMIUM", str(_fake_chromium(tmp_path)))  # a browser, but nothing to print from
    assert cli.main(["brief", "--url", "/commitments", "--out", str(tmp_path / "b.pdf"),
                     "--data-dir", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ogdash: ") and "no verified snapshot" in err.lower() and "Traceback" not in err
    assert not (tmp_path / "b.pdf").exists()


# ---------------------------------------------------------------- detail and compare pages

def test_detail_and_compare_pages_offer_their_briefing(env, demo, tmp_path):
    from dashboard import app as app_mod

    env.setenv("OGDASH_CHROMIUM", str(_fake_chromium(tmp_path)))
    env.setenv("OGDASH_PRINT_URL", "http://127.0.0.1:8051")
    key = _commitment_id(demo["data_dir"])
    with demo["app"].server.test_request_context("/"):
        assert app_mod.brief_link(f"/commitments/{key}", "?lang=fr")[::2] == (f"/brief/commitment/{key}/pdf?lang=fr",
                                                                               False)
        assert app_mod.brief_link("/compare", "")[::2] == ("/brief/compare/pdf", False)
        assert app_mod.brief_link("/data", "")[2] is True
    assert printing.brief_url("http://x", f"http://y/commitments/{key}?cycle=2018-2020", "fr") \
        == f"http://x/brief/commitment/{key}?lang=fr&cycle=2018-2020"


def test_a_commitment_briefing_draws_its_record_charts(env, demo):
    key = _commitment_id(demo["data_dir"])
    page = demo["client"].get(f"/brief/commitment/{key}?lang=fr")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"Note d’information : Engagement {key}" in text
    assert 'id="chart-commitment-milestones"' in text and 'id="chart-commitment-status-history"' in text
    assert f'href="/commitments/{key}?lang=fr"' in text  # a path: no public address is configured
    assert demo["client"].get("/brief/commitment/NO-SUCH-ID").status_code == 404
    assert demo["client"].get("/brief/commitment/NO-SUCH-ID/pdf").status_code in (404, 503)
    assert demo["client"].get("/brief/overview/some-id").status_code == 404


def test_a_compare_briefing_draws_the_compare_charts(env, demo):
    env.setenv("OGDASH_PUBLIC_URL", "https://monitor.example")
    text = demo["client"].get("/brief/compare").get_data(as_text=True)
    assert 'id="chart-compare-transitions"' in text and 'id="chart-compare-learning"' in text
    assert 'href="https://monitor.example/compare"' in text


def test_no_briefing_route_answers_500(env, demo):
    for path in ("/brief/overview", "/brief/compare/pdf", "/brief/commitment/x/pdf", "/brief/commitment/pdf",
                 "/brief/static/pdf", "/brief/commitment/%00/pdf", "/brief/overview/pdf?snapshot=../../x"):
        assert demo["client"].get(path).status_code != 500, path
    assert os.environ.get("OGDASH_PRINT_URL") is None
