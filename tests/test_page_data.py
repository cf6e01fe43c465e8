"""The data page and the table downloads: manifest, sources and licences, dictionary, SQL, CSV route."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import data, downloads, schema
from helpers import find_all, make_snapshot, page_module
from helpers import spaced_text_of as text_of

SNAP = "20260101T000000Z"
DATASETS = [
    {"dataset_id": "d1", "portal": "p", "jurisdiction_id": "ca-qc", "title_en": "Québec, « données »",
     "formats": ["CSV", "JSON"], "published": dt.date(2024, 1, 15)},
    {"dataset_id": "d2", "portal": "p", "jurisdiction_id": "ca", "title_en": "Line,with \"quotes\"", "formats": None,
     "synthetic": True},
]


@pytest.fixture(scope="module")
def app_env(app_on):
    return app_on("data-page", lambda data_dir: make_snapshot(data_dir, {"datasets": DATASETS}, snapshot_id=SNAP))


@pytest.fixture
def page(app_env):
    return page_module("data_page")



# ---------------------------------------------------------------- downloads

def test_download_is_the_whole_table_as_csv_with_a_bom(app_env):
    response = app_env["client"].get(f"/download/{SNAP}/datasets.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="datasets_{SNAP}.csv"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data()
    assert body.startswith("\ufeff".encode("utf-8"))
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(schema.TABLES["datasets"].names)
    assert len(lines) == 3  # rows in the snapshot's order: by jurisdiction
    assert lines[1].startswith("d2,p,ca,") and "\"Line,with \"\"quotes\"\"\"" in lines[1]
    assert lines[1].endswith(",test,True")
    assert lines[2].startswith("d1,p,ca-qc,") and "\"Québec, « données »\"" in lines[2] and ",CSV|JSON," in lines[2]


def test_an_empty_table_downloads_its_header(app_env):
    body = app_env["client"].get(f"/download/{SNAP}/portal_metrics.csv").get_data().decode("utf-8-sig")
    assert body == ",".join(schema.TABLES["portal_metrics"].names) + "\n"


@pytest.mark.parametrize("path", [
    f"/download/{SNAP}/secrets.csv",
    f"/download/{SNAP}/manifest.csv",
    "/download/20990101T000000Z/datasets.csv",
    "/download/..%2F..%2Fetc/datasets.csv",
    f"/download/{SNAP}/datasets%27%20or%201=1.csv",
    f"/download/{SNAP}'/datasets.csv",
])
def test_only_published_snapshots_and_declared_tables_download(app_env, path):
    response = app_env["client"].get(path)
    # 404, or (for a path the route does not match at all) the app's own page: never a file
    assert response.status_code == 404 or "Content-Disposition" not in response.headers
    assert not response.get_data().startswith("\ufeff".encode("utf-8"))


def test_a_snapshot_that_fails_its_checksum_does_not_download(app_env, tmp_path, monkeypatch):
    make_snapshot(tmp_path, {"datasets": DATASETS}, snapshot_id=SNAP)
    (tmp_path / "snapshots" / SNAP / "datasets.parquet").write_bytes(b"tampered")
    monkeypatch.setenv("OGDASH_DATA_DIR", str(tmp_path))
    assert app_env["client"].get(f"/download/{SNAP}/datasets.csv").status_code == 404


def test_data_dictionary_is_read_once_per_change(tmp_path):
    readme = tmp_path / "README.md"
    assert downloads.data_dictionary(readme) is None
    readme.write_text("# Dictionary\n", encoding="utf-8")
    assert downloads.data_dictionary(readme) == "# Dictionary\n"


# ---------------------------------------------------------------- the page

def test_layout_shows_manifest_sources_downloads_and_every_query(page, app_env):
    tree = page.layout()
    text = text_of(tree)
    assert SNAP in text and "Schema version" in text
    links = [n.href for n in find_all(tree, lambda n: (getattr(n, "href", None) or "").startswith("/download/"))]
    assert links == [f"/download/{SNAP}/{table}.csv" for table in schema.TABLES] + [f"/download/{SNAP}/datapackage.json"]
    blocks = find_all(tree, lambda n: getattr(n, "className", None) == "sql-block")
    assert len(blocks) == len(data.query_names()) + 1  # every query, and the notebook note
    assert text_of(blocks[1]) == data.sql_text(data.query_names()[0])
    served = str((app_env["data_dir"] / "snapshots" / SNAP).resolve())  # the folder served, not ./data (issue 17)
    assert "read_parquet" in text_of(blocks[0]) and f"snapshot = {served!r}" in text_of(blocks[0])
    assert "Open Government Licence – Canada" in text and "1 synthetic (generated) row." in text


def test_layout_in_french_marks_the_english_only_dictionary(page, app_env):
    tree = page.layout(lang="fr")
    text = text_of(tree)
    assert "Licence du gouvernement ouvert – Canada" in text and "Dictionnaire de données" in text
    if downloads.data_dictionary():
        assert "en anglais seulement" in text


def test_licences_table_marks_the_kinds_in_this_snapshot(page, app_env):
    snap = data.current_snapshot()
    table = page.licences_table(snap, "en")
    rows = [text_of(r) for r in find_all(table, lambda n: type(n).__name__ == "Tr")][1:]
    assert len(rows) == len(page.SOURCE_KINDS)
    assert [r.split()[-1] for r in rows if r.startswith("reference")] == ["yes"]


def test_get_data_page(app_env):
    assert app_env["client"].get("/data?lang=fr").status_code == 200


def test_french_dictionary_is_marked_english_only_and_read_as_english(page, app_env):
    tree = page.layout(lang="fr")
    if not downloads.data_dictionary():
        pytest.skip("dashboard/bundled/README.md is absent")
    details = find_all(tree, lambda n: getattr(n, "id", None) == "data-dictionary-text")[0]
    summary = details.children[0]
    assert text_of(summary) == ("Chaque table et chaque colonne, ce qu’elle signifie et quelle source la remplit "
                                "  en anglais seulement")
    markdown = find_all(details, lambda n: type(n).__name__ == "Markdown")[0]
    holder = next(n for n in details.children if markdown in (n.children if isinstance(n.children, list) else [n.children]))
    assert holder.lang == "en"
    english = page.layout(lang="en")
    assert "en anglais seulement" not in text_of(english) and "only in English" not in text_of(english)
