"""Held-out engineering check set v2 (tests/data/coded/seclens_dev_v2.jsonl).

72 corpus sentences sampled and hand-coded by the codebook *after* the rules of the
codebook-alignment round were written and *before* the detector was run on them (see
docs/annotation.md). Same text-free format as v1, rebuilt with ``load_devset``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seclens.annotate.devset import load_devset, write_devset_gold
from seclens.ingest import read_manifest
from seclens.validate.core import ValidationReport, validate_detector
from seclens.validate.gold import CodedSentence

CODED = Path(__file__).resolve().parents[1] / "data" / "coded"
V2 = CODED / "seclens_dev_v2.jsonl"
V1 = CODED / "seclens_dev_v1.jsonl"


@pytest.fixture(scope="module")
def v2(corpus_dir: Path) -> list[CodedSentence]:
    return load_devset(V2, corpus_dir)


@pytest.fixture(scope="module")
def v2_report(
    v2: list[CodedSentence], corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> ValidationReport:
    gold = write_devset_gold(v2, tmp_path_factory.mktemp("devset_v2") / "dev_v2.jsonl")
    rows = read_manifest(corpus_dir / "manifest.csv").rows
    return validate_detector(gold, levels={k: m.level for k, m in rows.items()})


def test_v2_is_text_free_and_disjoint_from_v1() -> None:
    recs = [json.loads(line) for line in V2.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 72
    assert len({r["sid"] for r in recs}) == 72
    for r in recs:
        assert not {"text", "prev", "next"} & set(r), r["sid"]
        assert len(r["sha1"]) == 40
    v1 = [json.loads(line) for line in V1.read_text(encoding="utf-8").splitlines()]
    positions = {(r["doc_id"], r["sentence_index"]) for r in v1}
    assert not [r["sid"] for r in recs if (r["doc_id"], r["sentence_index"]) in positions]
    assert sum(r["lang"] == "zh" for r in recs) == 48


def test_v2_has_no_sentence_of_the_reference_gold(
    v2: list[CodedSentence], reference_dir: Path
) -> None:
    assert all(c.text for c in v2)
    gold = reference_dir / "gold" / "dev.jsonl"
    texts = {json.loads(line)["text"].strip() for line in gold.read_text("utf-8").splitlines()}
    assert not [c.sid for c in v2 if c.text.strip() in texts]


# Floors just under the first (held-out) measurement of rules-2026.11.3 on v2
# (docs/annotation.md); before this round the same set gave sector 0.589, audience 0.464.
# Raised after the fourth round (rules-2026.11.5): threat 0.748 -> 0.801, move alpha
# 0.383 -> 0.489 (risks weighed against benefits are no threat), sector 0.641 -> 0.661
# (context-implied cyber_data).
# Raised after the fifth round (zh-cues-2026.11.7, en-cues-2026.11.5), whose changes were
# read from v2's errors among others (not held-out): sector 0.661 -> 0.782 (mostly the
# ideological label, whose only predictions were false positives, leaving the mean),
# referent 0.314 -> 0.488 (supply-chain security, intellectual property, standards
# topics, committee names), audience 0.521 (levels only), sense accuracy 0.861 -> 0.875.
FLOORS = {
    ("sector", "alpha"): 0.77,
    ("referent_object", "alpha"): 0.48,
    ("audience", "alpha"): 0.51,
    ("vuori_act", "alpha"): 0.81,
    ("threat", "alpha"): 0.79,
    ("securitizing_move", "alpha"): 0.47,
    ("security_sense", "accuracy"): 0.87,
}


@pytest.mark.parametrize(("field", "what"), sorted(FLOORS))
def test_scores_on_v2(v2_report: ValidationReport, field: str, what: str) -> None:
    assert float(getattr(v2_report.fields[field], what)) >= FLOORS[(field, what)]
