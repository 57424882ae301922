"""Validated chunks of a file: read and checked in this process, or in a helper process.

Reading and validating a chunk (CSV parsing, one parser pass per column, derived columns)
costs about as much as writing it to the store, and the two need not wait for each other:
for a large file a helper process (``python -m lendtag.ingest.worker``) reads and validates
while the importing process merges the previous chunk and writes it. The helper sees no
database: it gets the :class:`Job` — the file, the kind, the header and the
:class:`~lendtag.ingest.specs.Context` the importing process built inside its transaction —
and sends back, chunk by chunk, exactly what :func:`validate_chunks` gives in-process.

Protocol, over the helper's stdin and stdout: length-prefixed pickles. The importing process
sends one :class:`Job`; the helper sends ``("progress", position)``, ``("chunk",
Validated)``, and finally ``("done", None)`` or ``("error", description)``. A pipe holds
little, so the helper is at most about one chunk ahead: memory stays bounded. If the
importing process fails, it kills the helper; if the helper dies, the import fails (and, being
one transaction, leaves nothing behind).
"""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lendtag.errors import LendtagError
from lendtag.ingest.readers import Cells, Source, Unreadable, open_source
from lendtag.ingest.specs import KINDS, Context
from lendtag.ingest.validate import Checked, ChunkValidator

HELPER_MIN_BYTES = 16 << 20
"""Files at least this large (and machines with two or more CPUs) use a helper process."""

_LENGTH = struct.Struct("<Q")


@dataclass
class Validated:
    """One chunk, read and validated."""

    row_nos: Sequence[int]
    """The row number of each row of ``checked`` (readable rows only)."""
    checked: Checked
    unreadable: list[Unreadable]
    """Rows that could not be read as cells (ragged, not JSON, …)."""
    bad_cells: dict[int, Cells]
    """The cells, as read, of every row with a problem (by position in the chunk)."""

    @property
    def rows_read(self) -> int:
        return len(self.row_nos) + len(self.unreadable)


def validate_chunks(src: Source, validator: ChunkValidator, size: int) -> Iterator[Validated]:
    """The chunks of ``src``, validated in this process."""
    for chunk in src.chunks(size):
        checked = validator.validate(chunk.rows)
        bad = {i: chunk.rows[i] for i in checked.problems}
        yield Validated(chunk.row_nos, checked, chunk.unreadable, bad)


@dataclass
class Job:
    """What the helper needs to read and validate a file."""

    path: str
    kind: str
    header: list[str]
    columns: list[str]
    encoding: str | None
    sheet: str | None
    name: str
    chunk_rows: int
    ctx: Context


def use_helper(path: Path) -> bool:
    """Whether a file is worth a helper process on this machine."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return cpus >= 2 and path.stat().st_size >= HELPER_MIN_BYTES


# -- the importing process's side ----------------------------------------------------------


class Helper:
    """A helper process started ahead of time; :meth:`run` gives its validated chunks."""

    def __init__(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lendtag.ingest.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self.finished = False

    def run(self, job: Job, progress: Callable[[int], None]) -> Iterator[Validated]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        _send(self.proc.stdin, job)
        self.proc.stdin.close()
        while True:
            message = _receive(self.proc.stdout)
            if message is None:
                raise self._died()
            tag, body = message
            if tag == "chunk":
                yield _unpacked(body)
            elif tag == "progress":
                progress(body)
            elif tag == "done":
                self.finished = True
                return
            else:
                self.finished = True
                raise _rebuild(body)

    def _died(self) -> LendtagError:
        code = self.proc.wait()
        self._stderr.seek(0)
        tail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-5:]
        return LendtagError(
            f"the import's validation helper stopped (exit code {code})"
            + (": " + " | ".join(tail) if tail else ""),
            details={"exit_code": code},
        )

    def close(self) -> None:
        """Stop the helper if it is still working; wait for it either way."""
        if self.proc.poll() is None and not self.finished:
            self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        self.proc.wait()
        self._stderr.close()


_EVERY = 8
_chunks_seen = [0]


def collect_cycles() -> None:
    """Collect the young generations every few chunks (the cycle collector is paused).

    The cost of a collection is the objects alive at that moment — about one chunk — so
    collecting after every chunk would cost as much again as validating it; every few chunks
    it costs little, and the few cycles a chunk leaves stay bounded.
    """
    _chunks_seen[0] += 1
    if _chunks_seen[0] % _EVERY == 0:
        gc.collect(1)


def _packed(validated: Validated) -> Validated:
    """The chunk with columns holding no value at all sent as None (rebuilt by the reader)."""
    columns = validated.checked.columns
    for name, values in columns.items():
        if values and values[0] is None and values.count(None) == len(values):
            columns[name] = None  # type: ignore[assignment]
    return validated


def _unpacked(validated: Validated) -> Validated:
    columns = validated.checked.columns
    n = len(validated.row_nos)
    for name, values in columns.items():
        if values is None:
            columns[name] = [None] * n
    return validated


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        return None
    return pickle.loads(data)


def _describe(exc: BaseException) -> dict[str, Any]:
    """An error of the helper, as plain data the importing process turns back into one."""
    return {
        "module": type(exc).__module__,
        "name": type(exc).__qualname__,
        "message": getattr(exc, "message", None) or str(exc),
        "details": getattr(exc, "details", None),
        "text": f"{type(exc).__name__}: {exc}",
    }


def _rebuild(info: dict[str, Any]) -> BaseException:
    cls: Any = None
    if info["module"].startswith("lendtag."):
        cls = getattr(importlib.import_module(info["module"]), info["name"], None)
    if isinstance(cls, type) and issubclass(cls, LendtagError):
        error = cls.__new__(cls)
        Exception.__init__(error, info["message"])
        error.message = info["message"]
        error.details = info["details"] or {}
        return error
    return LendtagError(f"the import's validation helper failed: {info['text']}")


# -- the helper's side ----------------------------------------------------------------------


def _work(job: Job, out: IO[bytes]) -> None:
    kind = KINDS[job.kind]
    src = open_source(
        Path(job.path),
        job.columns,
        lambda position: _send(out, ("progress", position)),
        encoding=job.encoding,
        sheet=job.sheet,
        name=job.name,
    )
    try:
        validator = ChunkValidator(kind, job.header, job.ctx)
        for validated in validate_chunks(src, validator, job.chunk_rows):
            _send(out, ("chunk", _packed(validated)))
            del validated
            collect_cycles()
    finally:
        src.close()


def main() -> None:
    """The helper process: read one job on stdin, answer on stdout."""
    gc.disable()  # see pipeline._no_cycle_collection
    out = sys.stdout.buffer
    job = _receive(sys.stdin.buffer)
    if job is None:
        return
    try:
        _work(job, out)
    except BaseException as exc:
        _send(out, ("error", _describe(exc)))
        raise SystemExit(1) from None
    _send(out, ("done", None))


if __name__ == "__main__":  # run as ``python -m``: use the module by its name, so that
    from lendtag.ingest.worker import main as _main  # what it pickles unpickles anywhere

    _main()
