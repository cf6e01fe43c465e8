"""dashboard/bundled/README.md documents every table and column of the schema, every status code and the manifest."""

from __future__ import annotations

import re

import pytest

from dashboard import config, progress, schema
from helpers import make_snapshot

README = config.DATA_DICTIONARY  # dashboard/bundled/README.md in a checkout, shipped with the package


def _sections() -> dict[str, str]:
    """Return the text under each `### `table`` heading, up to the next heading."""
    text = README.read_text(encoding="utf-8")
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.MULTILINE)
    sections = {}
    for heading, body in zip(parts[1::2], parts[2::2]):
        match = re.fullmatch(r"### `([a-z_]+)`", heading.strip())
        if match:
            sections[match.group(1)] = body
    return sections


def test_every_table_has_a_section():
    missing = sorted(set(schema.TABLES) - set(_sections()))
    assert not missing, f"dashboard/bundled/README.md has no '### `table`' section for {missing}"


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_every_column_is_documented_with_its_type(table):
    body = _sections().get(table, "")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z_0-9]+)` \| ([^|]+) \|", body, re.MULTILINE)}
    undocumented = [f.name for f in schema.TABLES[table] if f.name not in rows]
    assert not undocumented, f"{table}: columns missing from dashboard/bundled/README.md: {undocumented}"
    extra = sorted(set(rows) - set(schema.TABLES[table].names))
    assert not extra, f"{table}: dashboard/bundled/README.md documents columns the schema lacks: {extra}"
    for field in schema.TABLES[table]:
        written = rows[field.name]
        assert ("required" in written) == (not field.nullable), f"{table}.{field.name}: required flag"
        assert _type_word(field.type) in written, f"{table}.{field.name}: type should read {_type_word(field.type)}"


def _type_word(type_) -> str:
    import pyarrow as pa

    if pa.types.is_list(type_):
        return "list<string>"
    if pa.types.is_timestamp(type_):
        return "timestamp"
    if pa.types.is_date(type_):
        return "date"
    if pa.types.is_boolean(type_):
        return "bool"
    if pa.types.is_float64(type_):
        return "float64"
    return str(type_)


def test_every_table_names_its_key_and_sources():
    for table, body in _sections().items():
        if table not in schema.TABLES:
            continue
        assert "Key:" in body and "Filled by:" in body, table
        for column in schema.PRIMARY_KEYS[table]:
            assert f"`{column}`" in body.split("Filled by:")[0], (table, column)


def test_every_status_code_and_missing_code_is_documented():
    text = README.read_text(encoding="utf-8")
    for value in progress.SCALE:
        assert f"`{value}`" in text, value
    for vocab, codes in progress.VOCABULARIES.items():
        assert f"`{vocab}`" in text, vocab
        for code in codes:
            assert re.search(rf"`{re.escape(code)}`", text, re.IGNORECASE), (vocab, code)
    for code in ("ND", "NR", "NA"):
        assert f"| `{code}` |" in text, code


def test_manifest_keys_are_documented(tmp_path):
    snap = make_snapshot(tmp_path, {"jurisdictions": [
        {"jurisdiction_id": "ca", "name_en": "Canada", "level": "national"}]})
    text = README.read_text(encoding="utf-8")
    keys = set(snap.manifest) | {"note"} | set(next(iter(snap.manifest["tables"].values())))
    for key in keys:
        assert f"`{key}`" in text, key
