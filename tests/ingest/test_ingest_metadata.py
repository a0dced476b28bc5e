"""Metadata inference: language, document numbers, level from the issuing-office prefix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seclens.errors import IngestError
from seclens.ingest import detect_language, find_doc_number, load_prefix_table, read_document
from seclens.ingest.metadata import PrefixTable

WriteBytes = Callable[[str, bytes], Path]


@pytest.fixture(scope="module")
def table() -> PrefixTable:
    return load_prefix_table()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("国家安全是民族复兴的根本基础。", "zh"),
        ("人工智能（AI）安全治理框架 1.0 版", "zh"),
        ("Sec. 4. Ensuring the Safety and Security of AI Technology.", "en"),
        (
            "The Secretary of Commerce shall establish guidelines and best practices, "
            "with the aim of promoting consensus industry standards, for developing and "
            "deploying safe, secure, and trustworthy AI systems in the United States.",
            "en",
        ),
        (
            "Le président de la République nomme le Premier ministre. Il met fin à ses "
            "fonctions sur la présentation par celui-ci de la démission du Gouvernement. "
            "Sur la proposition du Premier ministre, il nomme les autres membres.",
            "other",
        ),
        ("12345 ---", "other"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("title", "text", "number", "office"),
    [
        (
            "国务院关于印发新一代人工智能发展规划的通知 国发〔2017〕35号",
            "",
            "国发〔2017〕35号",
            "国发",
        ),
        ("", "山东省人民政府办公厅\n鲁政办发〔2020〕8号\n正文", "鲁政办发〔2020〕8号", "鲁政办发"),
        ("", "通知\n（济政发[2020]3号）\n正文", "济政发[2020]3号", "济政发"),
        ("", "标题\n青政办字（2019） 20 号\n", "青政办字（2019） 20 号", "青政办字"),
    ],
)
def test_find_doc_number(title: str, text: str, number: str, office: str) -> None:
    found = find_doc_number(title, text)
    assert found is not None
    assert (found.text, found.office) == (number, office)


def test_cited_number_inside_a_sentence_is_not_the_documents_own() -> None:
    text = (
        "高等学校人工智能创新行动计划\n"
        "为落实《新一代人工智能发展规划》（国发〔2017〕35号），制定本计划。"
    )
    assert find_doc_number("", text) is None


def test_number_beyond_the_first_lines_is_ignored() -> None:
    text = "\n".join(["行"] * 20 + ["国发〔2017〕35号"])
    assert find_doc_number("", text) is None


@pytest.mark.parametrize(
    ("office", "prefix", "level", "region"),
    [
        ("国发", "国发", "central", "national"),
        ("国办发", "国办发", "central", "national"),
        ("工信部科", "工信部", "central", "national"),
        ("教技", "教技", "central", "national"),
        ("鲁政发", "鲁政发", "provincial", "Shandong"),
        ("鲁政办发", "鲁政办发", "provincial", "Shandong"),
        ("粤府办", "粤府", "provincial", "Guangdong"),
        ("京政发", "京政发", "provincial", "Beijing"),
        ("济政发", "济政发", "municipal", "Shandong/Jinan"),
        ("青政发", "青政发", "municipal", "Shandong/Qingdao"),
        ("深府办", "深府", "municipal", "Guangdong/Shenzhen"),
        ("关于印发国发", "国发", "central", "national"),
    ],
)
def test_prefix_lookup(
    table: PrefixTable, office: str, prefix: str, level: str, region: str
) -> None:
    entry = table.lookup(office)
    assert entry is not None
    assert (entry.prefix, entry.level, entry.region) == (prefix, level, region)


def test_unknown_prefix(table: PrefixTable) -> None:
    assert table.lookup("某某发") is None


def test_packaged_prefix_table_has_ids_version_and_sources(table: PrefixTable) -> None:
    assert table.table_id == "seclens.issuer_prefixes"
    assert table.version
    assert table.source
    ids = [entry.entry_id for entry in table.entries]
    assert len(ids) == len(set(ids))
    assert all(entry.source for entry in table.entries)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"entries": [{"id": "a", "prefix": "国发"}]}, "lacks one of"),
        (
            {
                "entries": [
                    dict(id="a", prefix="x", level="national", region="r", issuer="i", source="s")
                ]
            },
            "has level 'national'",
        ),
        (
            {
                "entries": [
                    dict(id="a", prefix="x", level="central", region="r", issuer="i", source="s")
                ]
                * 2
            },
            "duplicate ids",
        ),
        ({"no_entries": []}, "expected a mapping"),
    ],
)
def test_malformed_prefix_table(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(IngestError) as caught:
        load_prefix_table(data)
    assert caught.value.code == "E130"
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("first_lines", "level", "region"),
    [
        ("关于印发某规划的通知\n国办发〔2019〕1号\n", "central", "national"),
        ("山东省人民政府关于某事的通知\n鲁政发〔2019〕9号\n", "provincial", "Shandong"),
        ("济南市人民政府关于某事的通知\n济政发〔2020〕3号\n", "municipal", "Shandong/Jinan"),
        ("深圳市人民政府关于某事的通知\n深府〔2019〕1号\n", "municipal", "Guangdong/Shenzhen"),
    ],
)
def test_level_inferred_without_manifest(
    write_bytes: WriteBytes, first_lines: str, level: str, region: str
) -> None:
    body = first_lines + "各区县人民政府：\n人工智能发展事关国家安全。"
    document = read_document(write_bytes("doc.txt", body.encode("utf-8")))
    assert document.meta.level == level
    assert document.meta.region == region
    assert document.meta.meta_source == "filename+doc_number"
    assert document.meta.extra["level_rule"].startswith("cn.")
    assert any("level" in note for note in document.notes)


def test_no_number_leaves_level_unknown(write_bytes: WriteBytes) -> None:
    document = read_document(write_bytes("doc.txt", "人工智能发展事关国家安全。".encode()))
    assert document.meta.level == "unknown"
    assert document.meta.meta_source == "filename"
