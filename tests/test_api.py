"""Orchestrator: option validation, streaming analysis, exclusions, provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from seclens.api import AnalysisOptions, analyze
from seclens.errors import ConfigError
from seclens.types import Exclusion


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"convention": "tokens"}, "convention must be one of substring, token; received 'tokens'"),
        ({"context_chars": -1}, "context_chars must be an integer from 0 to 1000; received -1"),
        ({"context_chars": True}, "context_chars"),
        ({"context_chars": "30"}, "context_chars"),
        ({"replace_lexicon": True}, "replace_lexicon=True needs at least one lexicon path"),
        ({"to_simplified": "yes"}, "to_simplified must be True or False; received 'yes'"),
        ({"lexicon_paths": "lex.yaml"}, "lexicon_paths must be a sequence of paths"),
        ({"lexicon_paths": [3]}, "lexicon_paths must be a path"),
    ],
)
def test_options_validated_at_the_boundary(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        AnalysisOptions(**kwargs)  # type: ignore[arg-type]
    assert err.value.code == "E010"
    assert needle in err.value.message


def test_missing_option_file(tmp_path: Path) -> None:
    for kwargs in ({"lexicon_paths": [tmp_path / "x.yaml"]},
                   {"sense_rules_path": tmp_path / "s.yaml"},
                   {"manifest": tmp_path / "m.csv"}):
        with pytest.raises(ConfigError) as err:
            AnalysisOptions(**kwargs)  # type: ignore[arg-type]
        assert err.value.code == "E011"


def test_options_to_dict_paths_as_strings(tmp_path: Path) -> None:
    lex = tmp_path / "l.yaml"
    lex.write_text("x", encoding="utf-8")
    opts = AnalysisOptions(lexicon_paths=[str(lex)])  # type: ignore[arg-type]
    assert opts.lexicon_paths == (lex,)
    assert opts.to_dict()["lexicon_paths"] == [str(lex)]


def test_analyze_rejects_empty_inputs() -> None:
    with pytest.raises(ConfigError):
        analyze([])


def _write_corpus(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "a.txt").write_text("维护国家安全，保障数据安全。巩固国防。", encoding="utf-8")
    (docs / "empty.txt").write_text("  \n", encoding="utf-8")
    (docs / "b.txt").write_text("Protect national security and the safety of systems.",
                                encoding="utf-8")
    (root / "manifest.csv").write_text(
        "id,title,level,language\n"
        "a,甲,central,zh\n"
        "empty,空,municipal,zh\n"
        "b,B,foreign,en\n",
        encoding="utf-8",
    )
    return root


def test_analyze_small_corpus(tmp_path: Path) -> None:
    root = _write_corpus(tmp_path / "c")
    result = analyze([root])
    ids = [d.doc_id for d in result.documents]
    assert sorted(ids) == ["a", "b"]
    # whitespace-only text is excluded (by ingest, E106), with a reason, never a silent 0
    assert [e.doc_id for e in result.exclusions] == ["empty"]
    assert result.exclusions[0].code and result.exclusions[0].reason
    terms_a = sorted(m.term for m in result.matches if m.doc_id == "a")
    assert terms_a.count("安全") == 2 and "国家安全" in terms_a and "国防" in terms_a
    for m in result.matches:
        doc = root / "docs" / f"{m.doc_id}.txt"
        assert doc.read_text(encoding="utf-8")[m.start:m.end].lower() == m.matched_text.lower()
    prov = result.provenance.to_dict()
    assert {f["doc_id"] for f in prov["inputs"] if f["role"] == "document"} == {"a", "b"}
    assert all(len(f["sha256"]) == 64 for f in prov["inputs"])
    assert prov["lexicons"][0]["lexicon_id"]
    assert prov["sense_rules"]["version"]


def test_token_convention_records_segmenter(tmp_path: Path) -> None:
    root = _write_corpus(tmp_path / "c")
    result = analyze([root], AnalysisOptions(convention="token"))
    segs = result.provenance.to_dict()["segmenters"]
    zh = [s for s in segs if s.get("lang") == "zh"]
    assert zh and zh[0]["jieba_version"] != "not installed"
    assert {m.convention for m in result.matches} == {"token"}


def test_analyze_reference_corpus(corpus_dir: Path) -> None:
    result = analyze([corpus_dir])
    assert len(result.documents) == 28
    # the acceptance check: all 28 documents, no exclusion; the corpus README.md is its
    # documentation, recorded as ignored (never a silent skip)
    assert result.exclusions == ()
    assert [Path(p).name for p in result.provenance.ignored_files] == ["README.md"]
    aidp = [m for m in result.matches if m.doc_id == "cn-sc-2017-aidp"]
    assert sum(m.term == "安全" for m in aidp) == 48
    assert sum(m.term == "国家安全" for m in aidp) == 8
    assert sum(m.term == "国防" for m in aidp) == 11


def test_empty_text_is_an_analysis_exclusion() -> None:
    # Backstop for documents that reach analysis with no text (E380).
    from seclens.api import Pipeline
    from seclens.types import Document, DocumentMeta

    out = Pipeline().analyse(Document(DocumentMeta("x", language="zh"), " \n\u3000"))
    assert isinstance(out, Exclusion)
    assert (out.doc_id, out.code) == ("x", "E380")


def test_language_without_lexicon_is_excluded() -> None:
    from seclens.api import Pipeline
    from seclens.types import Document, DocumentMeta

    out = Pipeline().analyse(Document(DocumentMeta("x", language="other"), "Sicherheit"))
    assert isinstance(out, Exclusion)
    assert out.code == "E381" and "other" in out.reason


def test_pipeline_rejects_other_options() -> None:
    from seclens.api import Pipeline

    with pytest.raises(ConfigError) as err:
        Pipeline({"convention": "token"})  # type: ignore[arg-type]
    assert err.value.code == "E010"


def test_pipeline_analyse_returns_the_sentences_it_matched_in() -> None:
    from seclens.api import DocumentAnalysis, Pipeline
    from seclens.segment import split_sentences
    from seclens.types import Document, DocumentMeta

    text = "维护国家安全。加强国防建设！\n保障数据安全。"
    doc = Document(DocumentMeta("d", language="zh"), text)
    out = Pipeline().analyse(doc)
    assert isinstance(out, DocumentAnalysis)
    assert out.doc_id == "d"
    assert out.sentences == tuple(split_sentences("d", text, "zh"))
    assert out.summary.n_sentences == len(out.sentences)
    assert out.summary.n_matches == len(out.matches) > 0
    for m in out.matches:
        sentence = out.sentences[m.sentence_index]
        assert sentence.start <= m.start < m.end <= sentence.end
        assert text[m.start:m.end] == m.matched_text
    total = [c for c in out.counts if c.key_type == "total"]
    assert total and total[0].count == len(out.matches)


def test_pipeline_pickles_as_its_options(tmp_path: Path) -> None:
    import pickle

    from seclens.api import Pipeline
    from seclens.types import Document, DocumentMeta

    pipeline = Pipeline(AnalysisOptions(convention="token", context_chars=5))
    doc = Document(DocumentMeta("d", language="zh"), "维护国家安全，保障网络安全。")
    before = pipeline.analyse(doc)  # compiles the zh matcher (and its jieba tokenizer)
    clone = pickle.loads(pickle.dumps(pipeline))
    assert clone is not pipeline and clone.options == pipeline.options
    assert clone.analyse(doc) == before
    assert clone.segmenter_provenance() == pipeline.segmenter_provenance()


def test_analyze_and_pipeline_agree(tmp_path: Path) -> None:
    # analyze() is Pipeline.analyse over the ingest stream, nothing more.
    from seclens.api import DocumentAnalysis, Pipeline
    from seclens.ingest import iter_documents

    root = _write_corpus(tmp_path / "c")
    result = analyze([root])
    pipeline = Pipeline()
    outs = [pipeline.analyse(d) for d in iter_documents([root]) if not isinstance(d, Exclusion)]
    done = [o for o in outs if isinstance(o, DocumentAnalysis)]
    assert tuple(o.summary for o in done) == result.documents
    assert tuple(m for o in done for m in o.matches) == result.matches
    assert tuple(c for o in done for c in o.counts) == result.counts
    assert pipeline.segmenter_provenance() == result.provenance.segmenters
    assert pipeline.lexicon_provenance() == result.provenance.lexicons


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _write_corpus(tmp_path / "c")
    analyze([root], progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "seclens" in captured.err and "doc" in captured.err


def test_report_sections_on_reference_corpus(corpus_dir: Path, tmp_path: Path) -> None:
    from seclens.api import SectionOptions, analyze, report_sections
    from seclens.report import write_report

    wanted = SectionOptions(target="level=central", reference="level=provincial,municipal")
    sections, exclusions = report_sections([corpus_dir], None, wanted)
    assert exclusions == []
    assert [s.section_id for s in sections] == ["framework-table", "trends", "comparison"]
    framework = str(sections[0].html)
    assert "level=central" in framework and "State Council" in framework
    html = write_report(analyze([corpus_dir]), tmp_path / "out", sections).report_html.read_text(
        encoding="utf-8"
    )
    # Evidence comes last: the securitization sections sit before the KWIC view.
    assert html.index('id="framework-table"') < html.index('id="comparison"') < html.index(
        '<section id="kwic"'
    )


def test_section_options_need_target_and_reference_together() -> None:
    from seclens.api import SectionOptions

    with pytest.raises(ConfigError, match="E010"):
        SectionOptions(target="level=central")


def test_framework_table_group_uses_compare_group_expressions(corpus_dir: Path) -> None:
    from seclens.api import framework_table

    table, _ = framework_table([corpus_dir], "level=provincial,municipal")
    assert table.n_documents == 10  # 3 provincial + 7 municipal documents in the corpus


def test_framework_table_empty_group_is_an_error(corpus_dir: Path) -> None:
    from seclens.api import framework_table
    from seclens.errors import AnnotationError

    with pytest.raises(AnnotationError, match="E423"):
        framework_table([corpus_dir], "level=county")


def test_traditional_text_without_t2s_gets_a_note_and_tw2sp_finds_taiwan_terms(
    tmp_path: Path,
) -> None:
    doc = tmp_path / "tw.txt"
    doc.write_text("國家安全與網路安全是重要的議題。我們必須維護資訊安全。\n", encoding="utf-8")
    plain = analyze([doc], AnalysisOptions())
    assert any(n.startswith("looks like Traditional") for n in plain.documents[0].notes)
    converted = analyze([doc], AnalysisOptions(to_simplified=True, t2s_config="tw2sp"))
    terms = sorted(m.term for m in converted.matches)
    assert {"国家安全", "网络安全", "信息安全"} <= set(terms)
    assert all(doc.read_text(encoding="utf-8")[m.start : m.end] == m.matched_text
               for m in converted.matches)
    with pytest.raises(ConfigError, match="E010"):
        AnalysisOptions(t2s_config="s2t")


def test_compound_broken_by_a_line_break_is_counted_and_can_be_switched_off(
    tmp_path: Path,
) -> None:
    doc = tmp_path / "pdfish.txt"
    doc.write_text("坚决维护国家\n安全。\n", encoding="utf-8")
    joined = analyze([doc], AnalysisOptions())
    hit = [m for m in joined.matches if m.term == "国家安全"]
    assert len(hit) == 1 and hit[0].matched_text == "国家\n安全"
    split = analyze([doc], AnalysisOptions(join_cjk_breaks=False))
    assert not [m for m in split.matches if m.term == "国家安全"]


def test_regression_no_sections_annotates_nothing(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``analyze --no-sections`` annotated the whole corpus anyway (its sections were
    then dropped): 6,028 documents from a store took 205 s instead of about 20 s."""
    import seclens.api as api

    def fail(*args: object) -> None:
        raise AssertionError("annotated although no section was asked for")

    monkeypatch.setattr(api, "_framework_tables", fail)
    (tmp_path / "a.txt").write_text("维护国家安全。", encoding="utf-8")
    wanted = api.SectionOptions(framework_by=None, trend_by=None)
    assert api.report_sections([tmp_path], sections=wanted) == ([], [])


