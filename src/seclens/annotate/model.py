"""Annotation stage: optional supervised detector trained on coded sentences.

Features (scikit-learn): character 1-3-gram TF-IDF (suits unsegmented Chinese),
word 1-2-gram TF-IDF (English), and the rule detector's outputs as extra binary
features (each codebook label the rules assign). One classifier per codebook field:
``LinearSVC(class_weight="balanced")`` for single-valued fields, one binary
classifier per label for multi-label fields (labels with fewer than ``min_pos``
positives fall back to the rule output). Cross-validated scores are computed with
stratified k-fold at training time. The rules stay the shipped default; the model
is an option (``seclens annotate --train FILE --save MODEL``).

Persistence: ``joblib`` pickle plus a JSON sidecar ``<model>.json`` with the seclens
version, features, fields, training-data SHA-256 and CV scores. Only load models you
trust (pickle executes code).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from seclens.annotate.rules import RuleAnnotator
from seclens.annotate.types import (
    CODEBOOK_FIELDS,
    MULTI_FIELDS,
    NOMINAL_FIELDS,
    REFERENT_OBJECTS,
    Evidence,
    SentenceAnnotation,
    order_labels,
)
from seclens.errors import AnnotationError
from seclens.validate.core import gold_to_sentence
from seclens.validate.gold import CodedSentence, read_coded, sentence_key

FEATURES = "char(1,3)-tfidf + word(1,2)-tfidf + rule outputs"


def _rule_features(a: SentenceAnnotation) -> dict[str, float]:
    f: dict[str, float] = {}
    for name, val in a.labels().items():
        for v in val if isinstance(val, list) else [val]:
            f[f"rule:{name}={v}"] = 1.0
    return f


@dataclass
class TrainedModel:
    """A trained supervised detector (see module docstring).

    Attributes
    ----------
    vectorizers : dict[str, Any]
        ``char``, ``word`` TF-IDF and ``rules`` DictVectorizer.
    classifiers : dict[str, Any]
        Per nominal field, and per ``field:label`` for multi-label fields.
    meta : dict[str, Any]
        The JSON sidecar content.
    """

    vectorizers: dict[str, Any]
    classifiers: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def model_id(self) -> str:
        """``model:<first 12 hex of the training-data hash>``."""
        return "model:" + str(self.meta.get("training_sha256", ""))[:12]


def _texts(rows: list[CodedSentence]) -> list[str]:
    return [r.text for r in rows]


def _matrix(model: TrainedModel, texts: list[str], rule_out: list[SentenceAnnotation]) -> Any:
    from scipy.sparse import hstack

    v = model.vectorizers
    return hstack(
        [
            v["char"].transform(texts),
            v["word"].transform(texts),
            v["rules"].transform([_rule_features(a) for a in rule_out]),
        ]
    ).tocsr()


def train_model(
    train_path: Path, *, folds: int = 5, min_pos: int = 5, seed: int = 0
) -> tuple[TrainedModel, dict[str, dict[str, float]]]:
    """Train one classifier per codebook field on coded sentences.

    Parameters
    ----------
    train_path : pathlib.Path
        Gold-format ``.jsonl`` (with ``text`` and ``lang``).
    folds : int
        Stratified k-fold splits for the cross-validated scores (>= 2).
    min_pos : int
        Minimum positives (and negatives) a label needs to get its own classifier.
    seed : int
        Random state of the fold shuffling.

    Returns
    -------
    (TrainedModel, dict)
        The model fitted on all data, and CV scores per field
        (``accuracy`` and ``macro_f1`` for nominal fields, ``f1`` per label for
        multi-label fields).

    Raises
    ------
    AnnotationError
        ``E430`` too few sentences for ``folds``; ``E434`` coded sentences without
        text.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.svm import LinearSVC

    rows = read_coded(train_path)
    textless = sum(1 for r in rows if not r.text.strip())
    if textless:
        raise AnnotationError(
            "E434", f"{train_path}: {textless} of {len(rows)} coded sentences have no text; "
            "the model learns from the sentences' text (a text-free file, such as the "
            "engineering dev set, cannot train it)")
    if folds < 2 or len(rows) < 2 * folds:
        raise AnnotationError(
            "E430", f"need >= {2 * folds} coded sentences for {folds}-fold CV, got {len(rows)}"
        )
    rules = RuleAnnotator()
    rule_out = [
        rules.annotate(gold_to_sentence(r), r.lang, r.prev, r.next, has_doc_offsets=False)
        for r in rows
    ]
    model = TrainedModel(
        {
            "char": TfidfVectorizer(
                analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True
            ),
            "word": TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, lowercase=True),
            "rules": DictVectorizer(),
        },
        {},
    )
    texts = _texts(rows)
    model.vectorizers["char"].fit(texts)
    model.vectorizers["word"].fit(texts)
    model.vectorizers["rules"].fit([_rule_features(a) for a in rule_out])
    x = _matrix(model, texts, rule_out)
    cv: dict[str, dict[str, float]] = {}

    def make() -> Any:
        return LinearSVC(class_weight="balanced", C=0.5)

    for fname in CODEBOOK_FIELDS:
        if fname in NOMINAL_FIELDS:
            y = np.array([str(r.labels[fname]) for r in rows])
            counts = {c: int((y == c).sum()) for c in set(y)}
            k = min(folds, min(counts.values())) if len(counts) > 1 else 0
            if k < 2:
                continue
            skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
            pred = cross_val_predict(make(), x, y, cv=skf)
            cv[fname] = {
                "accuracy": float(accuracy_score(y, pred)),
                "macro_f1": float(f1_score(y, pred, average="macro")),
                "folds": float(k),
            }
            model.classifiers[fname] = make().fit(x, y)
        else:
            for lab in MULTI_FIELDS[fname]:
                yb = np.array([int(lab in r.labels[fname]) for r in rows])
                pos = int(yb.sum())
                if pos < min_pos or len(yb) - pos < min_pos:
                    continue
                k = min(folds, pos)
                skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
                pred = cross_val_predict(make(), x, yb, cv=skf)
                cv[f"{fname}:{lab}"] = {"f1": float(f1_score(yb, pred)), "folds": float(k)}
                model.classifiers[f"{fname}:{lab}"] = make().fit(x, yb)
    from seclens import __version__

    model.meta = {
        "seclens_version": __version__,
        "features": FEATURES,
        "classifier": "LinearSVC(class_weight='balanced', C=0.5)",
        "fields": sorted(model.classifiers),
        "rules_detector": rules.version,
        "training_file": str(train_path),
        "training_sha256": hashlib.sha256(Path(train_path).read_bytes()).hexdigest(),
        # fingerprints of the training sentences (doc_id + text), so that `validate`
        # can warn when gold sentences were seen in training (no text stored)
        "training_sentences": sorted({sentence_key(r.doc_id, r.text) for r in rows}),
        "n_training": len(rows),
        "cv": cv,
        "cv_method": f"stratified {folds}-fold (fewer when a class has fewer members), seed {seed}",
    }
    return model, cv


