"""Validation stage: detector vs gold, and agreement between coders.

:func:`validate_detector` runs a detector (the shipped rules by default) on the gold
sentences, each read with its ``prev``/``next`` context as in the codebook, and scores
every codebook field. :func:`coder_agreement` computes Krippendorff's alpha between
coders' files matched on ``sid``, by the method of ``reference/gold/agreement.json``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seclens.annotate.types import CODEBOOK_FIELDS, NOMINAL_FIELDS, SentenceAnnotation
from seclens.errors import AnnotationError
from seclens.types import DocumentMeta, Sentence
from seclens.validate.gold import CodedSentence, read_coded, sentence_key
from seclens.validate.metrics import FieldReport, compare_field, pct_agree

Detector = Callable[[CodedSentence], SentenceAnnotation]


@dataclass(frozen=True)
class ValidationReport:
    """Scores of a detector on coded sentences.

    Attributes
    ----------
    gold_path : str
    gold_sha256 : str
        Hash of the gold file bytes (provenance).
    detector : str
        Detector id (rule/cue versions or model hash).
    n : int
        Sentences scored.
    fields : dict[str, FieldReport]
    subsets : dict[str, dict[str, FieldReport]]
        Optional scores on named subsets (e.g. ``zh``, ``en``).
    """

    gold_path: str
    gold_sha256: str
    detector: str
    n: int
    fields: dict[str, FieldReport]
    subsets: dict[str, dict[str, FieldReport]]
    in_sample: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Empty, or the in-sample check of a trained model (:func:`in_sample_check`:
    ``warning``, ``same_file``, ``n_overlap``, ``n``, ``sentences_checked``), or, for
    the shipped rules, the development-set check (:func:`development_check`: ``warning``,
    ``development_set``, ``same_file``)."""


IN_SAMPLE_WARNING = (
    "IN-SAMPLE: the model was trained on (part of) this gold file; "
    "these scores are not an estimate of accuracy"
)


DEVELOPMENT_WARNING = (
    "NOT HELD-OUT: the shipped rules were developed against this coded file; "
    "these scores overstate accuracy on new text"
)


