"""Spool files: what a pool worker writes and the calling process maps back."""

from __future__ import annotations

import os
import types
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seclens.engine.spool import ALIGNMENT, MAGIC, read_spool, write_spool
from seclens.engine.tables import TableBatch
from seclens.errors import StoreError
from seclens.types import Exclusion

_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(_texts, max_size=30),
       numbers=st.lists(st.integers(-2**63, 2**63 - 1), max_size=30),
       blobs=st.lists(st.binary(max_size=200), max_size=5))
def test_round_trip_of_arrow_tables_and_python_objects(
        tmp_path_factory: pytest.TempPathFactory, texts: list[str], numbers: list[int],
        blobs: list[bytes]) -> None:
    folder = str(tmp_path_factory.mktemp("spool"))
    table = pa.table({"text": pa.array(texts, pa.string())})
    ints = pa.table({"n": pa.array(numbers, pa.int64())})
    obj = (True, {"tables": [table, ints], "blobs": [bytearray(b) for b in blobs],
                  "plain": texts, "proxy": types.MappingProxyType({"k": "v"})})
    back = read_spool(write_spool(obj, folder))
    assert back[0] is True
    assert back[1]["tables"][0].equals(table) and back[1]["tables"][1].equals(ints)
    assert [bytes(b) for b in back[1]["blobs"]] == blobs
    assert back[1]["plain"] == texts and dict(back[1]["proxy"]) == {"k": "v"}
    assert os.listdir(folder) == []  # read_spool removes the file


def test_table_batch_round_trip_keeps_buffers_out_of_band_and_aligned(tmp_path: Path) -> None:
    text = "国家安全" * 50_000
    batch = TableBatch(tables={"documents": pa.table({"doc_id": ["a"], "text": [text]})},
                       excluded=(Exclusion("x.txt", "x", "E102", "unreadable"),))
    path = write_spool((True, batch), str(tmp_path))
    size = Path(path).stat().st_size
    assert Path(path).read_bytes().startswith(MAGIC)
    ok, back = read_spool(path)
    assert ok and back.doc_ids == ["a"] and back.excluded == batch.excluded
    column = back.tables["documents"].column("text")
    assert column.to_pylist() == [text]
    values = column.chunk(0).buffers()[2]
    # the text is a view of the mapped file (not a copy pickled in band): the file is
    # barely larger than the text, and the buffer keeps Arrow's 64-byte alignment
    assert size < values.size + 4096
    assert values.address % ALIGNMENT == 0


def test_mapped_buffers_are_copy_on_write(tmp_path: Path) -> None:
    data = bytearray(b"abc" * 1000)
    back = read_spool(write_spool(data, str(tmp_path)))
    back[0:3] = b"xyz"  # writable: the mapping is private
    assert bytes(back[:6]) == b"xyzabc"


@pytest.mark.parametrize("cut", [0, 5, len(MAGIC) + 4, len(MAGIC) + 12, -1])
def test_an_incomplete_file_is_a_coded_error_and_removed(tmp_path: Path, cut: int) -> None:
    path = write_spool((True, pa.table({"t": ["国家安全" * 100]})), str(tmp_path))
    content = Path(path).read_bytes()
    Path(path).write_bytes(content[:cut] if cut >= 0 else content[:cut - 64])
    with pytest.raises(StoreError) as info:
        read_spool(path)
    assert info.value.code == "E612"
    assert not Path(path).exists()


def test_a_file_that_is_not_a_spool_file_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "other.spool"
    path.write_bytes(b"PICKLE" + b"\0" * 64)
    with pytest.raises(StoreError) as info:
        read_spool(str(path))
    assert info.value.code == "E612" and "no spool header" in info.value.message


@pytest.mark.skipif(not hasattr(os, "writev"), reason="os.writev is POSIX only")
def test_partial_writes_are_resumed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel may write less than asked (a signal, a full pipe ...): the rest follows."""
    real = os.writev
    calls: list[int] = []

    def short_writev(fd: int, buffers: list[memoryview]) -> int:
        # at most 1,000 bytes a call, often ending inside a buffer
        calls.append(len(buffers))
        if len(calls) > 10_000:  # a writer that does not advance would fill the disk
            raise AssertionError("writev called again and again")
        taken, left = [], 1000
        for view in buffers:
            if left <= 0:
                break
            taken.append(view[:left])
            left -= len(taken[-1])
        return real(fd, taken)

    monkeypatch.setattr(os, "writev", short_writev)
    text = "安全" * 20_000
    table = pa.table({"text": [text, "x"], "n": [1, 2]})
    back = read_spool(write_spool((True, table), str(tmp_path)))
    assert back[1].equals(table)
    assert len(calls) > 100  # the write was cut up, and resumed each time
