"""Lexicon stage: the count layout memo of a Lexicon."""

from __future__ import annotations


def test_count_layout_is_sorted_and_leaves_equality_alone() -> None:
    import dataclasses
    import pickle

    from seclens.lexicon import load_lexicon

    lex = load_lexicon()
    fresh = dataclasses.replace(lex)
    layout = lex.count_layout("zh")
    assert [e.entry_id for e in layout.entries] == sorted(e.entry_id for e in lex.for_lang("zh"))
    assert layout.entry_ids == {e.entry_id for e in lex.for_lang("zh")}
    assert all(layout.sectors[i] == e.sector for e, i in zip(layout.entries, layout.sector_of,
                                                              strict=True))
    assert all(layout.categories[i] == e.category
               for e, i in zip(layout.entries, layout.category_of, strict=True))
    assert lex.count_layout("zh") is layout  # computed once per lexicon
    assert lex == fresh and hash(lex) == hash(fresh)
    assert pickle.loads(pickle.dumps(lex)) == lex
    assert lex.count_layout("fr").entries == ()
