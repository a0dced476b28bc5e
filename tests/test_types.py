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
