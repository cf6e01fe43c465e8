"""Downloads as a browser gets them: a chart's JSON twin parses and holds its CSV's rows; a French CSV is a French
spreadsheet's (';' splits it into columns, a decimal comma), with its provenance on '# ' lines before the header."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

CHARTS = ("overview-completion-cycle", "overview-progress")


def _download(tab, chart: str, label: str):
    card = tab.page.locator(".chart-card", has=tab.page.locator(f"figure.chart-{chart}"))
    with tab.page.expect_download() as download:
        card.get_by_role("link", name=label, exact=True).click()
    return download.value


def _cell(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("chart", CHARTS)
def test_the_json_twin_parses_and_holds_the_csv_rows(shown, chart):
    tab = shown("/")
    csv_file = _download(tab, chart, "CSV")
    twin_file = _download(tab, chart, "JSON")
    assert twin_file.suggested_filename == csv_file.suggested_filename[:-4] + ".json"
    table = pd.read_csv(csv_file.path(), comment="#", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    twin = json.loads(open(twin_file.path(), encoding="utf-8").read())
    assert twin["view"] == chart and twin["snapshot"] in open(csv_file.path(), encoding="utf-8-sig").read()
    assert [c["name"] for c in twin["columns"]] == list(table.columns)
    assert len(twin["rows"]) == len(table) > 0
    for row, (_index, line) in zip(twin["rows"], table.iterrows()):  # row for row, cell for cell
        for column in table.columns:
            value = row[column]
            if isinstance(value, float):
                assert float(line[column]) == pytest.approx(value), (chart, column)
            else:
                assert line[column] == ("|".join(map(str, value)) if isinstance(value, list) else _cell(value)), \
                    (chart, column)
    tab.assert_healthy()


def test_a_french_csv_splits_on_semicolons_with_decimal_commas(shown):
    tab = shown("/?lang=fr")
    download = _download(tab, "overview-completion-cycle", "CSV")
    text = open(download.path(), encoding="utf-8-sig").read()
    lines = text.splitlines()
    preamble = [line for line in lines if line.startswith("# ")]
    assert preamble and lines[: len(preamble)] == preamble  # provenance first
    header = lines[len(preamble)]
    assert len(header.split(";")) >= 2 and "," not in header.replace('","', "")
    frame = pd.read_csv(io.StringIO(text), comment="#", sep=";", decimal=",")
    assert frame.shape[1] >= 2 and len(frame) > 0
    twin = json.loads(open(_download(tab, "overview-completion-cycle", "JSON").path(), encoding="utf-8").read())
    assert twin["lang"] == "fr"
    # French headers: the labels the French JSON gives its columns, translated where the column has a label.
    assert list(frame.columns) == [c["label"] for c in twin["columns"]]
    assert sum(c["label"] != c["name"] for c in twin["columns"]) >= 2
    shares = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    assert shares, "a share read as a number with the decimal comma"
    assert any("," in line for line in lines[len(preamble) + 1:]), "decimal commas in the rows"
    tab.assert_healthy()
