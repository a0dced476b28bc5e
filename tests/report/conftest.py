"""A hand-built AnalysisResult with hostile text, for report tests (no pipeline run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seclens.api import AnalysisOptions, AnalysisResult, DocumentSummary, InputFile, Provenance
from seclens.types import DocumentMeta, Exclusion, Match

EVIL = "<script>alert(1)</script>"
LOCAL_ID = "local\"><i>doc"


def _match(doc_id: str, i: int, term: str, category: str, sector: str, sense: str,
           start: int, left: str = "", right: str = "") -> Match:
    return Match(doc_id=doc_id, sentence_index=i, start=start, end=start + len(term), term=term,
                 matched_text=term, entry_id=f"zh.{term}", category=category, sector=sector,
                 sense=sense, sense_rule="r1" if sense != "not_applicable" else "",
                 convention="substring", left=left, right=right)


@pytest.fixture()
def result_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(input_dir: Path | None = None) -> AnalysisResult:
        from seclens.measures.counts import CountRow

        folder = input_dir or tmp_path / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        doc_path = folder / "evil.txt"
        doc_path.write_text("国家安全 " + EVIL, encoding="utf-8")
        meta = DocumentMeta(doc_id="evil-doc", title=f"Title {EVIL} </script>", level="central",
                            date="2020-01-01", language="zh", issuer="</script><b>x</b>")
        meta2 = DocumentMeta(doc_id=LOCAL_ID, title="本地", level="municipal", language="zh")
        docs = (
            DocumentSummary(meta=meta, path=str(doc_path), fmt="txt", encoding="utf-8",
                            sha256="ab" * 32, notes=(), n_chars=1000, size=1000,
                            unit="characters", n_sentences=3, n_matches=3),
            DocumentSummary(meta=meta2, path=str(folder / "local.txt"), fmt="txt",
                            encoding="utf-8", sha256="cd" * 32, notes=("n1",), n_chars=500,
                            size=500, unit="characters", n_sentences=2, n_matches=1),
        )
        matches = (
            _match("evil-doc", 0, "国家安全", "sector", "national", "not_applicable", 0,
                   left=EVIL, right="</script><img src=x onerror=alert(2)>"),
            _match("evil-doc", 0, "安全", "security", "general", "security", 2,
                   left="国家", right='", quoted, \n newline'),
            _match("evil-doc", 1, "安全", "security", "general", "safety", 40),
            _match(LOCAL_ID, 0, "安全", "security", "general", "undetermined", 5),
        )
        counts = (
            CountRow("evil-doc", "term", "安全", "zh.安全", 2, 1000, "characters", 20.0,
                     "substring"),
        )
        exclusions = (Exclusion(str(folder / "bad.pdf"), "bad", "E101", f"cannot read {EVIL}"),)
        prov = Provenance(
            package="seclens", package_version="0.1.0", python_version="3.11",
            platform="test", timestamp_utc="2026-01-01T00:00:00+00:00",
            options=AnalysisOptions().to_dict(),
            lexicons=({"lexicon_id": "seclens.security", "version": "1.0.0"},),
            sense_rules={"rules_id": "senses", "version": "1"},
            segmenters=(),
            inputs=(InputFile(str(doc_path), "ab" * 32, "document", "evil-doc"),
                    InputFile(str(folder / "local.txt"), "cd" * 32, "document", LOCAL_ID)),
            input_roots=(str(folder),),
        )
        return AnalysisResult(options=AnalysisOptions(), documents=docs, matches=matches,
                              counts=counts, exclusions=exclusions, provenance=prov)

    return make
