"""Where compiled SQL runs: inside the store (SQLite, PostgreSQL) or in DuckDB.

``lendtag.engines.base`` says what an engine does for a run, ``store`` is the in-store
engine, ``duck`` the DuckDB engine (imported only when used), ``canonical`` the stored text
of values that every engine writes the same way. See docs/engines.md.
"""
