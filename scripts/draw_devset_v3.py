"""Draw the sentences of the held-out check set v3 (annotation, development).

Reproduces the drawing of ``tests/data/coded/seclens_dev_v3.jsonl`` (docs/annotation.md,
*Held-out check set v3*): corpus sentences of the 28 reference documents, split by
:func:`seclens.segment.split_sentences`, sentences shorter than 4 characters, sentences
whose text is in ``reference/gold/dev.jsonl`` and sentences (document, index) of v1/v2
excluded. Per language (66 zh, 34 en), seed 20261201:

* 60 % from sentences with the v1 security word list (``SECURITY``), of which half from
  the *threat-talk* sub-stratum: a threat word (``THREAT``) AND a referent or actor word
  (``REFERENT``) in the sentence — the enrichment for referent objects and audiences;
  the other half from the rest of the security stratum;
* 40 % from the other sentences, of which half from sentences naming an actor
  (``ACTOR``: possible addressees), half from the rest.

The selection is lexical only (no detector output). Writes a worksheet with the text
(``--out``, outside the repository: it contains corpus text) for hand coding.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from seclens.ingest import iter_documents
from seclens.segment import split_sentences
from seclens.types import Document

SEED = 20261201
N_LANG = {"zh": 66, "en": 34}
# v1 security word list (docs/annotation.md, engineering development set).
SECURITY = {
    "zh": re.compile("安全|国防|风险|威胁|军|攻击|竞争|战略|漏洞|卡脖子|自主可控"),
    "en": re.compile(r"secur|defen[cs]e|risk|threat|adversar|military|attack|safety|compet", re.I),
}
THREAT = {
    "zh": re.compile("风险|威胁|挑战|攻击|危害|滥用|泄露|落后|卡脖子|受制于人|隐患|冲击"),
    "en": re.compile(r"risk|threat|harm|misuse|attack|adversar|vulnerab|danger|malicious", re.I),
}
REFERENT = {
    "zh": re.compile(
        "国家|社会|经济|产业|个人|公众|人民|用户|公民|企业|政府|各国|人类|军队|部门|高校"
    ),
    "en": re.compile(
        r"nation|national|economy|economic|society|public|American|individual|privacy|"
        r"citizen|consumer|worker|industry|agenc|Secretary|allies|partner",
        re.I,
    ),
}
ACTOR = {
    "zh": re.compile("企业|高校|院校|科研|各地|各级|部门|政府|公众|社会|军|各国|机构|协会|单位"),
    "en": re.compile(
        r"agenc|Secretary|Director|industry|compan|universit|academ|public|allies|partner|"
        r"State|Administrator|Attorney General",
    ),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    ap.add_argument("--gold", type=Path, default=Path("../shared/reference/gold/dev.jsonl"))
    ap.add_argument("--coded", type=Path, default=Path("tests/data/coded"))
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    if a.out.exists():
        raise SystemExit(f"{a.out} exists")
    gold = {
        json.loads(line)["text"].strip()
        for line in a.gold.read_text("utf-8").splitlines()
        if line.strip()
    }
    taken: set[tuple[str, int]] = set()
    for name in ("seclens_dev_v1.jsonl", "seclens_dev_v2.jsonl"):
        for line in (a.coded / name).read_text("utf-8").splitlines():
            r = json.loads(line)
            taken.add((r["doc_id"], int(r["sentence_index"])))
    pool: dict[str, list[dict[str, object]]] = {"zh": [], "en": []}
    docs = sorted(
        (d for d in iter_documents([a.corpus]) if isinstance(d, Document)),
        key=lambda d: d.doc_id,
    )
    for d in docs:
        lang = d.meta.language
        sents = split_sentences(d.doc_id, d.text, lang)
        if lang not in pool:
            continue
        for i, s in enumerate(sents):
            t = s.text.strip()
            if len(t) < 4 or t in gold or (d.doc_id, i) in taken:
                continue
            pool[lang].append(
                {
                    "doc_id": d.doc_id,
                    "lang": lang,
                    "sentence_index": i,
                    "start": s.start,
                    "end": s.end,
                    "prev": sents[i - 1].text if i else "",
                    "text": s.text,
                    "next": sents[i + 1].text if i + 1 < len(sents) else "",
                }
            )
    rng = random.Random(SEED)
    out: list[dict[str, object]] = []
    for lang in ("zh", "en"):
        n = N_LANG[lang]
        n_sec = round(0.6 * n)
        n_talk = n_sec // 2
        n_rest = n - n_sec
        n_actor = n_rest // 2
        sec = [r for r in pool[lang] if SECURITY[lang].search(str(r["text"]))]
        other = [r for r in pool[lang] if not SECURITY[lang].search(str(r["text"]))]
        talk = [
            r
            for r in sec
            if THREAT[lang].search(str(r["text"])) and REFERENT[lang].search(str(r["text"]))
        ]
        sec_rest = [r for r in sec if r not in talk]
        actor = [r for r in other if ACTOR[lang].search(str(r["text"]))]
        other_rest = [r for r in other if r not in actor]
        for stratum, rows, k in (
            ("security-threat-talk", talk, n_talk),
            ("security-other", sec_rest, n_sec - n_talk),
            ("other-actor", actor, n_actor),
            ("other-rest", other_rest, n_rest - n_actor),
        ):
            for r in rng.sample(rows, k):
                out.append({**r, "stratum": stratum})
    with a.out.open("x", encoding="utf-8") as fh:
        for n, r in enumerate(out):
            fh.write(json.dumps({"sid": f"sl3-{n:03d}", **r}, ensure_ascii=False) + "\n")
    print(f"{len(out)} sentences -> {a.out}")


if __name__ == "__main__":
    main()