def development_check(digest: str, rules: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Whether the shipped rules were developed against the coded file with ``digest``.

    Parameters
    ----------
    digest : str
        SHA-256 (hex) of the coded file.
    rules : mapping, optional
        The rule parameters (default: the packaged ``rules.yaml``), whose
        ``developed_on`` list names the coded files used in development by SHA-256.

    Returns
    -------
    dict
        Empty when the file is not among them; else ``warning``
        (:data:`DEVELOPMENT_WARNING` plus the file's record), ``development_set``
        (its id) and ``same_file`` True.
    """
    if rules is None:
        from seclens.annotate.cues import load_data_file

        rules = load_data_file("rules")
    for rec in rules.get("developed_on", []) or []:
        if isinstance(rec, Mapping) and str(rec.get("sha256", "")) == digest:
            return {
                "warning": f"{DEVELOPMENT_WARNING} ({rec.get('name', '?')}: {rec.get('how', '')})",
                "development_set": str(rec.get("id", "")),
                "same_file": True,
            }
    return {}


def in_sample_check(
    gold_path: Path, gold: Sequence[CodedSentence], model_meta: Mapping[str, Any]
) -> dict[str, Any]:
    """Whether a trained model has seen the gold sentences it is scored on.

    Compares the SHA-256 of the gold file with the model sidecar's ``training_sha256``
    and the gold sentences (``doc_id`` + text, :func:`seclens.validate.gold.sentence_key`)
    with the sidecar's ``training_sentences`` (sidecars written before seclens stored
    them are checked by hash only: ``sentences_checked`` False).

    Returns
    -------
    dict
        Empty when the model did not train on any gold sentence; else ``warning``
        (:data:`IN_SAMPLE_WARNING` plus the figures), ``same_file`` (bool),
        ``n_overlap`` (gold sentences seen in training), ``n`` (gold sentences),
        ``sentences_checked`` (bool), ``training_file``.
    """
    digest = hashlib.sha256(Path(gold_path).read_bytes()).hexdigest()
    same_file = digest == str(model_meta.get("training_sha256", ""))
    keys = model_meta.get("training_sentences")
    checked = isinstance(keys, list)
    seen = set(keys) if isinstance(keys, list) else set()
    n_overlap = sum(sentence_key(g.doc_id, g.text) in seen for g in gold)
    if same_file and not checked:
        n_overlap = len(gold)
    if not same_file and n_overlap == 0:
        return {}
    what = (
        "the same file (identical SHA-256)"
        if same_file
        else f"{n_overlap} of {len(gold)} gold sentences (doc_id + text) were training sentences"
    )
    return {
        "warning": f"{IN_SAMPLE_WARNING} ({what}; trained on "
        f"{model_meta.get('training_file', '?')})",
        "same_file": same_file,
        "n_overlap": n_overlap,
        "n": len(gold),
        "sentences_checked": checked,
        "training_file": str(model_meta.get("training_file", "")),
    }


def gold_to_sentence(g: CodedSentence) -> Sentence:
    """A :class:`Sentence` for a gold record (offsets relative to the sentence itself)."""
    return Sentence(g.doc_id, g.sentence_index, 0, len(g.text), g.text)


def rule_detector(
    levels: Mapping[str, str] | None = None,
    metas: Mapping[str, DocumentMeta] | None = None,
) -> Detector:
    """The shipped rule-based detector as a function of a coded sentence.

    Parameters
    ----------
    levels : mapping doc_id -> level, optional
        Administrative level of each document (from a manifest); used only for the
        implicit audience of requests. Without it the level is unknown.
    metas : mapping doc_id -> DocumentMeta, optional
        Manifest rows; used only for the audience a document implies
        (``rules.yaml`` ``document_audience``) and, when ``levels`` lacks a document,
        its level.
    """
    from seclens.annotate.rules import RuleAnnotator

    ann = RuleAnnotator()
    lv = dict(levels or {})
    mt = dict(metas or {})

    def detect(g: CodedSentence) -> SentenceAnnotation:
        return ann.annotate(
            gold_to_sentence(g),
            g.lang,
            g.prev,
            g.next,
            has_doc_offsets=False,
            level=lv.get(g.doc_id, ""),
            meta=mt.get(g.doc_id),
        )

    detect.__name__ = ann.version
    return detect


def _score(
    gold: Sequence[CodedSentence], preds: Sequence[SentenceAnnotation]
) -> dict[str, FieldReport]:
    out: dict[str, FieldReport] = {}
    for field in CODEBOOK_FIELDS:
        true = [g.labels[field] for g in gold]
        pred = [getattr(p, field) for p in preds]
        out[field] = compare_field(field, true, pred)
    return out


def validate_detector(
    gold_path: Path,
    detector: Detector | None = None,
    *,
    subsets: Sequence[str] = ("zh", "en"),
    levels: Mapping[str, str] | None = None,
    model_meta: Mapping[str, Any] | None = None,
    metas: Mapping[str, DocumentMeta] | None = None,
) -> ValidationReport:
    """Run ``detector`` on the gold sentences and score each codebook field.

    Parameters
    ----------
    gold_path : pathlib.Path
        A gold ``.jsonl`` file with ``doc_id, lang, prev, text, next`` and the codes.
    detector : callable, optional
        Maps a :class:`CodedSentence` to a :class:`SentenceAnnotation`; default: the
        shipped rules (:func:`rule_detector`).
    subsets : sequence of str
        Languages for which scores are also reported separately.
    levels : mapping doc_id -> level, optional
        Document levels for the default rule detector (see :func:`rule_detector`).
    metas : mapping doc_id -> DocumentMeta, optional
        Manifest rows for the default rule detector (see :func:`rule_detector`).
    model_meta : mapping, optional
        Sidecar of a trained model (``TrainedModel.meta``): the report's ``in_sample``
        then says whether the model was trained on these gold sentences
        (:func:`in_sample_check`).

    Raises
    ------
    AnnotationError
        ``E414`` when a gold record lacks text or language; see :func:`read_coded`.
    """
    gold = read_coded(gold_path)
    for g in gold:
        if not g.text or g.lang not in ("zh", "en"):
            raise AnnotationError(
                "E414", f"{gold_path}: sid {g.sid} has no text or an unsupported lang {g.lang!r}"
            )
    det = detector or rule_detector(levels, metas)
    preds = [det(g) for g in gold]
    for g, p in zip(gold, preds, strict=True):
        if (p.doc_id, p.text) != (g.doc_id, g.text):
            raise AnnotationError("E415", f"detector returned a different sentence for sid {g.sid}")
    sub: dict[str, dict[str, FieldReport]] = {}
    for lang in subsets:
        idx = [i for i, g in enumerate(gold) if g.lang == lang]
        if idx:
            sub[lang] = _score([gold[i] for i in idx], [preds[i] for i in idx])
    digest = hashlib.sha256(Path(gold_path).read_bytes()).hexdigest()
    return ValidationReport(
        str(gold_path),
        digest,
        getattr(det, "__name__", "detector"),
        len(gold),
        _score(gold, preds),
        sub,
        in_sample_check(gold_path, gold, model_meta) if model_meta is not None
        else development_check(digest) if detector is None else {},
    )


@dataclass(frozen=True)
class AgreementReport:
    """Krippendorff's alpha between coders per field.

    Attributes
    ----------
    coders : tuple[str, ...]
        File names of the coders.
    n : int
        Units coded by all coders (matched on ``sid``).
    fields : dict[str, dict[str, Any]]
        Per field: ``alpha`` and ``pct_agree`` (nominal; ``pct_agree`` only for two
        coders) or ``mean_alpha`` and ``per_label`` {label: {alpha, n_pos}} (multi-label),
        the layout of ``agreement.json``.
    """

    coders: tuple[str, ...]
    n: int
    fields: dict[str, dict[str, Any]]

    def alpha(self, field: str) -> float:
        """Alpha (nominal) or mean alpha (multi-label) of a field."""
        rec = self.fields[field]
        return float(rec["alpha"] if "alpha" in rec else rec["mean_alpha"])


def coder_agreement(paths: Sequence[Path]) -> AgreementReport:
    """Krippendorff's alpha (nominal) between two or more coders' files.

    Units are matched on ``sid``; only units coded in every file are used.
    Multi-label fields: alpha per label on presence/absence, and the mean over labels
    with a defined alpha.

    Raises
    ------
    AnnotationError
        ``E416`` fewer than two files or no common ``sid``.
    """
    from seclens.validate.metrics import nominal_alpha

    if len(paths) < 2:
        raise AnnotationError("E416", "agreement needs at least two coded files")
    codings = [{c.sid: c for c in read_coded(p)} for p in paths]
    common = sorted(set.intersection(*(set(c) for c in codings)))
    if not common:
        raise AnnotationError("E416", "the coded files share no sid")
    fields: dict[str, dict[str, Any]] = {}
    for field in CODEBOOK_FIELDS:
        vals = [[c[s].labels[field] for s in common] for c in codings]
        if field in NOMINAL_FIELDS:
            rec: dict[str, Any] = {"alpha": nominal_alpha(*vals)}
            if len(vals) == 2:
                rec["pct_agree"] = pct_agree(vals[0], vals[1])
            fields[field] = rec
        else:
            rep = compare_field(field, vals[0], vals[1]) if len(vals) == 2 else None
            per: dict[str, Any] = {}
            from seclens.annotate.types import MULTI_FIELDS

            for lab in MULTI_FIELDS[field]:
                bins = [[int(lab in v) for v in coder] for coder in vals]
                per[lab] = {"alpha": nominal_alpha(*bins), "n_pos": [sum(b) for b in bins]}
            defined = [p["alpha"] for p in per.values() if not math.isnan(p["alpha"])]
            fields[field] = {
                "mean_alpha": sum(defined) / len(defined) if defined else math.nan,
                "per_label": per,
            }
            if rep is not None:
                fields[field]["pct_agree"] = rep.accuracy
    return AgreementReport(tuple(Path(p).name for p in paths), len(common), fields)


def format_validation(rep: ValidationReport, *, confusion: bool = True) -> str:
    """Plain-text rendering of a :class:`ValidationReport` (the CLI output)."""
    warn = rep.in_sample.get("warning", "")
    lines = [f"*** {warn} ***", ""] if warn else []
    lines += [
        f"gold: {rep.gold_path} (sha256 {rep.gold_sha256[:12]}), n={rep.n}",
        f"detector: {rep.detector}",
        "",
        f"{'field':24s} {'acc':>6s} {'alpha':>6s} {'macroF1':>7s}  positive-class P/R/F1",
    ]
    for field, fr in rep.fields.items():
        extra = ""
        if field in ("securitizing_move", "threat", "urgency", "extraordinary_measures"):
            s = fr.score("1")
            extra = f"  P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} (n={s.support})"
        lines.append(
            f"{field:24s} {fr.accuracy:6.3f} {_f(fr.alpha):>6s} {_f(fr.macro_f1):>7s}{extra}"
        )
    for field, fr in rep.fields.items():
        lines.append("")
        lines.append(
            f"[{field}] per label: label P R F1 support predicted"
            + (" alpha" if fr.kind == "multi" else "")
        )
        for s in fr.labels:
            a = f" {_f(fr.label_alpha[s.label])}" if fr.kind == "multi" else ""
            lines.append(
                f"  {s.label:20s} {s.precision:.3f} {s.recall:.3f} {s.f1:.3f} "
                f"{s.support:4d} {s.predicted:4d}{a}"
            )
        if confusion and fr.matrix:
            lines.append("  confusion (rows gold, cols predicted): " + " ".join(fr.label_order))
            for lab, row in zip(fr.label_order, fr.matrix, strict=True):
                lines.append(f"  {lab:20s} " + " ".join(f"{x:4d}" for x in row))
    for name, sub in rep.subsets.items():
        lines.append("")
        lines.append(
            f"subset {name}: "
            + ", ".join(f"{f}={_f(fr.alpha)}/{fr.accuracy:.2f}" for f, fr in sub.items())
            + "  (alpha/acc)"
        )
    if warn:
        lines += ["", f"*** {warn} ***"]
    return "\n".join(lines)


AGREEMENT_METHOD = (
    "Krippendorff's alpha, nominal; multi-label fields: alpha per label on "
    "presence/absence, and the mean over labels"
)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def agreement_layout(paths: Sequence[Path]) -> dict[str, Any]:
    """Agreement in the layout of ``reference/gold/agreement.json``.

    ``{"n_sentences": n, "method": ..., "<A>_vs_<B>": {"n": n_pair, <field>: {...}}}``
    with one entry per pair of files (named after the file stems; the reference
    names them ``coder_A`` ...), each field as in :class:`AgreementReport`; with three
    or more files also ``"all"`` (alpha over all coders, no ``pct_agree``). Undefined
    alphas (NaN) are ``null``.

    Raises
    ------
    AnnotationError
        As :func:`coder_agreement`.
    """
    from itertools import combinations

    def fields_of(rep: AgreementReport) -> dict[str, Any]:
        # multi-label fields carry mean_alpha and per_label only, as in the reference
        return {
            f: rec if "alpha" in rec else {k: rec[k] for k in ("mean_alpha", "per_label")}
            for f, rec in rep.fields.items()
        }

    overall = coder_agreement(paths)
    out: dict[str, Any] = {"n_sentences": overall.n, "method": AGREEMENT_METHOD}
    for a, b in combinations(paths, 2):
        rep = overall if len(paths) == 2 else coder_agreement([a, b])
        out[f"{Path(a).stem}_vs_{Path(b).stem}"] = _json_safe({"n": rep.n, **fields_of(rep)})
    if len(paths) > 2:
        out["all"] = _json_safe({"n": overall.n, **fields_of(overall)})
    return out


def format_agreement(rep: AgreementReport) -> str:
    """Plain-text rendering of an :class:`AgreementReport`."""
    lines = [f"coders: {', '.join(rep.coders)}; units matched on sid: {rep.n}", ""]
    for field, rec in rep.fields.items():
        if "alpha" in rec:
            pa = f"  pct_agree={rec['pct_agree']:.3f}" if "pct_agree" in rec else ""
            lines.append(f"{field:24s} alpha={_f(rec['alpha'])}{pa}")
        else:
            lines.append(f"{field:24s} mean_alpha={_f(rec['mean_alpha'])}")
            for lab, p in rec["per_label"].items():
                lines.append(f"  {lab:22s} alpha={_f(p['alpha'])} n_pos={p['n_pos']}")
    return "\n".join(lines)


def _f(x: float) -> str:
    return "nan" if math.isnan(x) else f"{x:.3f}"
