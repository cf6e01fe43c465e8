"""Sources files are checked per kind before any source is read: each configuration mistake, one by one, stops
the build with one line naming the source, the key and the value, and leaves the data folder as it was."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from dashboard import cli, config, publish, snapshots
from dashboard.ingest import KINDS, load_sources, settings
from dashboard.ingest.common import IngestError

REPO = Path(__file__).resolve().parent.parent

REFERENCE = '''[[source]]
name = "reference"
kind = "reference"
path = "{reference}"
'''

# (kind's table without the mistake, the mistaken line, the key, what the message says)
MISTAKES = [
    ('name = "ogp"\nkind = "ogp-export"\npath = "x.csv"', 'on_duplicat = "skip"', "on_duplicat",
     "unknown option `on_duplicat` for kind ogp-export: did you mean `on_duplicate`?"),
    ('name = "portal"\nkind = "ckan"\nurl = "https://open.canada.ca/data"', 'rows = "many"', "rows",
     "option `rows` must be a whole number of records per page"),
    ('name = "portal"\nkind = "ckan"\nurl = "https://open.canada.ca/data"', 'language = "de"', "language",
     'option `language` must be "en" or "fr"'),
    ('name = "portal"\nkind = "ckan"\npath = "dump.jsonl"', 'accept_partial = "yes"', "accept_partial",
     "option `accept_partial` must be true or false"),
    ('name = "portal"\nkind = "ckan"\npath = "dump.jsonl"', 'organisations = "orgs.jsonl"', "organisations",
     "unknown option `organisations` for kind ckan: did you mean `organizations`?"),
    ('name = "nap"\nkind = "nap-tracker"\npath = "nap"', 'format = "xml"', "format",
     'option `format` must be "yaml" or "csv"'),
    ('name = "nap"\nkind = "nap-tracker"\npath = "nap"', "cycles = { nap4 = 2018 }", "cycles",
     'option `cycles` must be a table of plan = cycle, e.g. { nap4 = "2018-2020" }'),
    ('name = "nap"\nkind = "nap-tracker"\npath = "nap"', "status = 5", "status",
     "option `status` must be a file or address, a list of them, or a table of plan = file"),
    ('name = "nap"\nkind = "nap-tracker"\npath = "nap"', 'file = ["nap5.yaml"]', "file",
     "unknown option `file` for kind nap-tracker: did you mean `files`?"),
    ('name = "events"\nkind = "learning"\nurl = "https://x.example/e.csv"', 'timeout = "30"', "timeout",
     "option `timeout` must be a number of seconds"),
    ('name = "events"\nkind = "learning"\nurl = "https://x.example/e.csv"', "retries = 1.5", "retries",
     "option `retries` must be a whole number"),
    ('name = "events"\nkind = "learning"\npath = "e.csv"', 'jurisdiction_names = ["Ukraine"]',
     "jurisdiction_names", 'option `jurisdiction_names` must be a table of strings, e.g. { ukr = "Ukraine" }'),
    ('name = "csps"\nkind = "csps-registrations"\npath = "lsr2018_19.csv"', 'grain = "week"', "grain",
     'option `grain` must be "course" or "month"'),
    ('name = "csps"\nkind = "csps-registrations"\npath = "lsr2018_19.csv"', "timeout = 30", "timeout",
     "unknown option `timeout` for kind csps-registrations: the options of csps-registrations are "),
    ('name = "metrics"\nkind = "portal-metrics"\npath = "corporate_report.csv"', "data_date = 2024", "data_date",
     "option `data_date` must be a date written YYYY-MM-DD"),
    ('name = "metrics"\nkind = "portal-metrics"\npath = "corporate_report.csv"', "attribution = true",
     "attribution", "option `attribution` must be a string"),
    ('name = "more"\nkind = "reference"\npath = "reference"', 'tables = "commitments"', "tables",
     "option `tables` must be a list of strings"),
    ('name = "more"\nkind = "reference"\npath = "reference"', "rows = 10", "rows",
     "unknown option `rows` for kind reference: the options of reference are "),
    ('name = "demo"\nkind = "synthetic"', 'seed = "2026"', "seed", "option `seed` must be a whole number"),
    ('name = "demo"\nkind = "synthetic"', "as_of = 20261122", "as_of", "option `as_of` must be a date"),
    ('name = "demo"\nkind = "synthetic"', "path = 5", "path", "option `path` must be a string"),
]


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A data folder holding one good snapshot, whose bytes a refused build must leave as they are."""
    publish.write_scale_snapshot(tmp_path / "data", "small")
    return tmp_path


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("table, line, key, says", MISTAKES,
                         ids=[f"{m[0].split(chr(34))[3]}-{m[1].split(' ')[0]}" for m in MISTAKES])
