"""Detector vs gold: metrics, pinned minimum scores, coded-file errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seclens.errors import AnnotationError
from seclens.validate.core import format_validation, validate_detector
from seclens.validate.gold import read_coded
from seclens.validate.metrics import compare_field


@pytest.fixture(scope="module")
def report(reference_dir: Path):  # type: ignore[no-untyped-def]
    return validate_detector(reference_dir / "gold" / "dev.jsonl")


# Pinned floors of the shipped rules on gold/dev.jsonl (measured 2026-11-29, see
# docs/annotation.md). They guard against silent regressions; raise them when the
# detector improves, never lower them to make a change pass.
# 2026-11-29 (generalisation round): gold/dev.jsonl is now a *test* set for rules
# developed on tests/data/coded/seclens_dev_v1.jsonl; the earlier 0.83 was an in-sample
# figure of rules fitted to this file (held-out F1 then: 0.47). Measured now: 0.817.
# Session 2 (audience/threat/vuori rounds, rules-2026.11.4): measured move F1 0.841,
# sense accuracy 0.933, threat alpha 0.917, vuori accuracy 0.958; floors raised.
FLOORS = {
    ("securitizing_move", "f1"): 0.83,
    ("security_sense", "accuracy"): 0.92,
    ("threat", "alpha"): 0.90,
    ("vuori_act", "accuracy"): 0.95,
}


def test_pinned_minimum_scores(report) -> None:  # type: ignore[no-untyped-def]
    assert report.n == 240
    assert report.fields["securitizing_move"].score("1").f1 >= FLOORS[("securitizing_move", "f1")]
    assert report.fields["security_sense"].accuracy >= FLOORS[("security_sense", "accuracy")]
    assert report.fields["threat"].alpha >= FLOORS[("threat", "alpha")]
    assert report.fields["vuori_act"].accuracy >= FLOORS[("vuori_act", "accuracy")]


def test_report_text_has_every_field_and_confusion(report) -> None:  # type: ignore[no-untyped-def]
    text = format_validation(report)
    for f in ("securitizing_move", "security_sense", "audience", "confusion"):
        assert f in text
    assert set(report.subsets) == {"zh", "en"}


def test_metrics_table() -> None:
    fr = compare_field("threat", [1, 1, 0, 0], [1, 0, 1, 0])
    s = fr.score("1")
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)
    assert fr.matrix == [[1, 1], [1, 1]]
    multi = compare_field("sector", [("military",), ()], [("military", "cyber_data"), ()])
    assert multi.score("military").f1 == 1.0
    assert multi.score("cyber_data").precision == 0.0


@pytest.mark.parametrize(
    ("patch", "code"),
    [
        ({"threat": 2}, "E412"),
        ({"sector": ["space"]}, "E412"),
        ({"vuori_act": None}, "E412"),
    ],
)
def test_bad_coded_values_are_rejected(
    reference_dir: Path, tmp_path: Path, patch: dict, code: str
) -> None:
    rec = json.loads(
        (reference_dir / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0]
    )
    rec.update(patch)
    p = tmp_path / "bad.jsonl"
    p.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        read_coded(p)
    assert exc.value.code == code


def test_missing_field_and_duplicate_sid(reference_dir: Path, tmp_path: Path) -> None:
    line = (reference_dir / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0]
    rec = json.loads(line)
    del rec["urgency"]
    p = tmp_path / "m.jsonl"
    p.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        read_coded(p)
    assert exc.value.code == "E411"
    p2 = tmp_path / "d.jsonl"
    p2.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc2:
        read_coded(p2)
    assert exc2.value.code == "E413"


def test_manifest_metadata_reaches_the_rules(reference_dir: Path, corpus_dir: Path) -> None:
    """Regression: validate passed only the level, so the audience a document implies
    (rules.yaml document_audience) never reached the scores (audience alpha 0.574 with
    levels, 0.628 with the manifest rows)."""
    from seclens.ingest import read_manifest

    gold = reference_dir / "gold" / "dev.jsonl"
    metas = read_manifest(corpus_dir / "manifest.csv").rows
    levels = {k: m.level for k, m in metas.items()}
    with_levels = validate_detector(gold, levels=levels)
    with_metas = validate_detector(gold, levels=levels, metas=metas)
    assert with_metas.fields["audience"].alpha >= 0.62
    assert with_metas.fields["audience"].alpha > with_levels.fields["audience"].alpha + 0.03


@pytest.mark.parametrize("data", [b"\x00\xff\xfe junk \x81",
                                  "{\"sid\": \"安全\"}\n".encode("gb18030")])
def test_regression_non_utf8_coded_file_is_e410_not_a_traceback(tmp_path: Path,
                                                                 data: bytes) -> None:
    p = tmp_path / "gold.jsonl"
    p.write_bytes(data)
    with pytest.raises(AnnotationError) as exc:
        read_coded(p)
    assert exc.value.code == "E410" and "UTF-8" in exc.value.message


def test_validate_warns_on_the_rules_development_files(reference_dir: Path,
                                                       tmp_path: Path) -> None:
    # the gold file the rules were revised against: NOT HELD-OUT, also in the text output
    gold = reference_dir / "gold" / "dev.jsonl"
    rep = validate_detector(gold)
    assert rep.in_sample["development_set"] == "reference_gold_dev"
    assert "NOT HELD-OUT" in format_validation(rep)
    # any other bytes (here: the first 20 records) are not flagged
    part = tmp_path / "part.jsonl"
    part.write_text("\n".join(gold.read_text(encoding="utf-8").splitlines()[:20]) + "\n",
                    encoding="utf-8")
    assert validate_detector(part).in_sample == {}


def test_development_records_match_our_coded_files() -> None:
    # editing a coded set without updating rules.yaml developed_on would silence the
    # warning: the recorded SHA-256 must be the files' current one
    import hashlib

    from seclens.annotate.cues import load_data_file

    recs = {r["id"]: r for r in load_data_file("rules")["developed_on"]}
    root = Path(__file__).resolve().parents[1] / "data" / "coded"
    for rid, name in (("seclens_dev_v1", "seclens_dev_v1.jsonl"),
                      ("seclens_dev_v2", "seclens_dev_v2.jsonl")):
        digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
        assert recs[rid]["sha256"] == digest, name
