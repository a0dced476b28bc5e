"""Match stage: decide the sense (security / safety) of an ambiguous match from sense rules.

A rule fires when the text around a match equals the rule's pattern at the anchor's
alignment (English: case-insensitive, and the pattern must stand as whole words).
Precedence (documented in ``docs/counting.md``):

1. the longest firing pattern wins;
2. several firing patterns of that length with one sense → that sense, their rule ids
   joined with ``|``;
3. several firing patterns of that length with different senses → ``undetermined``,
   all their rule ids joined with ``|``;
4. no rule fires → ``undetermined`` with an empty rule id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from seclens.lexicon import SenseRule, SenseRules


@dataclass(frozen=True)
class SenseDecision:
    """The sense of one match and the rule id(s) that decided it (``""`` for none)."""

    sense: str
    rule: str


_NONE = SenseDecision("undetermined", "")


def _combine(fired: list[SenseRule]) -> SenseDecision:
    """Decision from the rules that fired at the winning (longest) pattern length."""
    senses = {r.sense for r in fired}
    ids = "|".join(sorted(r.rule_id for r in fired))
    if len(senses) == 1:
        return SenseDecision(senses.pop(), ids)
    return SenseDecision("undetermined", ids)


class SenseResolver:
    """Rules for one (lang, anchor), grouped by (anchor offset, pattern length).

    Parameters
    ----------
    lang : str
    rules : sequence of SenseRule
        All rules of one anchor.
    """

    def __init__(self, lang: str, rules: list[SenseRule]) -> None:
        self.lang = lang
        groups: dict[tuple[int, int], dict[str, list[SenseRule]]] = defaultdict(
            lambda: defaultdict(list))
        for r in rules:
            groups[(r.offset, len(r.pattern))][r.pattern].append(r)
        # longest patterns first; ties in length keep every alignment. Each pattern
        # carries its rules and the decision when it is the only one firing.
        self._by_len: list[tuple[int, list[tuple[int, dict[str, tuple[list[SenseRule],
                                                                      SenseDecision]]]]]] = []
        lengths = sorted({length for _, length in groups}, reverse=True)
        for length in lengths:
            aligned = [(off, {p: (rs, _combine(rs)) for p, rs in pats.items()})
                       for (off, ln), pats in sorted(groups.items()) if ln == length]
            self._by_len.append((length, aligned))
        # the decision depends only on text[start - left : start + right]
        # (one extra character each side for the English whole-word checks)
        margin = 1 if lang == "en" else 0
        self._left = max((r.offset for r in rules), default=0) + margin
        self._right = max((len(r.pattern) - r.offset for r in rules), default=0) + margin
        # A quick necessary condition for any rule to fire: a rule whose pattern has text
        # before the anchor needs the character just before the match to be the one
        # before the anchor in the pattern; a pattern starting with the anchor needs the
        # character just after the anchor. ``None`` when some pattern is the anchor
        # alone (it can fire on any match).
        self._before: frozenset[str] | None = None
        self._after: frozenset[str] | None = None
        self._anchor_len = 0
        anchors = {r.anchor for r in rules}
        if len(anchors) == 1:
            alen = len(next(iter(anchors)))
            if all(r.offset > 0 or len(r.pattern) > alen for r in rules):
                self._anchor_len = alen
                self._before = frozenset(r.pattern[r.offset - 1] for r in rules if r.offset > 0)
                self._after = frozenset(r.pattern[alen] for r in rules if r.offset == 0)

    def decide_cached(self, text: str, start: int, cache: dict[str, SenseDecision]
                      ) -> SenseDecision:
        """:meth:`decide` memoized on the neighbourhood the rules can see.

        ``cache`` belongs to the caller (one per document); two matches with the same
        neighbourhood text get the same decision by construction.
        """
        a, b = start - self._left, start + self._right
        if a < 0 or b > len(text):
            return self.decide(text, start)
        key = text[a:b]
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = self.decide(text, start)
        return hit

    def decide(self, text: str, start: int) -> SenseDecision:
        """Sense of the anchor match starting at ``start`` in ``text``.

        ``text`` is the analysis text, lower-cased (length-preserving) for English.
        """
        n = len(text)
        before = self._before
        if before is not None:
            after = self._after
            assert after is not None
            j = start + self._anchor_len
            if not ((start > 0 and text[start - 1] in before)
                    or (j < n and text[j] in after)):
                return _NONE
        en = self.lang == "en"
        for length, aligned in self._by_len:
            first: tuple[list[SenseRule], SenseDecision] | None = None
            fired: list[SenseRule] | None = None
            for off, pats in aligned:
                ws = start - off
                we = ws + length
                if ws < 0 or we > n:
                    continue
                window = text[ws:we]
                hit = pats.get(window)
                if hit is None:
                    continue
                if en:  # whole words: letters, digits, ``_`` (inlined: the hot path)
                    if ws > 0:
                        c, d = window[0], text[ws - 1]
                        if (c.isalnum() or c == "_") and (d.isalnum() or d == "_"):
                            continue
                    if we < n:
                        c, d = window[-1], text[we]
                        if (c.isalnum() or c == "_") and (d.isalnum() or d == "_"):
                            continue
                if first is None:
                    first = hit
                else:
                    if fired is None:
                        fired = list(first[0])
                    fired.extend(hit[0])
            if fired is not None:
                return _combine(fired)
            if first is not None:
                return first[1]
        return _NONE


def build_resolvers(rules: SenseRules) -> dict[tuple[str, str], SenseResolver]:
    """One :class:`SenseResolver` per ``(lang, anchor)`` of the rule set."""
    grouped: dict[tuple[str, str], list[SenseRule]] = defaultdict(list)
    for r in rules.rules:
        grouped[(r.lang, r.anchor)].append(r)
    return {key: SenseResolver(key[0], rs) for key, rs in grouped.items()}
