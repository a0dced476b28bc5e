"""Demo: packaged study figures, comparison table, corpus search order, sample labels."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from seclens.demo import (
    compare_figures,
    default_cache_dir,
    format_comparison,
    load_seed_figures,
    locate_corpus,
    sample_corpus_dir,
)
from seclens.errors import ConfigError
from seclens.types import Match

LABEL = "ILLUSTRATIVE SAMPLE written for seclens, not real policy text"


def test_packaged_figures_equal_the_reference(reference_dir: Path) -> None:
    ref = json.loads((reference_dir / "seed_figures.json").read_text(encoding="utf-8"))
    copy = load_seed_figures()
    assert set(copy) == {"note", "source", "counting_convention", "document_counts"}
    for key in ("source", "counting_convention", "document_counts"):
        assert copy[key] == ref[key]


def _m(doc_id: str, term: str) -> Match:
    return Match(doc_id, 0, 0, len(term), term, term, "e", "security", "general",
                 "undetermined", "", "substring")


FIGS = {"document_counts": [
    {"doc_id": "a", "counts": {"安全": 2, "国防": 1}},
    {"doc_id": "missing", "counts": {"安全": 16}},
]}


def test_compare_figures_statuses() -> None:
    matches = [_m("a", "安全"), _m("a", "安全"), _m("b", "国防")]
    rows = compare_figures(FIGS, matches, ["a", "b"])
    got = [(r.doc_id, r.term, r.study, r.measured, r.status) for r in rows]
    assert got == [
        ("a", "安全", 2, 2, "match"),
        ("a", "国防", 1, 0, "MISMATCH"),
        ("missing", "安全", 16, None, "not in corpus"),
    ]
    assert [r.failed for r in rows] == [False, True, False]
    table = format_comparison(rows)
    assert "not in corpus" in table and "MISMATCH" in table
    assert table.splitlines()[0].split() == ["doc", "term", "study", "measured", "match?"]


def test_locate_corpus_order(tmp_path: Path) -> None:
    opt, env_dir, cache = tmp_path / "opt", tmp_path / "env", tmp_path / "cache"
    for d in (opt, env_dir):
        d.mkdir()
    assert locate_corpus(opt, env={"SECLENS_CORPUS": str(env_dir)}).origin == "option"
    assert locate_corpus(None, env={"SECLENS_CORPUS": str(env_dir)}).origin == "env"
    (cache / "docs").mkdir(parents=True)
    (cache / "manifest.csv").write_text("id\n", encoding="utf-8")
    # a cache with a manifest but no document (failed download) is not used
    empty = locate_corpus(None, env={}, cache_dir=cache, allow_download=False, cwd=tmp_path)
    assert empty.origin == "sample"
    (cache / "docs" / "x.txt").write_text("安全", encoding="utf-8")
    assert locate_corpus(None, env={}, cache_dir=cache, cwd=tmp_path).origin == "cache"
    choice = locate_corpus(
        None, env={}, cache_dir=tmp_path / "none", allow_download=False, cwd=tmp_path
    )
    assert choice.origin == "sample" and choice.illustrative
    assert any("--no-download" in m for m in choice.messages)


def test_locate_corpus_finds_the_reference_corpus_beside_the_checkout(tmp_path: Path) -> None:
    sibling = tmp_path / "shared" / "corpus"
    (sibling / "docs").mkdir(parents=True)
    (sibling / "manifest.csv").write_text("id\n", encoding="utf-8")
    (sibling / "docs" / "x.txt").write_text("安全", encoding="utf-8")
    checkout = tmp_path / "main"
    checkout.mkdir()
    choice = locate_corpus(None, env={}, cache_dir=tmp_path / "none", cwd=checkout)
    assert choice.origin == "sibling" and choice.path == sibling.resolve()
    # $SECLENS_CORPUS still wins over the sibling folder
    env = {"SECLENS_CORPUS": str(checkout)}
    assert locate_corpus(None, env=env, cwd=checkout).origin == "env"


def test_locate_corpus_rejects_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        locate_corpus(tmp_path / "nope", env={})
    assert err.value.code == "E030"
    with pytest.raises(ConfigError):
        locate_corpus(None, env={"SECLENS_CORPUS": str(tmp_path / "nope")})


def test_default_cache_dir_honours_xdg(tmp_path: Path) -> None:
    assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "seclens" / "corpus"


def test_sample_is_labelled_and_not_corpus_text(corpus_dir: Path) -> None:
    sample = sample_corpus_dir()
    with (sample / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (corpus_dir / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        real_columns = next(csv.reader(fh))
    assert list(rows[0]) == real_columns
    assert {r["level"] for r in rows} >= {"central", "municipal", "foreign"}
    assert {r["language"] for r in rows} == {"zh", "en"}
    real = [p.read_text(encoding="utf-8") for p in (corpus_dir / "docs").glob("*.txt")]
    for row in rows:
        assert LABEL in row["license_note"]
        text = (sample / "docs" / f"{row['id']}.txt").read_text(encoding="utf-8")
        assert LABEL in text.splitlines()[0]
        assert int(row["chars"]) == len(text)
        # no sentence of the sample is copied from the real corpus
        for line in text.splitlines()[1:]:
            if len(line) >= 20:
                assert not any(line in doc for doc in real), line
