"""Match stage: every occurrence of a set of literal words in one pass over a text.

:class:`WordScanner` is shared by the lexicon matcher (:mod:`seclens.match.matcher`,
English words) and the annotation stage's cue finder
(:meth:`seclens.annotate.cues.CueBook.find`, Chinese cue terms).
"""

from __future__ import annotations

from collections.abc import Sequence

from ahocorasick_rs import AhoCorasick


class WordScanner:
    """Every occurrence of a set of words, overlapping ones included, in one pass.

    An Aho–Corasick automaton (the ``ahocorasick_rs`` library, a wrapper of the Rust
    ``aho-corasick`` crate; ``MatchKind.Standard`` with ``overlapping=True`` reports
    every occurrence of every word). Gives the same hits as one ``str.find`` loop per
    word (``find(w, i + 1)`` after each hit; tested), in one pass over the text instead
    of one per word. Pickles as its words (the automaton is rebuilt).

    Parameters
    ----------
    words : sequence of str
        Distinct, non-empty words.
    """

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)
        self._automaton = AhoCorasick(self.words)

    def __getstate__(self) -> tuple[str, ...]:
        return self.words

    def __setstate__(self, words: tuple[str, ...]) -> None:
        self.__init__(words)  # type: ignore[misc]

    def hits(self, text: str) -> dict[str, list[int]] | None:
        """Start offsets (characters, ascending) of every word's occurrences in ``text``.

        Returns
        -------
        dict of str to list of int, or None
            Every word is a key (an empty list when it does not occur). ``None`` when
            the text cannot be searched (a lone surrogate has no UTF-8 form): the
            caller falls back to ``str.find`` loops.
        """
        try:
            found = self._automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:
            return None
        lists: list[list[int]] = [[] for _ in self.words]
        adds = [x.append for x in lists]
        for k, start, _ in found:
            adds[k](start)
        return dict(zip(self.words, lists, strict=True))

    def matches(self, text: str) -> list[tuple[int, int, int]] | None:
        """Every occurrence as ``(word index, start, end)`` (characters), or ``None``.

        The raw form of :meth:`hits`, in the automaton's order (by end offset), for
        callers that map each word to several owners (the annotation stage's cues).
        ``None`` as in :meth:`hits` (a lone surrogate).
        """
        try:
            found: list[tuple[int, int, int]] = self._automaton.find_matches_as_indexes(
                text, overlapping=True)
        except UnicodeEncodeError:
            return None
        return found
