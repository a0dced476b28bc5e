"""End-to-end comparisons on the reference corpus (central vs local; languages kept apart)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seclens.compare.corpus import (
    ComparisonResult,
    CorpusOptions,
    compare_tables,
    document_frequencies,
    document_table,
)
from seclens.errors import CompareError


@pytest.fixture(scope="session")
def corpus_tables(corpus_dir: Path) -> tuple[object, dict[str, object]]:
    table, excl = document_table(corpus_dir, CorpusOptions())
    # the corpus README is documentation, not a document (listed as ignored in run.json)
    assert excl == []
    return table, document_frequencies(corpus_dir, CorpusOptions())


@pytest.fixture(scope="session")
def central_vs_local(corpus_tables: tuple[object, dict[str, object]]) -> ComparisonResult:
    table, freqs = corpus_tables
    return compare_tables(
        table,
        freqs,
        "level=central",
        "level=provincial,municipal",  # type: ignore[arg-type]
        CorpusOptions(),
    )


def test_document_table(corpus_tables: tuple[object, dict[str, object]]) -> None:
    table, freqs = corpus_tables
    assert len(table) == 28 and len(freqs) == 28  # type: ignore[arg-type]
    row = table.set_index("doc_id").loc["cn-sc-2017-aidp"]  # type: ignore[attr-defined]
    assert row.level == "central" and row.year == "2017" and row.unit == "characters"
    assert row.security_per_10k > 0 and 0 <= row.move_share <= 1


def test_central_vs_local(central_vs_local: ComparisonResult) -> None:
    res = central_vs_local
    assert list(res.keyness) == ["zh"] and res.notes == ()
    tests = res.tests.set_index("measure")
    sec = tests.loc["security_per_10k"]
    assert (sec.n_target, sec.n_reference) == (12, 10)
    # Central documents use more security vocabulary per 10k characters (study's claim).
    assert sec.diff_means > 0 and sec.cliffs_delta > 0 and sec.ci_low > 0
    assert sec.perm_method.startswith("monte carlo")
    key = res.keyness["zh"].set_index("feature")
    assert key.loc["安全", "direction"] == "target"
    assert key.loc["国防", "n_reference"] == 0
    # the jieba segmenter keeps lexicon compounds whole
    assert key.loc["国家安全", "n_target"] > 0


def test_languages_are_not_pooled(corpus_tables: tuple[object, dict[str, object]]) -> None:
    table, freqs = corpus_tables
    with pytest.raises(CompareError) as err:
        compare_tables(table, freqs, "level=central", "level=foreign", CorpusOptions())  # type: ignore[arg-type]
    assert err.value.code == "E506"
    res = compare_tables(
        table,
        freqs,
        "level!=provincial",
        "level=provincial",  # type: ignore[arg-type]
        CorpusOptions(),
    )
    assert list(res.keyness) == ["zh"]
    assert any("'en' skipped" in n for n in res.notes)


def test_document_table_from_existing_analysis_annotates_once(
    corpus_dir: Path, corpus_tables: tuple[object, dict[str, object]]
) -> None:
    """Case: ``seclens analyze`` annotated the corpus once per report section (framework
    table, trends, comparison). ``document_table_from`` builds the same table from the
    analysis and annotations the orchestrator already has."""
    import pandas as pd

    from seclens.annotate.corpus import annotate_corpus
    from seclens.api import AnalysisOptions, analyze
    from seclens.compare.corpus import document_table_from, trend_corpus

    result = analyze([str(corpus_dir)], AnalysisOptions())
    annotated = list(annotate_corpus([str(corpus_dir)]))
    table, excl = document_table_from(result, annotated)
    expected, _ = corpus_tables
    assert excl == []
    pd.testing.assert_frame_equal(table, expected)  # type: ignore[arg-type]
    bare, _ = document_table_from(result)
    assert "move_share" not in bare.columns and len(bare) == len(table)
    series, used = trend_corpus(corpus_dir, "level", CorpusOptions(), table=table)
    assert used is table and len(series)
