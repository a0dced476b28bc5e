"""manifest.csv: column mapping, extra columns, and errors that name the line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seclens.errors import IngestError
from seclens.ingest import read_manifest

WriteBytes = Callable[[str, bytes], Path]

HEADER = (
    "id,title,title_en,issuer,level,region,date,doc_number,language,source_repo,"
    "source_path,source_commit,original_url,license_note,completeness,chars\n"
)


def _manifest(write_bytes: WriteBytes, body: str, header: str = HEADER) -> Path:
    return write_bytes("manifest.csv", (header + body).encode("utf-8"))


def test_known_columns_map_to_fields_and_others_to_extra(write_bytes: WriteBytes) -> None:
    row = (
        'cn-x,标题,"Title, with comma",国务院,central,national,2017-07-08,国发〔2017〕35号,'
        'zh,repo,path,abc,http://www.gov.cn/x.htm,"note ""quoted""",complete,123\n'
    )
    manifest = read_manifest(_manifest(write_bytes, row))
    meta = manifest.rows["cn-x"]
    assert (meta.doc_id, meta.title, meta.title_en) == ("cn-x", "标题", "Title, with comma")
    assert (meta.issuer, meta.level, meta.region) == ("国务院", "central", "national")
    assert (meta.date, meta.doc_number, meta.language) == ("2017-07-08", "国发〔2017〕35号", "zh")
    assert meta.original_url == "http://www.gov.cn/x.htm"
    assert meta.meta_source == "manifest"
    assert dict(meta.extra) == {
        "source_repo": "repo",
        "source_path": "path",
        "source_commit": "abc",
        "license_note": 'note "quoted"',
        "completeness": "complete",
        "chars": "123",
    }


def test_lookup_by_file_stem(write_bytes: WriteBytes) -> None:
    manifest = read_manifest(_manifest(write_bytes, "a,,,,,,,,,,,,,,,\n", HEADER))
    assert manifest.lookup(Path("docs/a.txt")) is manifest.rows["a"]
    assert manifest.lookup(Path("docs/b.txt")) is None


def test_only_id_is_required_and_empty_cells_are_filled_later(write_bytes: WriteBytes) -> None:
    manifest = read_manifest(_manifest(write_bytes, "a\nb\n", "id\n"))
    assert list(manifest.rows) == ["a", "b"]
    assert manifest.rows["a"].language == ""  # detected from the text at read time
    assert manifest.rows["a"].level == "unknown"


def test_utf8_bom_manifest(write_bytes: WriteBytes) -> None:
    path = write_bytes("manifest.csv", b"\xef\xbb\xbfid,title\na,\xe6\xa0\x87\n")
    assert read_manifest(path).rows["a"].title == "标"


@pytest.mark.parametrize(
    ("header", "body", "code", "line"),
    [
        ("title,level\n", "x,central\n", "E110", "line 1"),
        ("id,title\n", "a,x\nb,y\na,z\n", "E111", "line 4"),
        ("id,title\n", "a,x\n,y\n", "E110", "line 3"),
        ("id,level\n", "a,national\n", "E114", "line 2"),
        ("id,language\n", "a,fr\n", "E114", "line 2"),
        ("id,title\n", "a,x,surplus\n", "E114", "line 2"),
        # regression: a short row was read silently with its missing cells empty
        ("id,title,level,date\n", "a,x,central\n", "E114", "line 2"),
    ],
)
def test_malformed_manifest_names_the_line(
    write_bytes: WriteBytes, header: str, body: str, code: str, line: str
) -> None:
    with pytest.raises(IngestError) as caught:
        read_manifest(_manifest(write_bytes, body, header))
    assert caught.value.code == code
    assert line in caught.value.message


def test_duplicate_message_points_to_first_occurrence(write_bytes: WriteBytes) -> None:
    with pytest.raises(IngestError, match=r"line 3: duplicate id 'a' \(first on line 2\)"):
        read_manifest(_manifest(write_bytes, "a,x\na,y\n", "id,title\n"))


def test_undecodable_manifest(write_bytes: WriteBytes) -> None:
    with pytest.raises(IngestError) as caught:
        read_manifest(write_bytes("manifest.csv", b"id\n\x00\x01"))
    assert caught.value.code == "E113"
