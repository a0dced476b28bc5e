"""Stage objects: the metadata field list stays in step with DocumentMeta."""

from __future__ import annotations

import dataclasses

from seclens.types import META_FIELDS, DocumentMeta


def test_meta_fields_are_the_scalar_fields_of_document_meta() -> None:
    names = [f.name for f in dataclasses.fields(DocumentMeta)]
    assert META_FIELDS == tuple(n for n in names if n not in ("doc_id", "extra"))


def test_row_sequence_behaves_like_a_tuple_of_rows() -> None:
    from dataclasses import dataclass

    import pytest

    from seclens.types import RowSequence

    @dataclass(frozen=True, eq=False)
    class Squares(RowSequence[int]):
        n: int

        def __len__(self) -> int:
            return self.n

        def _row(self, i: int) -> int:
            return i * i

    sq = Squares(4)
    assert list(sq) == [0, 1, 4, 9] and sq[-1] == 9 and sq[1:3] == [1, 4]
    assert sq == [0, 1, 4, 9] and sq == (0, 1, 4, 9) and sq != [0, 1] and sq == Squares(4)
    assert sq + [16] == [0, 1, 4, 9, 16]  # noqa: RUF005 (the operator under test)
    assert [-1] + sq == [-1, 0, 1, 4, 9]  # noqa: RUF005
    with pytest.raises(IndexError):
        sq[4]
    with pytest.raises(IndexError):
        sq[-5]
    with pytest.raises(TypeError):
        hash(sq)
    with pytest.raises(TypeError, match="indices must be integers or slices, not str"):
        sq["a"]  # type: ignore[call-overload]


def test_rows_at_picks_ascending_positions_of_a_table_or_a_chain() -> None:
    """``rows_at`` gives what indexing gives, one walk over a chain's tables (empty
    tables included); positions out of range or order are an IndexError."""
    from dataclasses import dataclass

    import pytest

    from seclens.types import RowChain, RowSequence

    @dataclass(frozen=True, eq=False)
    class Part(RowSequence[str]):
        name: str
        n: int

        def __len__(self) -> int:
            return self.n

        def _row(self, i: int) -> str:
            return f"{self.name}{i}"

    @dataclass(frozen=True, eq=False)
    class Chain(RowChain[str]):
        tables: tuple[Part, ...]

    chain = Chain((Part("a", 2), Part("b", 0), Part("c", 3), Part("d", 1)))
    everything = list(chain)
    for positions in ([], [0], [1, 2], [0, 2, 4, 5], list(range(6))):
        assert chain.rows_at(positions) == [everything[i] for i in positions]
        assert chain.rows_at(positions) == [chain[i] for i in positions]
    assert Part("x", 3).rows_at([0, 2]) == ["x0", "x2"]
    for bad in ([6], [-1], [2, 1], [1, 1]):
        with pytest.raises(IndexError):
            chain.rows_at(bad)
        with pytest.raises(IndexError):
            Part("x", 6).rows_at([b if b != 6 else 7 for b in bad])