def test_each_mistake_stops_the_build_naming_source_key_and_value(workspace, capsys, table, line, key, says):
    config_file = workspace / "sources.toml"
    # The first source would fail when read (its folder is absent): the mistake must be found before that.
    config_file.write_text(REFERENCE.format(reference=workspace / "absent") + "\n[[source]]\n" + table + "\n"
                           + line + "\n", encoding="utf-8")
    before = _files(workspace / "data")
    code = cli.main(["snapshot", "build", "--config", str(config_file), "--data-dir", str(workspace / "data")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    name, kind = re.search(r'name = "([^"]+)"', table)[1], re.search(r'kind = "([^"]+)"', table)[1]
    value = tomllib.loads(line)[key]
    assert f"source {name!r} ({kind})" in err and str(config_file) in err and "row 2" in err, err
    assert f"column {key!r}, value {value!r}: {says}" in err, err
    assert "absent" not in err  # nothing was read
    assert _files(workspace / "data") == before


def test_a_misspelt_source_table_and_a_source_that_is_not_a_table(tmp_path):
    config_file = tmp_path / "sources.toml"
    config_file.write_text('[[sources]]\nname = "x"\nkind = "reference"\npath = "reference"\n', encoding="utf-8")
    with pytest.raises(IngestError, match=r"column 'sources'.*unknown key at the top of the sources file "
                                          r"\(did you mean \[\[source\]\]\?\)"):
        load_sources(config_file)
    config_file.write_text('source = ["reference"]\n', encoding="utf-8")
    with pytest.raises(IngestError, match="each source is a \\[\\[source\\]\\] table"):
        load_sources(config_file)


def test_the_wrong_value_is_shown_as_written():
    with pytest.raises(IngestError) as caught:
        settings.check({"name": "portal", "kind": "ckan", "url": "https://x.example", "rows": "many"},
                       name="portal", index=3, file="s.toml")
    assert caught.value.describe() == ("source 'portal' (ckan), file s.toml, row 3, column 'rows', value 'many': "
                                       "option `rows` must be a whole number of records per page")


def test_every_kind_has_a_model_and_every_shipped_sources_file_passes():
    assert set(settings.MODELS) == set(KINDS)
    for name in ("sources.toml", "sources.example.toml", "sources.live.toml"):
        path = config.BUNDLED_DIR / name
        if path.is_file():
            assert load_sources(path), name


def test_every_option_is_documented():
    docs = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
    for kind, model in settings.MODELS.items():
        for option in model.model_fields:
            assert re.search(rf"`{re.escape(option)}( = [^`]*)?`", docs), \
                f"option {option} of {kind} is not in docs/sources.md"


def test_snapshots_build_checks_before_reading(tmp_path):
    config_file = tmp_path / "sources.toml"
    config_file.write_text(REFERENCE.format(reference=tmp_path / "absent") + 'refrence_note = "x"\n',
                           encoding="utf-8")
    with pytest.raises(IngestError, match="unknown option `refrence_note` for kind reference"):
        publish.build(config_file, tmp_path / "data")
    assert not (tmp_path / "data").exists() or not snapshots.list_snapshots(tmp_path / "data")
