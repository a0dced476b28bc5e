"""Cue lexicons are data: ids, versions, sources; malformed files give coded errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.annotate.cues import FIELDS, load_cuebook, load_data_file, parse_cuebook
from seclens.errors import AnnotationError


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_packaged_cuebook_entries_have_ids_sources_and_known_fields(lang: str) -> None:
    book = load_cuebook(lang)
    assert book.version.startswith(f"{lang}-cues-")
    ids = [c.cue_id for c in book.cues]
    assert len(ids) == len(set(ids))
    for c in book.cues:
        assert c.cue_id.startswith(f"{lang}.")
        assert c.field in FIELDS
        assert c.source.strip()
        assert c.terms or c.regex is not None


def test_auxiliary_data_files_have_versions_and_sources() -> None:
    for name in ("rules", "facilitating", "actors"):
        data = load_data_file(name)
        assert data["version"]
    for e in load_data_file("facilitating")["entries"]:
        assert e["id"] and e["source"] and (e["zh"] or e["en"])
    for e in load_data_file("actors")["entries"]:
        assert e["id"] and e["en"] and e["source"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (
            {
                "lang": "zh",
                "entries": [{"id": "a", "field": "threat", "label": "1", "terms": ["风险"]}],
            },
            "E401",
        ),
        (
            {
                "lang": "zh",
                "entries": [
                    {"id": "a", "field": "nope", "label": "1", "terms": ["x"], "source": "s"}
                ],
            },
            "E401",
        ),
        ({"lang": "xx", "entries": []}, "E401"),
        (
            {
                "lang": "zh",
                "entries": [
                    {"id": "a", "field": "threat", "label": "1", "patterns": ["("], "source": "s"}
                ],
            },
            "E402",
        ),
        (
            {
                "lang": "zh",
                "entries": [
                    {"id": "a", "field": "threat", "label": "1", "terms": ["x"], "source": "s"},
                    {"id": "a", "field": "threat", "label": "1", "terms": ["y"], "source": "s"},
                ],
            },
            "E403",
        ),
        (
            {
                "lang": "zh",
                "entries": [{"id": "a", "field": "threat", "label": "1", "source": "s"}],
            },
            "E401",
        ),
    ],
)
def test_malformed_cue_files_raise_coded_errors(data: dict, code: str) -> None:
    with pytest.raises(AnnotationError) as exc:
        parse_cuebook(data, "test.yaml")
    assert exc.value.code == code


def test_unsupported_language_is_an_error_not_a_fallback() -> None:
    with pytest.raises(AnnotationError) as exc:
        load_cuebook("fr")
    assert exc.value.code == "E405"


_BOOKS = {lang: load_cuebook(lang) for lang in ("zh", "en")}


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("国家安全风险威胁网络数据防范评估，。的和a b")), max_size=40
    )
)
def test_zh_hits_slice_back_to_matched_text(text: str) -> None:
    book = _BOOKS["zh"]
    for h in book.find(text):
        assert text[h.start : h.end] == h.matched


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["national", "security", "Risk", "management", "not", "a", "threat", ",", "AI", "must"]
        ),
        max_size=12,
    )
)
def test_en_hits_slice_back_and_respect_word_boundaries(words: list[str]) -> None:
    text = " ".join(words)
    book = _BOOKS["en"]
    for h in book.find(text):
        assert text[h.start : h.end] == h.matched
        assert h.start == 0 or not text[h.start - 1].isalnum()
        assert h.end == len(text) or not text[h.end].isalnum()


def test_english_terms_do_not_match_inside_words() -> None:
    book = load_cuebook("en")
    matched = {h.matched.lower() for h in book.find("The insecurity of unsafely built systems")}
    assert "security" not in matched and "safely" not in matched
