"""Ingest stage: turn the bytes of a text or HTML file into ``str`` without mojibake.

Policy (see ``docs/ingest.md``), in order:

1. A byte-order mark decides (UTF-8 BOM is stripped and noted; UTF-16/32 BOMs).
2. NUL bytes without a UTF-16/32 BOM mean binary content: refused (``E105``).
3. Strict UTF-8 (ASCII included), unless a declared charset (HTML ``<meta charset>``,
   XML declaration, HTTP header) also decodes the bytes strictly and gives text at least
   as plausible (share of ASCII/CJK characters); ``gb2312``/``gbk``/``cp936`` are decoded
   as ``gb18030`` (a superset), ``big5`` as ``big5`` then ``cp950`` then ``big5hkscs``.
   Undeclared valid UTF-8 whose non-ASCII characters are all 2-byte sequences
   (Latin/Greek/Cyrillic ...) is refused when GB18030 or Big5 also read it as plausible
   Chinese (short GBK text is often valid UTF-8 by accident).
4. Detection with charset-normalizer restricted to the encodings in scope for
   Chinese and English policy documents (:data:`DETECTABLE`); a candidate must decode
   strictly and look plausible (:func:`_plausible`: no control or private-use
   characters; for Chinese codecs mostly common ideographs and CJK punctuation), and
   the first plausible one must not be tied with another that decodes differently.

Anything else raises :class:`~seclens.errors.IngestError` ``E104``: decoding never
uses replacement characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from seclens.errors import IngestError
from seclens.ingest.codes import E_BINARY, E_ENCODING

#: Encodings charset-normalizer may choose among (scope: Chinese and English texts).
DETECTABLE: tuple[str, ...] = ("gb18030", "big5", "cp950", "cp1252")

#: Declared names decoded with a superset codec (gb18030 ⊃ gbk ⊃ gb2312).
_SUPERSETS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs",),
    "iso8859-1": ("cp1252", "latin_1"),  # browsers treat iso-8859-1 as windows-1252
}

#: Web labels (WHATWG Encoding Standard) that Python's codec registry does not know.
_LABEL_ALIASES: dict[str, str] = {
    "gb_2312-80": "gb2312",
    "gb_2312": "gb2312",
    "csgb2312": "gb2312",
    "chinese": "gb2312",
    "iso-ir-58": "gb2312",
    "csiso58gb231280": "gb2312",
    "cn-big5": "big5",
    "csbig5": "big5",
    "x-big5": "big5",
}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_PLAUSIBLE = re.compile(
    r"[\x00-\x7f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\U00020000-\U0003134f]"
)
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")
_CJK_TEXT = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f\u3000-\u303f\uff00-\uffef\u2000-\u206f]"
)
#: Largest share of non-ASCII characters outside CJK text blocks in a detected Chinese decoding.
MAX_ODD_SHARE = 0.05
#: Smallest share of common ideographs (GB2312 / Big5 level 1) in a detected Chinese decoding.
MIN_COMMON_SHARE = 0.9
#: Largest share of non-ASCII characters in a detected cp1252 decoding.
MAX_LATIN_NON_ASCII = 0.3
_FAMILY = {"gb18030": "gb", "big5": "big5", "cp950": "big5", "big5hkscs": "big5"}
#: C0/C1 controls other than whitespace, U+FFFD, private-use areas: signs of mojibake.
#: A character outside the 1- and 2-byte UTF-8 range (U+0800 and above).
_THREE_BYTE_OR_MORE = re.compile("[^\x00-\u07ff]")
#: A character in the 2-byte UTF-8 range (U+0080–U+07FF).
_TWO_BYTE = re.compile("[\x80-\u07ff]")
_SUSPICIOUS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")


@dataclass(frozen=True)
class Decoded:
    """Decoded text with the codec used and remarks for ``Document.notes``.

    Attributes
    ----------
    text : str
        The decoded text (BOM removed).
    encoding : str
        Python codec name actually used (``utf-8``, ``gb18030``, ``big5`` ...).
    notes : tuple[str, ...]
        Non-fatal remarks (BOM stripped, declared charset widened, detection used).
    """

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def sniff_declared_charset(data: bytes) -> str | None:
    """Return the charset declared in the first 4 KiB of an HTML/XML page, if any.

    Parameters
    ----------
    data : bytes
        Raw page bytes.

    Returns
    -------
    str or None
        The declared label as written (e.g. ``"gb2312"``), or ``None``.
    """
    head = data[:4096]
    found = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii").strip().lower() if found else None


def canonical_codec(label: str) -> str | None:
    """Python codec name for an encoding label, or ``None`` when unknown.

    Examples: ``"GB2312"`` → ``"gb2312"``, ``"x-gbk"`` → ``"gbk"``, ``"utf8"`` → ``"utf-8"``.
    """
    cleaned = label.strip().lower().removeprefix("x-")
    cleaned = _LABEL_ALIASES.get(cleaned, cleaned)
    try:
        return codecs.lookup(cleaned).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None, *, source: str = "") -> Decoded:
    """Decode ``data`` following the module's policy, never with replacement characters.

    Parameters
    ----------
    data : bytes
        Raw file bytes.
    declared : str, optional
        Charset label declared by the file (HTML meta / XML declaration / HTTP header).
    source : str
        Path or URL, used in error messages.

    Returns
    -------
    Decoded

    Raises
    ------
    IngestError
        ``E105`` for binary content, ``E104`` when no encoding decodes the bytes
        cleanly or detection is ambiguous.
    """
    bom = _decode_with_bom(data, source)
    if bom is not None:
        return bom
    if b"\x00" in data:
        raise IngestError(E_BINARY, f"{source}: binary content (NUL bytes) in a text file")
    utf8 = _try_utf8(data)
    found = _decode_declared(data, declared) if declared else None
    if utf8 is not None and (found is None or _plausibility(utf8) > _plausibility(found.text)):
        if found is None and _two_byte_only(utf8):
            _refuse_if_also_chinese(data, source)
        notes = _utf8_notes(declared, utf8) + _utf8_damage_notes(utf8)
        return Decoded(utf8, "utf-8", notes)
    if found is not None:
        return found
    return _detect(data, source, declared)


def _try_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _two_byte_only(text: str) -> bool:
    """All non-ASCII characters are 2-byte UTF-8 (U+0080–U+07FF): GBK/Big5 bytes can be too."""
    if text.isascii() or _THREE_BYTE_OR_MORE.search(text):
        return False
    return _TWO_BYTE.search(text) is not None


def _refuse_if_also_chinese(data: bytes, source: str) -> None:
    """Refuse undeclared bytes that are valid UTF-8 *and* plausible GB18030/Big5 text.

    Short GBK text is often valid UTF-8 by accident (一 = D2 BB = Cyrillic һ).
    """
    for codec in ("gb18030", "big5"):
        text = _strict(data, codec)
        if text is not None and not text.isascii() and _plausible(text, codec):
            raise IngestError(
                E_ENCODING,
                f"{source}: encoding unsure (utf-8 or {codec}); "
                "convert the file to UTF-8 with a BOM or declare its charset",
            )


def _plausibility(text: str) -> float:
    """Share of characters that are ASCII, CJK ideographs or CJK/full-width punctuation.

    Used only to choose between valid UTF-8 and a declared legacy encoding that both
    decode the bytes (e.g. gb18030 一 = D2 BB is also UTF-8 һ); ties go to the declaration.
    """
    if not text:
        return 1.0
    return len(_PLAUSIBLE.findall(text)) / len(text)


def _decode_with_bom(data: bytes, source: str) -> Decoded | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    E_ENCODING,
                    f"{source}: starts with a {codec} byte-order mark but is not valid "
                    f"{codec} (byte {exc.start + len(bom)})",
                ) from exc
            note = f"{codec} byte-order mark removed ({len(bom)} bytes)"
            return Decoded(_checked(text, codec, source), codec, (note,))
    return None


def _utf8_notes(declared: str | None, text: str) -> tuple[str, ...]:
    if not declared or text.isascii():
        return ()
    codec = canonical_codec(declared)
    if codec in (None, "utf-8"):
        return ()
    return (f"declared {declared}, but the bytes are valid UTF-8: decoded as utf-8",)


def _decode_declared(data: bytes, declared: str) -> Decoded | None:
    codec = canonical_codec(declared)
    if codec is None:
        return None
    for candidate in _SUPERSETS.get(codec, (codec,)):
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if _SUSPICIOUS.search(text):
            continue
        notes = () if candidate == codec else (f"declared {declared}, decoded as {candidate}",)
        return Decoded(text, candidate, notes)
    return None


def _detect(data: bytes, source: str, declared: str | None) -> Decoded:
    prefix = f"declared {declared} does not decode; " if declared else ""
    candidates = [
        (match, codec, text)
        for match in from_bytes(data, cp_isolation=list(DETECTABLE))
        if (codec := canonical_codec(match.encoding) or match.encoding)
        and (text := _strict(data, codec)) is not None
        and _plausible(text, codec)
    ]
    if not candidates:
        raise IngestError(
            E_ENCODING,
            f"{source}: {prefix}encoding not recognised (tried utf-8, {', '.join(DETECTABLE)}; "
            "no decoding gives plausible text); convert the file to UTF-8 or declare its charset",
        )
    best, codec, text = candidates[0]
    for other, other_codec, other_text in candidates[1:]:
        tied = other.chaos <= best.chaos and other.coherence >= best.coherence
        if tied and other_text != text:
            raise IngestError(
                E_ENCODING,
                f"{source}: {prefix}encoding unsure ({codec} or {other_codec}); "
                "convert the file to UTF-8 or declare its charset",
            )
    note = f"{prefix}encoding detected as {codec} (charset-normalizer)"
    return Decoded(text, codec, (note,))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausible(text: str, codec: str) -> bool:
    """Whether a *detected* decoding looks like real text in this encoding's language.

    - no control, private-use or replacement characters;
    - Chinese codecs: at most :data:`MAX_ODD_SHARE` of the non-ASCII characters outside
      CJK ideographs and CJK/full-width/general punctuation (kana, bopomofo, Cyrillic,
      small form variants are typical of Big5 read as GBK and vice versa), and at least
      :data:`MIN_COMMON_SHARE` of the ideographs in the common set (GB2312 for gb18030,
      Big5 level 1 for big5/cp950);
    - cp1252: at most :data:`MAX_LATIN_NON_ASCII` of the characters non-ASCII.
    """
    if _SUSPICIOUS.search(text):
        return False
    non_ascii = [char for char in text if ord(char) > 0x7F]
    if not non_ascii:
        return True
    family = _FAMILY.get(codec)
    if family is None:
        return len(non_ascii) / len(text) <= MAX_LATIN_NON_ASCII
    odd = sum(1 for char in non_ascii if not _CJK_TEXT.match(char))
    ideographs = [char for char in non_ascii if _IDEOGRAPH.match(char)]
    common = sum(1 for char in ideographs if _common_ideograph(char, family))
    if odd / len(non_ascii) > MAX_ODD_SHARE:
        return False
    return not ideographs or common / len(ideographs) >= MIN_COMMON_SHARE


def _common_ideograph(char: str, family: str) -> bool:
    if family == "gb":
        return _strict_encode(char, "gb2312") is not None
    encoded = _strict_encode(char, "big5")
    return encoded is not None and 0xA440 <= int.from_bytes(encoded, "big") <= 0xC67E


def _strict_encode(char: str, codec: str) -> bytes | None:
    try:
        return char.encode(codec)
    except UnicodeEncodeError:
        return None


def _checked(text: str, codec: str, source: str) -> str:
    """Refuse decoded text holding control, private-use or replacement characters."""
    bad = _SUSPICIOUS.search(text)
    if bad is not None:
        char = bad.group()
        name = unicodedata.name(char, f"U+{ord(char):04X}")
        raise IngestError(
            E_ENCODING,
            f"{source}: decoding as {codec} gives {name} at character {bad.start()}; "
            "the file is probably not text in this encoding",
        )
    return text


def _utf8_damage_notes(text: str) -> tuple[str, ...]:
    """Notes for valid UTF-8 that already holds replacement or control characters."""
    count = len(_SUSPICIOUS.findall(text))
    if not count:
        return ()
    return (f"valid UTF-8 but holds {count} replacement/control characters (damaged earlier?)",)
