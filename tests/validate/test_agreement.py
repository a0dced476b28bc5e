"""Golden check: `coder_agreement` reproduces reference/gold/agreement.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from seclens.annotate.types import CODEBOOK_FIELDS
from seclens.errors import AnnotationError
from seclens.validate.core import coder_agreement
from seclens.validate.metrics import nominal_alpha


@pytest.mark.parametrize(
    ("files", "key"),
    [
        (("coders/coderA_dev.jsonl", "coders/coderB_dev.jsonl"), "coder_A_vs_coder_B"),
        (("coders/coderA_dev.jsonl", "dev.jsonl"), "coder_A_vs_gold"),
        (("coders/coderB_dev.jsonl", "dev.jsonl"), "coder_B_vs_gold"),
    ],
)
def test_reproduces_reference_agreement(
    reference_dir: Path, files: tuple[str, str], key: str
) -> None:
    gold = reference_dir / "gold"
    ref = json.loads((gold / "agreement.json").read_text(encoding="utf-8"))[key]
    rep = coder_agreement([gold / f for f in files])
    assert rep.n == ref["n"] == 240
    for field in CODEBOOK_FIELDS:
        mine, theirs = rep.fields[field], ref[field]
        if "alpha" in theirs:
            assert round(mine["alpha"], 3) == pytest.approx(theirs["alpha"], abs=1e-9)
            assert round(mine["pct_agree"], 3) == pytest.approx(theirs["pct_agree"], abs=1e-9)
        else:
            # agreement.json rounds the mean at the third decimal after averaging values that
            # may themselves have been rounded; allow one unit in the last printed place.
            assert mine["mean_alpha"] == pytest.approx(theirs["mean_alpha"], abs=0.0011)
            for lab, rec in theirs["per_label"].items():
                assert round(mine["per_label"][lab]["alpha"], 3) == pytest.approx(
                    rec["alpha"], abs=1e-9
                )
                assert mine["per_label"][lab]["n_pos"] == rec["n_pos"]


def test_alpha_is_nan_not_zero_when_undefined() -> None:
    assert math.isnan(nominal_alpha([0, 0, 0], [0, 0, 0]))
    assert nominal_alpha([0, 1, 0, 1], [0, 1, 0, 1]) == pytest.approx(1.0)


def test_agreement_needs_two_files(reference_dir: Path) -> None:
    with pytest.raises(AnnotationError) as exc:
        coder_agreement([reference_dir / "gold" / "dev.jsonl"])
    assert exc.value.code == "E416"


def _structure(value: object) -> object:
    """Keys (recursively) and value kinds of a JSON value, without the numbers."""
    if isinstance(value, dict):
        return {k: _structure(v) for k, v in value.items()}
    if isinstance(value, list):
        return ["list"]
    return type(value).__name__ if not isinstance(value, (int, float)) else "number"


def test_agreement_json_matches_reference_layout(reference_dir: Path) -> None:
    """Case: ``agreement --json`` claimed "agreement.json layout" but its keys differed
    from the reference file."""
    from click.testing import CliRunner

    from seclens.cli import main

    gold = reference_dir / "gold"
    ref = json.loads((gold / "agreement.json").read_text(encoding="utf-8"))
    args = ["agreement", str(gold / "coders/coderA_dev.jsonl"), str(gold / "dev.jsonl"), "--json"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    mine = json.loads(res.output)
    assert list(mine) == ["n_sentences", "method", "coderA_dev_vs_dev"]
    assert mine["n_sentences"] == ref["n_sentences"] and mine["method"] == ref["method"]
    pair, theirs = mine["coderA_dev_vs_dev"], ref["coder_A_vs_gold"]
    assert set(pair) == set(theirs)
    for field in theirs:
        assert _structure(pair[field]) == _structure(theirs[field]), field
    assert round(pair["threat"]["alpha"], 3) == theirs["threat"]["alpha"]
