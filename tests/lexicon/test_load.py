"""Lexicon stage: packaged data, validation errors, CSV, combine, sense rules."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from seclens.errors import LexiconError
from seclens.lexicon import combine, load_lexicon, load_sense_rules

MIN_ENTRY = "  - {id: %s, term: %s, lang: zh, category: security, sector: general, source: S}\n"
HEADER = "lexicon_id: user\nversion: '1'\ntitle: T\nsource: S\nentries:\n"


def write(tmp_path: Path, text: str, name: str = "lex.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_lexicon_has_versioned_header_and_sourced_entries() -> None:
    lx = load_lexicon()
    assert lx.lexicon_id == "seclens.security" and lx.version and lx.title and lx.source
    assert all(e.source.strip() for e in lx.entries)
    assert len({e.entry_id for e in lx.entries}) == len(lx.entries)
    assert {e.lang for e in lx.entries} == {"zh", "en"}
    assert {e.category for e in lx.entries} == {"security", "sector", "threat"}


@pytest.mark.parametrize(("lang", "term", "category", "sector"), [
    ("zh", "安全", "security", "general"),
    ("zh", "国家安全", "sector", "national"),
    ("zh", "国防", "sector", "military"),
    ("zh", "军事", "sector", "military"),
    ("zh", "政治安全", "sector", "political"),
    ("zh", "网络安全", "sector", "cyber"),
    ("zh", "数据安全", "sector", "data"),
    ("zh", "意识形态安全", "sector", "ideological"),
    ("zh", "军民融合", "sector", "military"),
    ("zh", "安全可控", "sector", "technological"),
    ("zh", "卡脖子", "threat", "technological"),
    ("zh", "风险", "threat", "general"),
    ("en", "security", "security", "general"),
    ("en", "safety", "security", "general"),
    ("en", "national security", "sector", "national"),
    ("en", "national defence", "sector", "military"),
    ("en", "cybersecurity", "sector", "cyber"),
    ("en", "adversary", "threat", "international"),
])
def test_default_lexicon_contains_core_terms(lang: str, term: str, category: str,
                                             sector: str) -> None:
    hits = [e for e in load_lexicon().entries if e.lang == lang and e.term == term]
    assert len(hits) == 1
    assert (hits[0].category, hits[0].sector) == (category, sector)


@pytest.mark.parametrize(("body", "code", "needle"), [
    (HEADER + "  - {id: a.x, term: 安全, lang: zh, category: security, sector: general, "
              "source: S, colour: red}\n", "E204", "colour"),
    (HEADER + "  - {id: a.x, term: 安全, lang: zh, category: security, sector: general}\n",
     "E205", "source"),
    (HEADER + "  - {id: a.x, term: '', lang: zh, category: security, sector: general, source: S}\n",
     "E205", "a.x"),
    (HEADER + "  - {id: a.x, term: ' 安全', lang: zh, category: security, sector: general, "
              "source: S}\n", "E206", "a.x"),
    (HEADER + "  - {id: a.x, term: Security, lang: en, category: security, sector: general, "
              "source: S}\n", "E206", "lower case"),
    (HEADER + "  - {id: a.x, term: 安全, lang: fr, category: security, sector: general, "
              "source: S}\n", "E206", "lang"),
    (HEADER + MIN_ENTRY % ("a.x", "安全") + MIN_ENTRY % ("a.x", "国防"), "E207", "a.x"),
    (HEADER + MIN_ENTRY % ("a.x", "安全") + MIN_ENTRY % ("a.y", "安全"), "E208", "a.y"),
    ("lexicon_id: user\nversion: '1'\ntitle: T\nsource: S\nentries: []\n", "E203", "entries"),
    ("lexicon_id: user\nversion: '1'\ntitle: T\nentries:\n" + MIN_ENTRY % ("a.x", "安全"),
     "E205", "source"),
    ("lexicon_id: user\nversion: '1'\ntitle: T\nsource: S\nextra: 1\nentries:\n"
     + MIN_ENTRY % ("a.x", "安全"), "E203", "extra"),
    ("lexicon_id: [unclosed\n", "E202", "YAML"),
    (HEADER.replace("entries:", "sectors: {general: {codebook: ''}}\nentries:")
     + "  - {id: a.x, term: 安全, lang: zh, category: security, sector: cyber, source: S}\n",
     "E206", "not declared"),
])
def test_invalid_lexicon_files_raise_coded_errors_naming_file_and_entry(
        tmp_path: Path, body: str, code: str, needle: str) -> None:
    p = write(tmp_path, body)
    with pytest.raises(LexiconError) as info:
        load_lexicon(p)
    assert info.value.code == code
    assert str(p) in info.value.message
    assert needle in info.value.message


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(LexiconError) as info:
        load_lexicon(tmp_path / "nope.yaml")
    assert info.value.code == "E201"
    p = write(tmp_path, "x", "lex.json")
    with pytest.raises(LexiconError) as info:
        load_lexicon(p)
    assert info.value.code == "E201"


def test_csv_lexicon_same_columns_with_header_comments(tmp_path: Path) -> None:
    p = write(tmp_path, "# lexicon_id: my.csv.lexicon\n# version: 2\n"
                        "id,term,lang,category,sector,source,note\n"
                        "u.1,人工智能安全,zh,sector,ai,My study 2024,\n"
                        "u.2,ai race,en,threat,international,My study 2024,arms race frame\n",
              "mine.csv")
    lx = load_lexicon(p)
    assert (lx.lexicon_id, lx.version) == ("my.csv.lexicon", "2")
    assert [e.entry_id for e in lx.entries] == ["u.1", "u.2"]
    assert lx.entries[1].note == "arms race frame"
    assert lx.entries[0].lexicon_id == "my.csv.lexicon"


def test_csv_lexicon_errors_name_the_line(tmp_path: Path) -> None:
    p = write(tmp_path, "id,term,lang,category,sector,source\nu.1,安全,zh,security,general,\n",
              "bad.csv")
    with pytest.raises(LexiconError) as info:
        load_lexicon(p)
    assert info.value.code == "E205" and "line 2" in info.value.message
    p = write(tmp_path, "id,term,lang,category,sector,source,weight\n", "bad2.csv")
    with pytest.raises(LexiconError) as info:
        load_lexicon(p)
    assert info.value.code == "E204" and "weight" in info.value.message


def test_loading_never_modifies_the_user_file(tmp_path: Path) -> None:
    p = write(tmp_path, HEADER + MIN_ENTRY % ("a.x", "安全"))
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    load_lexicon(p)
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before


def test_combine_adds_user_entries_and_rejects_conflicts(tmp_path: Path) -> None:
    default = load_lexicon()
    user = load_lexicon(write(tmp_path, HEADER + MIN_ENTRY % ("u.x", "安全感")))
    both = combine([default, user])
    assert len(both.entries) == len(default.entries) + 1
    assert both.lexicon_id == "seclens.security+user"
    assert both.entries[-1].lexicon_id == "user"
    assert combine([user]) is user

    dup_id = load_lexicon(write(tmp_path, HEADER + MIN_ENTRY % ("zh.sec.general", "安全感"),
                                "b.yaml"))
    with pytest.raises(LexiconError) as info:
        combine([default, dup_id])
    assert info.value.code == "E207"

    conflict = load_lexicon(write(
        tmp_path, HEADER + "  - {id: u.y, term: 国防, lang: zh, category: threat, "
                           "sector: general, source: S}\n", "c.yaml"))
    with pytest.raises(LexiconError) as info:
        combine([default, conflict])
    assert info.value.code == "E208" and "zh.sec.national_defence" in info.value.message

    same = load_lexicon(write(
        tmp_path, HEADER + "  - {id: u.z, term: 国防, lang: zh, category: sector, "
                           "sector: military, source: S}\n", "d.yaml"))
    merged = combine([default, same])
    assert len(merged.entries) == len(default.entries)
    assert any("u.z" in n for n in merged.notes)
    with pytest.raises(LexiconError):
        combine([])


def test_default_sense_rules_are_valid_and_cover_the_ambiguous_words() -> None:
    rules = load_sense_rules()
    assert rules.rules_id == "seclens.senses" and rules.version
    assert rules.anchors() == {("zh", "安全"), ("en", "security"), ("en", "safety"),
                               ("en", "secure"), ("en", "safe")}
    assert all(r.source.strip() for r in rules.rules)
    by_pattern = {r.pattern: r.sense for r in rules.rules}
    for p in ("国家安全", "网络安全", "数据安全", "信息安全", "政治安全", "安全可控"):
        assert by_pattern[p] == "security"
    for p in ("安全生产", "交通安全", "食品安全", "生产安全", "产品安全", "安全可靠", "人身安全",
              "安全事故"):
        assert by_pattern[p] == "safety"


@pytest.mark.parametrize(("rule", "code"), [
    ("{id: r1, lang: zh, pattern: 国家安全, anchor: 安全, sense: safe, source: S}", "E206"),
    ("{id: r1, lang: zh, pattern: 国家, anchor: 安全, sense: security, source: S}", "E209"),
    ("{id: r1, lang: zh, pattern: 安全安全, anchor: 安全, sense: security, source: S}", "E209"),
    ("{id: r1, lang: zh, pattern: 国家安全, anchor: 安全, sense: security}", "E205"),
    ("{id: r1, lang: zh, pattern: 国家安全, anchor: 安全, sense: security, source: S, x: 1}",
     "E204"),
])
def test_invalid_sense_rules(tmp_path: Path, rule: str, code: str) -> None:
    p = write(tmp_path, f"rules_id: u\nversion: '1'\nrules:\n  - {rule}\n", "s.yaml")
    with pytest.raises(LexiconError) as info:
        load_sense_rules(p)
    assert info.value.code == code and "r1" in info.value.message


def test_duplicate_sense_rule_ids(tmp_path: Path) -> None:
    r = "  - {id: r1, lang: zh, pattern: 国家安全, anchor: 安全, sense: security, source: S}\n"
    p = write(tmp_path, "rules_id: u\nversion: '1'\nrules:\n" + r + r, "s.yaml")
    with pytest.raises(LexiconError) as info:
        load_sense_rules(p)
    assert info.value.code == "E207"
