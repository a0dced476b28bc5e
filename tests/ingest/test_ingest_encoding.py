"""Encoding policy: BOMs, declared charsets (gb2312 read as gb18030), detection, refusals."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from seclens.errors import IngestError
from seclens.ingest.encoding import canonical_codec, decode_bytes, sniff_declared_charset

ZH_SIMPLIFIED = "国家安全是民族复兴的根本基础。人工智能发展的不确定性带来新挑战。"
ZH_TRADITIONAL = "國家安全是民族復興的根本基礎。人工智慧發展的不確定性帶來新挑戰。"
GBK_ONLY = "朱镕基与王堃"  # 镕 and 堃 are in GBK but not in GB2312


def test_gbk_only_characters_are_not_in_gb2312() -> None:
    # Guards the premise of the next test: these bytes are invalid gb2312.
    with pytest.raises(UnicodeEncodeError):
        GBK_ONLY.encode("gb2312")


def test_declared_gb2312_with_gbk_only_chars_decodes_as_gb18030() -> None:
    data = (ZH_SIMPLIFIED + GBK_ONLY).encode("gbk")
    decoded = decode_bytes(data, "gb2312")
    assert decoded.text == ZH_SIMPLIFIED + GBK_ONLY
    assert decoded.encoding == "gb18030"
    assert decoded.notes == ("declared gb2312, decoded as gb18030",)


def test_declared_gbk_with_gb18030_four_byte_char() -> None:
    text = ZH_SIMPLIFIED + "\U00020000"  # CJK Ext. B: only in GB18030 (4 bytes)
    decoded = decode_bytes(text.encode("gb18030"), "GBK")
    assert decoded.text == text
    assert decoded.encoding == "gb18030"


@pytest.mark.parametrize(
    ("text", "codec", "expected_codec"),
    [
        (ZH_SIMPLIFIED + GBK_ONLY, "gb18030", "gb18030"),
        (ZH_TRADITIONAL, "big5", "big5"),
        ("The President\u2019s order on safety \u2014 and security.", "cp1252", "cp1252"),
    ],
)
def test_undeclared_legacy_encodings_are_detected(
    text: str, codec: str, expected_codec: str
) -> None:
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == expected_codec
    assert any("detected" in note for note in decoded.notes)


def test_declared_big5_is_decoded_without_detection() -> None:
    decoded = decode_bytes(ZH_TRADITIONAL.encode("big5"), "big5")
    assert decoded.text == ZH_TRADITIONAL
    assert decoded.encoding == "big5"
    assert decoded.notes == ()


def test_declared_iso_8859_1_is_read_as_cp1252() -> None:
    text = "The President\u2019s order \u2014 caf\u00e9."
    decoded = decode_bytes(text.encode("cp1252"), "iso-8859-1")
    assert decoded.text == text
    assert decoded.encoding == "cp1252"


def test_utf8_bom_is_stripped_and_noted() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + ZH_SIMPLIFIED.encode("utf-8"))
    assert decoded.text == ZH_SIMPLIFIED
    assert decoded.encoding == "utf-8"
    assert decoded.notes == ("utf-8 byte-order mark removed (3 bytes)",)


def test_utf16_bom() -> None:
    decoded = decode_bytes(codecs.BOM_UTF16_LE + ZH_SIMPLIFIED.encode("utf-16-le"))
    assert decoded.text == ZH_SIMPLIFIED
    assert decoded.encoding == "utf-16-le"


def test_utf8_wins_over_a_wrong_declaration_and_says_so() -> None:
    decoded = decode_bytes(ZH_SIMPLIFIED.encode("utf-8"), "gb2312")
    assert decoded.text == ZH_SIMPLIFIED
    assert decoded.encoding == "utf-8"
    assert "valid UTF-8" in decoded.notes[0]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "E105"),
        (bytes(range(1, 256)) * 4, "E104"),
        (codecs.BOM_UTF8 + b"\xff\xfe broken", "E104"),
    ],
)
def test_binary_or_undecodable_bytes_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(IngestError) as caught:
        decode_bytes(data, source="bad.txt")
    assert caught.value.code == code
    assert "bad.txt" in caught.value.message


def test_bytes_no_in_scope_encoding_decodes_are_refused() -> None:
    # Bytes no in-scope encoding decodes strictly: refuse instead of producing mojibake.
    data = "国家".encode("gb18030") + b"\x80\xff\x80\xff"
    with pytest.raises(IngestError) as caught:
        decode_bytes(data)
    assert caught.value.code == "E104"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="gb2312">', "gb2312"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=GBK" />', "gbk"),
        (b'<?xml version="1.0" encoding="big5"?><html>', "big5"),
        (b"<html><head><title>x</title>", None),
    ],
)
def test_sniff_declared_charset(head: bytes, expected: str | None) -> None:
    assert sniff_declared_charset(head) == expected


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb2312"),
        ("x-gbk", "gbk"),
        ("utf8", "utf-8"),
        ("GB_2312-80", "gb2312"),
        ("csBig5", "big5"),
        ("ISO-8859-1", "iso8859-1"),
        ("no-such-charset", None),
    ],
)
def test_canonical_codec(label: str, codec: str | None) -> None:
    assert canonical_codec(label) == codec


def test_nul_bytes_in_utf8_are_binary() -> None:
    with pytest.raises(IngestError) as caught:
        decode_bytes(b"abc\x00def")
    assert caught.value.code == "E105"


def test_regression_gbk_bytes_that_are_also_valid_utf8() -> None:
    # 一 in gb18030 is D2 BB, which is also UTF-8 for U+04BB (Cyrillic һ).
    assert decode_bytes("一".encode("gb18030"), "gbk").text == "一"


@given(
    st.text(alphabet=st.characters(blacklist_characters="\x00\ufeff", blacklist_categories=("Cs",)))
)
def test_utf8_round_trip(text: str) -> None:
    # Valid UTF-8 decodes to itself, except texts of 2-byte characters only that are
    # also plausible Chinese in GB18030/Big5: those are refused as unsure, never guessed.
    try:
        decoded = decode_bytes(text.encode("utf-8"))
    except IngestError as exc:
        assert exc.code == "E104" and "unsure (utf-8 or" in exc.message
        assert all(ord(char) <= 0x7FF for char in text)
        return
    assert decoded.text == text


def test_regression_undeclared_short_gbk_that_is_valid_utf8_is_refused() -> None:
    with pytest.raises(IngestError, match="unsure"):
        decode_bytes("一".encode("gb18030"))


def test_long_cyrillic_utf8_is_not_refused() -> None:
    text = "Искусственный интеллект и национальная безопасность. " * 5
    assert decode_bytes(text.encode("utf-8")).text == text


_GB_TEXT = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1)


@given(_GB_TEXT)
def test_declared_gbk_round_trip(text: str) -> None:
    assert decode_bytes(text.encode("gb18030"), "gbk").text == text


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_decode_losslessly_or_raise(data: bytes) -> None:
    # Never mojibake: either an IngestError, or text that re-encodes to the same bytes
    # (modulo a stripped BOM) and holds no replacement character.
    try:
        decoded = decode_bytes(data)
    except IngestError as exc:
        assert exc.code in {"E104", "E105"}
        return
    assert "\ufffd" not in decoded.text or decoded.encoding == "utf-8"
    encoded = decoded.text.encode(decoded.encoding)
    assert data.endswith(encoded)
    assert len(data) - len(encoded) in (0, 2, 3, 4)  # BOM only


@pytest.fixture(scope="module")
def corpus_chinese(corpus_dir: Path) -> tuple[str, str]:
    """(simplified, traditional) text of the 2017 plan, newlines removed."""
    import opencc

    text = (corpus_dir / "docs" / "cn-sc-2017-aidp.txt").read_text(encoding="utf-8")
    text = text.replace("\n", "")
    return text, opencc.OpenCC("s2t").convert(text)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 40), st.sampled_from(["gb18030", "big5"]))
def test_detection_of_real_text_windows_never_gives_mojibake(
    corpus_chinese: tuple[str, str], start: int, length: int, codec: str
) -> None:
    # Undeclared GB18030 (simplified) or Big5 (traditional) windows of the 2017 plan:
    # the decoder returns the exact text or refuses with E104 — never other text.
    source = corpus_chinese[0] if codec == "gb18030" else corpus_chinese[1]
    start %= len(source) - length
    window = source[start : start + length]
    try:
        data = window.encode(codec)
    except UnicodeEncodeError:
        return
    try:
        decoded = decode_bytes(data)
    except IngestError as exc:
        assert exc.code == "E104"
        return
    assert decoded.text == window


@given(st.text(alphabet=st.characters(max_codepoint=0x10FFFF), max_size=60))
@example("")
@example("plain ascii")
@example("һ and é")
@example("é 一")
@example("\u07ff\u0800")
@example("\x80")
def test_two_byte_only_equals_its_definition(text: str) -> None:
    """The regex fast path of the GBK-ambiguity check (a reading hot spot) keeps its meaning:
    some non-ASCII character, and every non-ASCII character in U+0080–U+07FF."""
    from seclens.ingest.encoding import _two_byte_only

    non_ascii = [c for c in text if ord(c) > 0x7F]
    expected = bool(non_ascii) and all(ord(c) <= 0x7FF for c in non_ascii)
    assert _two_byte_only(text) is expected