def _topic_corpus(folder: Path) -> None:
    """Seven documents; only the last three have the extra manifest column ``topic``
    (the rows before leave it empty)."""
    from tests.conftest import _write_generated_corpus

    paths = _write_generated_corpus(folder, 7, seed=9, sentences=8)
    topics = ["", "", "", "", "ai", "chips", "ai"]
    levels = ["central", "provincial", "central", "municipal", "central", "provincial",
              "central"]
    rows = "".join(f"{p.stem},t{i},{levels[i]},{topics[i]}\n" for i, p in enumerate(paths))
    (folder / "manifest.csv").write_text("id,title,level,topic\n" + rows, encoding="utf-8")


@pytest.mark.parametrize("batch", [1, 2, 3, 512])
def test_framework_tables_built_in_batches_equal_the_tables_of_the_corpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """The report's framework tables (by a column) and seclens table's (a group
    expression) are built as documents are annotated, their groups worked out a batch
    of documents at a time: equal to splitting the whole corpus's metadata frame,
    also for a column only later documents have."""
    import seclens.api as api
    from seclens.annotate.corpus import AnnotatedDocument, annotate_corpus
    from seclens.annotate.table import build_framework_table
    from seclens.compare.groups import metadata_frame, select_group, split_by

    folder = tmp_path / "c"
    _topic_corpus(folder)
    monkeypatch.setattr(api, "_LABEL_BATCH", batch)
    docs = [d for d in annotate_corpus([folder]) if isinstance(d, AnnotatedDocument)]
    frame = metadata_frame([d.document.meta for d in docs])
    for by in ("topic", "level", "year", "period:2020-01-01"):
        split = split_by(frame, by)
        want = [build_framework_table(
            [d for d, lab in zip(docs, split.labels, strict=True) if lab == label],
            f"{by}={label}", 2) for label in split.groups]
        got = api._framework_tables([str(folder)], by, 2)[2]
        assert got == want, by
    for expression in ("topic=ai", "topic!=ai", "level=central&topic=ai", ""):
        mask = (select_group(frame, expression) if expression
                else [True] * len(docs))
        want_table = build_framework_table(
            [d for d, keep in zip(docs, mask, strict=True) if keep], expression, 2)
        assert api.framework_table([folder], expression, 2)[0] == want_table, expression


