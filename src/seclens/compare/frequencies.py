"""Compare stage: word frequencies of documents, held compactly for keyness.

Keyness (:mod:`seclens.compare.keyness`) needs each document's word frequencies (for
the document counts and Juilland's D of every feature), not only the totals of each
side. Held as one :class:`collections.Counter` per document, they took about 100 bytes
per (document, word type) pair: 4.9 million pairs and some 500 MB at 6,028 documents
(150 MB of text), several GB for a corpus of 1 GB. A :class:`TokenCounts` holds them
as two arrays of 32-bit integers, ids into a :class:`Vocabulary` shared by the
documents of a language, and the counts: 8 bytes a pair. It is a read-only
``Mapping[str, int]`` that reads like a ``Counter`` (0 for a missing token,
``most_common``, ``total``, ``elements``, ``+``); it cannot be changed in place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

IdArray = npt.NDArray[np.int32]


class Vocabulary:
    """The word types of a set of documents, each numbered once, in order of first sight.

    Not thread-safe: one per tokenization pass
    (:func:`seclens.compare.corpus.document_frequencies_of` makes one per language).
    """

    __slots__ = ("ids", "tokens")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.tokens: list[str] = []

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, counts: Mapping[str, int]) -> TokenCounts:
        """The :class:`TokenCounts` of one document's frequencies (types with a count of
        0 or less are left out, as ``Counter`` arithmetic leaves them out).

        Raises
        ------
        OverflowError
            A count above 2**31 - 1 (a document of more than two billion tokens).
        """
        ids = self.ids
        tokens = self.tokens
        pairs = []
        for token, n in counts.items():
            if n <= 0:
                continue
            i = ids.get(token)
            if i is None:
                i = ids[token] = len(tokens)
                tokens.append(token)
            pairs.append((i, n))
        pairs.sort()
        if pairs:
            id_col, count_col = zip(*pairs, strict=True)
        else:
            id_col, count_col = (), ()
        return TokenCounts(self, np.array(id_col, dtype=np.int32),
                           np.array(count_col, dtype=np.int32))


class TokenCounts(Mapping[str, int]):
    """One document's word frequencies: ids into a :class:`Vocabulary` and counts.

    Reads like a :class:`collections.Counter` that cannot be changed:
    ``counts[token]`` is the count, ``0`` for a token the document lacks (``token in
    counts`` is then false and ``counts.get(token)`` ``None``); ``most_common``,
    ``total`` and ``elements`` are Counter's, and ``+`` with a Counter or another
    mapping gives a new :class:`~collections.Counter` (so ``sum(per_doc, Counter())``
    works). Equal to a ``Counter`` or ``dict`` of the same items. Not supported:
    the methods that change a Counter (``update``, ``subtract``, ``[token] = n``).

    Attributes
    ----------
    vocabulary : Vocabulary
    ids : numpy.ndarray of int32, shape (n_types,)
        Ascending.
    counts : numpy.ndarray of int32, shape (n_types,)
        Aligned with ``ids``; all > 0.
    """

    __slots__ = ("counts", "ids", "vocabulary")

    def __init__(self, vocabulary: Vocabulary, ids: IdArray, counts: IdArray) -> None:
        self.vocabulary = vocabulary
        self.ids = ids
        self.counts = counts

    def _find(self, token: object) -> int | None:
        """The position of ``token`` in :attr:`ids`, or ``None``."""
        i = self.vocabulary.ids.get(token) if isinstance(token, str) else None
        if i is not None:
            k = int(np.searchsorted(self.ids, i))
            if k < len(self.ids) and self.ids[k] == i:
                return k
        return None

    def __getitem__(self, token: str) -> int:
        k = self._find(token)
        return 0 if k is None else int(self.counts[k])

    def __contains__(self, token: object) -> bool:
        return self._find(token) is not None

    def get(self, token: str, default: Any = None) -> Any:
        """The count of ``token``, ``default`` when the document lacks it (as
        ``Counter.get``)."""
        k = self._find(token)
        return default if k is None else int(self.counts[k])

    def __iter__(self) -> Iterator[str]:
        tokens = self.vocabulary.tokens
        return (tokens[i] for i in self.ids.tolist())

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"TokenCounts({dict(self.items())!r})"

    def items(self) -> Iterator[tuple[str, int]]:  # type: ignore[override]
        """``(token, count)`` pairs in vocabulary order (faster than the mixin's)."""
        tokens = self.vocabulary.tokens
        return zip((tokens[i] for i in self.ids.tolist()), self.counts.tolist(), strict=True)

    def most_common(self, n: int | None = None) -> list[tuple[str, int]]:
        """The ``n`` most frequent ``(token, count)`` (all when ``None``), most frequent
        first; equal counts in vocabulary order (the corpus's order of first sight)."""
        return Counter(dict(self.items())).most_common(n)

    def total(self) -> int:
        """The sum of the counts (tokens of the document kept for keyness)."""
        return int(self.counts.sum())

    def elements(self) -> Iterator[str]:
        """Each token repeated as often as its count (as ``Counter.elements``)."""
        return Counter(dict(self.items())).elements()

    def __add__(self, other: Mapping[str, int]) -> Counter[str]:
        if not isinstance(other, Mapping):
            return NotImplemented
        return Counter(dict(self.items())) + Counter(dict(other.items()))

    def __radd__(self, other: Mapping[str, int]) -> Counter[str]:
        if not isinstance(other, Mapping):
            return NotImplemented
        return Counter(dict(other.items())) + Counter(dict(self.items()))


#: Documents whose pairs :func:`total_counts` sums at a time.
_CHUNK = 1024


def total_counts(per_doc: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """The summed frequencies of documents (a ``dict`` of the types with a count > 0).

    :class:`TokenCounts` of one :class:`Vocabulary` are summed with NumPy, a chunk
    of :data:`_CHUNK` documents at a time; other mappings (or a mix) by
    ``Counter.update``. Linear in the pairs (``sum(counters, Counter())`` copies the
    growing total at every step).

    Parameters
    ----------
    per_doc : iterable of mapping str -> int

    Returns
    -------
    dict[str, int]
        In order of first sight.
    """
    docs = list(per_doc)
    vocabularies = {id(d.vocabulary): d.vocabulary for d in docs
                    if isinstance(d, TokenCounts)}
    if len(vocabularies) == 1 and all(isinstance(d, TokenCounts) for d in docs):
        (vocab,) = vocabularies.values()
        summed = np.zeros(len(vocab), dtype=np.int64)
        # a chunk of documents at a time: all pairs of a side at once (33 million at
        # 1 GB of text) took half a GB as int32 ids and float64 weights
        for start in range(0, len(docs), _CHUNK):
            chunk = [d for d in docs[start:start + _CHUNK] if isinstance(d, TokenCounts)]
            ids = np.concatenate([d.ids for d in chunk])
            counts = np.concatenate([d.counts for d in chunk]).astype(np.int64)
            np.add.at(summed, ids, counts)
        nonzero = np.flatnonzero(summed)
        return {vocab.tokens[i]: int(summed[i]) for i in nonzero.tolist()}
    total: Counter[str] = Counter()
    for d in docs:
        total.update(d)
    return {k: v for k, v in total.items() if v > 0}


__all__ = ["TokenCounts", "Vocabulary", "total_counts"]