def save_model(model: TrainedModel, path: Path) -> Path:
    """Write ``path`` (joblib) and ``path.json`` (sidecar); refuses to overwrite.

    Raises
    ------
    AnnotationError
        ``E431`` when either file exists.
    """
    import joblib  # type: ignore[import-untyped]

    sidecar = Path(str(path) + ".json")
    for p in (path, sidecar):
        if Path(p).exists():
            raise AnnotationError("E431", f"{p} exists; choose a new model path")
    joblib.dump({"vectorizers": model.vectorizers, "classifiers": model.classifiers}, path)
    sidecar.write_text(json.dumps(model.meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return sidecar


def load_model(path: Path) -> TrainedModel:
    """Load a model saved by :func:`save_model` (trusted files only).

    Raises
    ------
    AnnotationError
        ``E432`` missing sidecar or unreadable model.
    """
    import joblib

    sidecar = Path(str(path) + ".json")
    if not sidecar.exists():
        raise AnnotationError("E432", f"model sidecar {sidecar} not found")
    try:
        blob = joblib.load(path)
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        raise AnnotationError("E432", f"cannot load model {path}: {exc}") from exc
    return TrainedModel(blob["vectorizers"], blob["classifiers"], meta)


def predict(model: TrainedModel, rule_out: list[SentenceAnnotation]) -> list[SentenceAnnotation]:
    """Model annotations for sentences already annotated by the rules.

    Fields without a trained classifier keep the rule output; rule evidence is kept
    and a whole-sentence evidence item with the model id is added per model field.
    """
    from dataclasses import replace

    if not rule_out:
        return []
    x = _matrix(model, [a.text for a in rule_out], rule_out)
    preds: dict[str, Any] = {k: clf.predict(x) for k, clf in model.classifiers.items()}
    out = []
    for i, a in enumerate(rule_out):
        changes: dict[str, Any] = {}
        ev = list(a.evidence)
        for fname in CODEBOOK_FIELDS:
            if fname in NOMINAL_FIELDS and fname in preds:
                val: Any = preds[fname][i]
                val = int(val) if 0 in NOMINAL_FIELDS[fname] else str(val)
                changes[fname] = val
                ev.append(Evidence(fname, str(val), model.model_id, -1, -1, "", -1, -1, "model"))
            elif fname in MULTI_FIELDS:
                labs = set(x for x in getattr(a, fname) if x != "none")
                for lab in MULTI_FIELDS[fname]:
                    key = f"{fname}:{lab}"
                    if key in preds:
                        if preds[key][i]:
                            labs.add(lab)
                            ev.append(
                                Evidence(fname, lab, model.model_id, -1, -1, "", -1, -1, "model")
                            )
                        else:
                            labs.discard(lab)
                universe = REFERENT_OBJECTS if fname == "referent_object" else MULTI_FIELDS[fname]
                t = order_labels(labs, universe)
                changes[fname] = t or (("none",) if fname == "referent_object" else ())
        out.append(replace(a, evidence=tuple(ev), detector=model.model_id, **changes))
    return out


def model_detector(model: TrainedModel) -> Any:
    """A detector function (for :func:`seclens.validate.core.validate_detector`)."""
    rules = RuleAnnotator()

    def detect(g: CodedSentence) -> SentenceAnnotation:
        a = rules.annotate(gold_to_sentence(g), g.lang, g.prev, g.next, has_doc_offsets=False)
        return predict(model, [a])[0]

    detect.__name__ = model.model_id
    return detect
