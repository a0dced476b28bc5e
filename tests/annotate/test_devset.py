"""Engineering development set (tests/data/coded/seclens_dev_v1.jsonl): loader and golden scores.

The set holds 200 hand-coded corpus sentences *without their text*; the loader rebuilds
prev/text/next from the reference corpus and checks each sentence's SHA-1. The golden
check pins the shipped rules' scores on it just under the measured values (see
docs/annotation.md, "Engineering development set") so that they cannot silently drop.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seclens.annotate.devset import find_corpus_dir, load_devset, write_devset_gold
from seclens.cli import main
from seclens.errors import AnnotationError
from seclens.ingest import read_manifest
from seclens.validate.core import ValidationReport, validate_detector
from seclens.validate.gold import CodedSentence

DEVSET = Path(__file__).resolve().parents[1] / "data" / "coded" / "seclens_dev_v1.jsonl"


@pytest.fixture(scope="session")
def devset(corpus_dir: Path) -> list[CodedSentence]:
    return load_devset(DEVSET, corpus_dir)


@pytest.fixture(scope="session")
def devset_gold(devset: list[CodedSentence], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_devset_gold(devset, tmp_path_factory.mktemp("devset") / "dev_v1.jsonl")


@pytest.fixture(scope="session")
def report_with_levels(devset_gold: Path, corpus_dir: Path) -> ValidationReport:
    rows = read_manifest(corpus_dir / "manifest.csv").rows
    return validate_detector(devset_gold, levels={k: m.level for k, m in rows.items()})


@pytest.fixture(scope="session")
def report_without_levels(devset_gold: Path) -> ValidationReport:
    return validate_detector(devset_gold)


def test_file_is_text_free_and_stratified() -> None:
    recs = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 200
    assert len({r["sid"] for r in recs}) == 200
    for r in recs:
        assert not {"text", "prev", "next"} & set(r), r["sid"]
        assert len(r["sha1"]) == 40
    zh = sum(r["lang"] == "zh" for r in recs)
    assert 120 <= zh <= 145  # about two thirds Chinese


def test_loader_rebuilds_text_and_context(devset: list[CodedSentence]) -> None:
    assert len(devset) == 200
    assert all(c.text for c in devset)
    # neighbouring context is rebuilt for sentences inside a document
    assert sum(bool(c.prev) for c in devset) >= 190
    assert sum(c.labels["securitizing_move"] for c in devset) >= 15


def test_no_sentence_of_the_reference_gold(
    devset: list[CodedSentence], reference_dir: Path
) -> None:
    gold = reference_dir / "gold" / "dev.jsonl"
    texts = {json.loads(line)["text"].strip() for line in gold.read_text("utf-8").splitlines()}
    assert not [c.sid for c in devset if c.text.strip() in texts]


def test_changed_sentence_is_an_error(tmp_path: Path, corpus_dir: Path) -> None:
    rec = json.loads(DEVSET.read_text(encoding="utf-8").splitlines()[0])
    rec["sha1"] = "0" * 40
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        load_devset(bad, corpus_dir)
    assert exc.value.code == "E451"


def test_missing_document_is_an_error(tmp_path: Path, corpus_dir: Path) -> None:
    rec = json.loads(DEVSET.read_text(encoding="utf-8").splitlines()[0])
    rec["doc_id"] = "no-such-document"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        load_devset(bad, corpus_dir)
    assert exc.value.code == "E450"


def test_write_never_overwrites(devset: list[CodedSentence], tmp_path: Path) -> None:
    out = tmp_path / "g.jsonl"
    out.write_text("keep", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        write_devset_gold(devset[:2], out)
    assert exc.value.code == "E424"
    assert out.read_text(encoding="utf-8") == "keep"


def test_find_corpus_dir_from_gold_and_env(
    reference_dir: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SECLENS_CORPUS", raising=False)
    found = find_corpus_dir(reference_dir / "gold" / "dev.jsonl")
    assert found is not None and (found / "manifest.csv").is_file()
    monkeypatch.setenv("SECLENS_CORPUS", str(corpus_dir))
    assert find_corpus_dir(tmp_path) == corpus_dir
    monkeypatch.setenv("SECLENS_CORPUS", str(tmp_path / "missing"))
    assert find_corpus_dir(tmp_path) is None


# Pinned floors of the shipped rules on the engineering development set (measured
# 2026-11-29 after the generalisation round; before it: move F1 0.609, vuori alpha 0.654,
# audience alpha 0.471 with levels). Floors sit just under the measured values.
# Raised after the codebook-alignment round (rules-2026.11.3): move F1 0.667, sector
# 0.581, referent 0.483, audience 0.625 (0.590 without levels), move alpha 0.625.
# Raised after the fourth round (rules-2026.11.5): move F1 0.711, move alpha 0.675,
# threat 0.793, referent 0.617 (the economy label, without positives, no longer has a
# false positive and drops out of the mean).
# Raised after the fifth round (zh-cues-2026.11.7, en-cues-2026.11.5): sector 0.592
# ('values' as a norm and open model weights name no sector), audience 0.650.
FLOORS_WITH_LEVELS = {
    ("securitizing_move", "f1"): 0.70,
    ("security_sense", "accuracy"): 0.92,
    ("security_sense", "alpha"): 0.86,
    ("threat", "alpha"): 0.78,
    ("urgency", "alpha"): 0.84,
    ("extraordinary_measures", "alpha"): 0.78,
    ("vuori_act", "alpha"): 0.80,
    ("sector", "alpha"): 0.58,
    ("referent_object", "alpha"): 0.60,
    ("audience", "alpha"): 0.64,
    ("securitizing_move", "alpha"): 0.66,
}


def _value(rep: ValidationReport, field: str, what: str) -> float:
    f = rep.fields[field]
    if what == "f1":
        return f.score("1").f1
    return float(getattr(f, what))


@pytest.mark.parametrize(("field", "what"), sorted(FLOORS_WITH_LEVELS))
def test_golden_scores_on_devset(
    report_with_levels: ValidationReport, field: str, what: str
) -> None:
    assert _value(report_with_levels, field, what) >= FLOORS_WITH_LEVELS[(field, what)]


def test_without_document_levels_audience_still_above_old_rules(
    report_without_levels: ValidationReport,
) -> None:
    # text cues alone (我市/全省 self-reference, addressee rule); old rules: 0.441
    assert report_without_levels.fields["audience"].alpha >= 0.57
    # the other fields do not depend on document levels
    assert report_without_levels.fields["securitizing_move"].score("1").f1 >= 0.65


def test_validate_cli_finds_the_manifest(
    reference_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECLENS_CORPUS", raising=False)
    gold = str(reference_dir / "gold" / "dev.jsonl")
    res = CliRunner().invoke(main, ["validate", "--gold", gold, "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["levels_from"].endswith("manifest.csv")
    res = CliRunner().invoke(
        main, ["validate", "--gold", gold, "--json", "--no-auto-manifest"], catch_exceptions=False
    )
    assert json.loads(res.stdout)["levels_from"] == ""
