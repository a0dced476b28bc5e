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


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


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
                if en and ((_is_word(window[0]) and ws > 0 and _is_word(text[ws - 1]))
                           or (_is_word(window[-1]) and we < n and _is_word(text[we]))):
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
