"""A child process that reads SQLite tables through ADBC into Arrow IPC files.

ADBC's SQLite driver carries its own copy of the SQLite library. Two copies of SQLite in
one process must never open the same database file: POSIX locks belong to the process,
so one copy closing the file drops the locks the other holds (SQLite reports "disk I/O
error", and the run's write lock would be gone). The reader therefore runs in a process of
its own. It gets a JSON list of ``{"sql", "out"}`` on stdin, streams each result into an
Arrow IPC file and prints the file's path when it is complete, so the parent loads one
table while the child reads the next.

Run as ``python -m lendtag.engines.sqlite_export DATABASE``.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    import adbc_driver_sqlite.dbapi as adbc
    import pyarrow as pa

    jobs = json.loads(sys.stdin.read())
    conn = adbc.connect(argv[0])
    try:
        for job in jobs:
            cursor = conn.cursor()
            try:
                cursor.execute(job["sql"])
                reader = cursor.fetch_record_batch()
                with (
                    pa.OSFile(job["out"], "wb") as sink,
                    pa.ipc.new_file(sink, reader.schema) as writer,
                ):
                    for batch in reader:
                        writer.write_batch(batch)
            finally:
                cursor.close()
            sys.stdout.write(job["out"] + "\n")
            sys.stdout.flush()
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