def test_a_framework_group_column_nobody_has_is_e501(tmp_path: Path) -> None:
    from seclens.api import SectionOptions, framework_table, report_sections
    from seclens.errors import CompareError

    folder = tmp_path / "c"
    _topic_corpus(folder)
    with pytest.raises(CompareError) as err:
        framework_table([folder], "subject=ai")
    assert err.value.code == "E501"
    with pytest.raises(CompareError) as err:
        report_sections([folder], sections=SectionOptions(framework_by="subject",
                                                          trend_by=None))
    assert err.value.code == "E501"


def test_regression_one_framework_table_per_group_not_per_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the report's framework tables were made with dict.setdefault, which
    built a new table (reading its two data files) for every document, to keep the
    first: the sections of 1,200 documents spent 35 of 52 s parsing YAML."""
    import seclens.annotate.table as table
    from seclens.api import _framework_tables

    made: list[str] = []

    class Counted(table.FrameworkAccumulator):
        def __init__(self, group: str = "", top: int = 3) -> None:
            made.append(group)
            super().__init__(group, top)

    monkeypatch.setattr(table, "FrameworkAccumulator", Counted)
    folder = tmp_path / "c"
    _topic_corpus(folder)
    tables = _framework_tables([str(folder)], "level", 2)[2]
    assert sorted(made) == ["level=central", "level=municipal", "level=provincial"]
    assert [t.n_documents for t in tables] == [4, 1, 2]
