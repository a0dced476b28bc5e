"""Sample CSV import: unedited detector suggestions, spreadsheet encodings."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from seclens.cli import main
from seclens.errors import AnnotationError
from seclens.qda import SampleUnit, read_coded_csv, write_sample_csv
from seclens.qda.csvio import codes_key, unedited_suggestions

CODES = {
    "security_sense": "security",
    "sector": ["military"],
    "referent_object": ["nation_state"],
    "threat": 1,
    "urgency": 0,
    "extraordinary_measures": 0,
    "vuori_act": "claim",
    "audience": [],
    "securitizing_move": 1,
}


def _suggested(n: int) -> list[SampleUnit]:
    return [
        SampleUnit(
            f"s-{i:04d}",
            "doc",
            "zh",
            i,
            0,
            8,
            "",
            f"人工智能威胁国家安全{i}。",
            "",
            "security",
            CODES,
            codes_key(CODES),
        )
        for i in range(n)
    ]


def test_codes_key_is_the_same_for_detector_and_csv_codes(tmp_path: Path) -> None:
    detector_like = {**CODES, "sector": ("military",), "referent_object": ("nation_state",)}
    write_sample_csv(_suggested(1), tmp_path / "s.csv")
    back = read_coded_csv(tmp_path / "s.csv")[0]
    assert codes_key(back.codes) == codes_key(detector_like) == back.suggestion_key


def _edit(path: Path, out: Path, sid: str, field: str, value: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        if r["sid"] == sid:
            r[field] = value
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_import_coded_unedited_suggestions_are_uncoded(tmp_path: Path) -> None:
    """Case: import-coded of an unedited ``sample --with-suggestions`` CSV imported 30
    "coded" sentences that were the detector's suggestions; validate then gave 1.000."""
    sample = tmp_path / "s.csv"
    write_sample_csv(_suggested(3), sample)
    assert unedited_suggestions(read_coded_csv(sample)) == ["s-0000", "s-0001", "s-0002"]

    res = CliRunner().invoke(main, ["import-coded", str(sample), "--out", str(tmp_path / "a")])
    assert res.exit_code == 1 and "E448" in res.output
    assert "3 rows still carry exactly the detector's suggested codes" in res.output
    assert not (tmp_path / "a").exists()

    edited = tmp_path / "edited.csv"
    _edit(sample, edited, "s-0001", "securitizing_move", "0")
    res = CliRunner().invoke(main, ["import-coded", str(edited), "--out", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    assert "2 rows still carry" in res.output and "treated as uncoded" in res.output
    assert "imported 1 coded sentence (2 uncoded)" in res.output
    rows = [json.loads(x) for x in (tmp_path / "b").read_text(encoding="utf-8").splitlines()]
    assert [r["sid"] for r in rows] == ["s-0001"] and rows[0]["securitizing_move"] == 0

    res = CliRunner().invoke(
        main, ["import-coded", str(sample), "--out", str(tmp_path / "c"), "--accept-suggestions"]
    )
    assert res.exit_code == 0 and "imported as coded" in res.output
    assert len((tmp_path / "c").read_text(encoding="utf-8").splitlines()) == 3


def test_import_coded_gbk_csv(tmp_path: Path) -> None:
    """Case: a coded CSV re-saved as GBK (Excel on Chinese Windows) gave a Python
    traceback (UnicodeDecodeError)."""
    utf8 = tmp_path / "s.csv"
    units = [replace(u, suggestion_key="") for u in _suggested(2)]
    write_sample_csv(units, utf8)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(utf8.read_text(encoding="utf-8-sig").encode("gbk"))
    back = read_coded_csv(gbk)
    assert [u.text for u in back] == [u.text for u in units]
    res = CliRunner().invoke(main, ["import-coded", str(gbk), "--out", str(tmp_path / "g")])
    assert res.exit_code == 0, res.output
    assert "imported 2 coded sentences" in res.output


def test_undecodable_csv_is_a_coded_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"sid,doc_id,text\n" + bytes(range(128, 256)) * 4)
    with pytest.raises(AnnotationError) as exc:
        read_coded_csv(bad)
    assert exc.value.code == "E447"
    res = CliRunner().invoke(main, ["import-coded", str(bad), "--out", str(tmp_path / "x")])
    assert res.exit_code == 1 and "E447" in res.output and "Traceback" not in res.output
