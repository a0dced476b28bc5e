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


def test_text_free_coded_sentences_cannot_train_the_model() -> None:
    # Regression (session 6): the text-free engineering dev set gave a traceback
    # (scikit-learn "empty vocabulary") instead of a coded error.
    dev = Path(__file__).parents[1] / "data" / "coded" / "seclens_dev_v3.jsonl"
    with pytest.raises(AnnotationError) as exc:
        train_model(dev, folds=5)
    assert exc.value.code == "E434" and "no text" in str(exc.value)


def test_validate_model_on_its_training_data_is_flagged_in_sample(
    small_gold: Path, reference_dir: Path, tmp_path: Path
) -> None:
    """Case: ``annotate --train dev.jsonl --save m`` then ``validate --gold dev.jsonl
    --model m`` printed move F1 0.986 with no warning."""
    from click.testing import CliRunner

    from seclens.cli import main

    model_path = tmp_path / "m.joblib"
    train = CliRunner().invoke(
        main, ["annotate", "--train", str(small_gold), "--save", str(model_path), "--folds", "3"]
    )
    assert train.exit_code == 0, train.output
    assert "folds=3\n" in train.output and "folds=3.000" not in train.output
    meta = load_model(model_path).meta
    assert len(meta["training_sentences"]) == 120

    # the same file: text and JSON both say IN-SAMPLE
    text = CliRunner().invoke(
        main, ["validate", "--gold", str(small_gold), "--model", str(model_path)]
    )
    assert text.exit_code == 0, text.output
    assert text.output.count("IN-SAMPLE: the model was trained on (part of) this gold file") >= 2
    js = CliRunner().invoke(
        main, ["validate", "--gold", str(small_gold), "--model", str(model_path), "--json"]
    )
    data = json.loads(js.output[js.output.index("{") :])
    assert data["in_sample"]["same_file"] is True and "IN-SAMPLE" in data["in_sample"]["warning"]

    # another file sharing 20 sentences with the training file: overlap by doc_id + text
    lines = (reference_dir / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    part = tmp_path / "part.jsonl"
    part.write_text("\n".join(lines[100:160]) + "\n", encoding="utf-8")
    rep = validate_detector(part, model_detector(load_model(model_path)), model_meta=meta)
    assert rep.in_sample["same_file"] is False
    assert (rep.in_sample["n_overlap"], rep.in_sample["n"]) == (20, 60)

    # disjoint gold: no warning
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_text("\n".join(lines[120:180]) + "\n", encoding="utf-8")
    rep = validate_detector(held_out, model_detector(load_model(model_path)), model_meta=meta)
    assert rep.in_sample == {}
