"""Optional supervised detector: training with CV scores, persistence with sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seclens.annotate.model import load_model, model_detector, save_model, train_model
from seclens.errors import AnnotationError
from seclens.validate.core import validate_detector


@pytest.fixture(scope="module")
def small_gold(reference_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = (reference_dir / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("m") / "train.jsonl"
    path.write_text("\n".join(lines[:120]) + "\n", encoding="utf-8")
    return path


def test_train_save_load_and_predict(small_gold: Path, tmp_path: Path) -> None:
    model, cv = train_model(small_gold, folds=3)
    assert "securitizing_move" in cv and 0.0 <= cv["securitizing_move"]["macro_f1"] <= 1.0
    out = tmp_path / "m.joblib"
    sidecar = save_model(model, out)
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    assert meta["n_training"] == 120 and len(meta["training_sha256"]) == 64
    assert meta["features"].startswith("char(1,3)")
    with pytest.raises(AnnotationError) as exc:
        save_model(model, out)
    assert exc.value.code == "E431"
    loaded = load_model(out)
    rep = validate_detector(small_gold, model_detector(loaded))
    assert rep.detector.startswith("model:")
    # in-sample fit of a linear model should beat chance clearly on the training data
    assert rep.fields["securitizing_move"].accuracy > 0.8


def test_too_few_sentences_for_cv(tmp_path: Path, reference_dir: Path) -> None:
    line = (reference_dir / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0]
    p = tmp_path / "one.jsonl"
    p.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as exc:
        train_model(p, folds=5)
    assert exc.value.code == "E430"
