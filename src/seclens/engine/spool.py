"""Engine stage (scale): spool files, how a pool worker hands a batch's results back.

A worker writes the outcome of a batch to a file and returns only the file's path;
the calling process maps the file into memory and unpickles it from there. The
outcome is pickled with protocol 5 and its large buffers kept *out of band*
(:pep:`574`): the Arrow buffers of the result tables (the documents' text, the
sentence, match and count columns) are written to the file as they are, after the
pickle stream, and the reader gives :func:`pickle.loads` views of the mapped file
instead of copies. Reading a spooled batch therefore costs the calling process (the
one that also writes the store) almost nothing however large the batch is.

Measured on the result tables of a 150 MB corpus (430 MB of Arrow tables): pickled
in band, written, read back and unpickled, 1.8-2.2 s of CPU, of which about 0.7 s in
the reading process; spooled out of band, 0.6 s to write and 0.1 s to read. The
stream is pickled by the standard pickler (cloudpickle only for what it refuses) and
the file written with one ``writev`` call: on 40 batches of 32 reference documents
(3.4 MB of tables each), writing and reading took 2.3-2.7 ms a batch, against
4.2-5.4 ms with cloudpickle and one ``write`` per part; at 1 GB with two workers
the pool worker's spool writing fell from 2.3 s to 1.6 s of CPU.

File layout (all integers unsigned 64-bit little-endian)::

    b"SLSPOOL1" | n | size_0 ... size_{n-1} | part_0 | part_1 ... part_{n-1}

``part_0`` is the pickle stream, ``part_1 ...`` its out-of-band buffers in the order
the pickler produced them. Each part starts at a multiple of :data:`ALIGNMENT` bytes
(zero padding before it), so that the Arrow buffers keep the 64-byte alignment Arrow
allocates with.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import struct
import tempfile
from typing import Any

import cloudpickle

from seclens.errors import StoreError

#: First bytes of a spool file (format version 1).
MAGIC = b"SLSPOOL1"

#: Every part of a spool file starts at a multiple of this many bytes.
ALIGNMENT = 64

_U64 = struct.Struct("<Q")


def write_spool(obj: Any, folder: str) -> str:
    """Pickle ``obj`` into a new spool file in ``folder``; return the file's path.

    Parameters
    ----------
    obj : object
        Anything :mod:`cloudpickle` pickles. Buffers that support protocol-5
        out-of-band pickling (Arrow buffers, NumPy arrays, :class:`bytearray` ...) are
        written raw after the pickle stream; a buffer that is not contiguous stays in
        the stream.
    folder : str
        An existing folder (the pool's spool folder).

    Returns
    -------
    str
        Path of the file; :func:`read_spool` reads and removes it.

    Raises
    ------
    OSError
        When the file cannot be written (full disk ...).
    """
    raw: list[memoryview] = []

    def out_of_band(buffer: pickle.PickleBuffer) -> bool:
        try:
            raw.append(buffer.raw())
        except BufferError:  # not contiguous: pickle it in band
            return True
        return False

    try:
        # the standard pickler is twice as fast on result tables; cloudpickle for
        # what it refuses (types.MappingProxyType in stage objects, local functions)
        stream = pickle.dumps(obj, protocol=5, buffer_callback=out_of_band)
    except (pickle.PicklingError, TypeError, AttributeError):
        raw.clear()
        stream = cloudpickle.dumps(obj, protocol=5, buffer_callback=out_of_band)
    parts: list[bytes | memoryview] = [stream, *raw]
    header = MAGIC + _U64.pack(len(parts)) + b"".join(
        _U64.pack(memoryview(part).nbytes) for part in parts)
    chunks: list[bytes | memoryview] = [header]
    position = len(header)
    for part in parts:
        padding = -position % ALIGNMENT
        if padding:
            chunks.append(_ZEROS[:padding])
        chunks.append(part)
        position += padding + memoryview(part).nbytes
    fd, name = tempfile.mkstemp(dir=folder, suffix=".spool")
    try:
        _write_all(fd, chunks)
    finally:
        os.close(fd)
    return name


_ZEROS = bytes(ALIGNMENT)


def _write_all(fd: int, chunks: list[bytes | memoryview]) -> None:
    """Write ``chunks`` to ``fd`` with as few system calls as the platform allows."""
    if not hasattr(os, "writev"):  # Windows
        for chunk in chunks:
            view = memoryview(chunk)
            while view.nbytes:
                view = view[os.write(fd, view):]
        return
    limit = 1024  # IOV_MAX on Linux and macOS
    views = [memoryview(c).cast("B") for c in chunks]
    first = 0  # views[first:] are still to write
    while first < len(views):
        done = os.writev(fd, views[first:first + limit])
        if done == 0:
            raise OSError(f"writing a spool file: no progress ({len(views) - first} parts left)")
        while first < len(views) and done >= views[first].nbytes:  # written in full
            done -= views[first].nbytes
            first += 1
        if done:  # written in part
            views[first] = views[first][done:]


def read_spool(path: str) -> Any:
    """The object spooled by :func:`write_spool` in ``path``; the file is removed.

    The file is mapped copy-on-write: the unpickled object's large buffers are views
    of the mapping (writable; a write copies the page, never changes the file). The
    mapping is released when the last of them is freed; the file's name is removed at
    once.

    Parameters
    ----------
    path : str

    Returns
    -------
    object

    Raises
    ------
    StoreError
        ``E612`` when the file is not a complete spool file (a worker that died while
        writing it).
    """
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < len(MAGIC) + _U64.size:
                raise _damaged(path, f"{size} bytes")
            mapped = mmap.mmap(fh.fileno(), size, access=mmap.ACCESS_COPY)
    finally:
        # a system that refuses to remove a mapped file (Windows) leaves it to the
        # removal of the spool folder at the end of the run
        with contextlib.suppress(PermissionError):
            if os.path.exists(path):
                os.unlink(path)
    view = memoryview(mapped)
    if bytes(view[:len(MAGIC)]) != MAGIC:
        raise _damaged(path, "no spool header")
    position = len(MAGIC)
    (count,) = _U64.unpack_from(view, position)
    position += _U64.size
    if count < 1 or position + count * _U64.size > size:
        raise _damaged(path, f"{count} parts in {size} bytes")
    sizes = [_U64.unpack_from(view, position + i * _U64.size)[0] for i in range(count)]
    position += count * _U64.size
    parts = []
    for nbytes in sizes:
        position += -position % ALIGNMENT
        if position + nbytes > size:
            raise _damaged(path, f"a part of {nbytes} bytes ends beyond {size} bytes")
        parts.append(view[position:position + nbytes])
        position += nbytes
    return pickle.loads(parts[0], buffers=parts[1:])


def _damaged(path: str, what: str) -> StoreError:
    return StoreError("E612", f"a worker's result file {path} is incomplete ({what}): "
                              "the worker process died while writing it")
