"""Catalog exchange on the facade (mixed into :class:`lendtag.core.Lendtag`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from lendtag.errors import InputError
from lendtag.store import audit
from lendtag.store.db import Store
from lendtag.tags import bulk
from lendtag.tags.definitions import Catalog
from lendtag.tags.exchange import catalog_json_schema, dump_catalog, load_catalog_file
from lendtag.tags.standard import load_standard


def counts(cat: Catalog) -> dict[str, int]:
    return {
        "dimensions": len(cat.dimensions),
        "features": len(cat.features),
        "tags": len(cat.tags),
        "segments": len(cat.segments),
    }


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _codes(rows: list[dict[str, Any]]) -> list[str]:
    """``kind:code@version`` of each definition an operation touched (for the audit log)."""
    return [f"{r['kind']}:{r['code']}@{r['version']}" for r in rows]


class CatalogOperations:
    """Load the standard catalog, import, publish in bulk, export, validate, schema."""

    store: Store

    def catalog_load_standard(self, by: str = "lendtag") -> dict[str, Any]:
        self.store.require_migrated()
        with self.store.write() as conn:
            doc = bulk.load_standard_into(conn, by)
            audit.append(
                conn,
                "catalog.load_standard",
                object_type="catalog",
                object_id="standard",
                details={
                    "author": by,
                    "published": doc["published"],
                    "unchanged": doc["unchanged"],
                    "kept": [f"{k['kind']}:{k['code']}" for k in doc["kept"]],
                },
            )
            return doc

    def catalog_export(self, status: str = "published") -> tuple[str, dict[str, Any]]:
        """The YAML text of the store's catalog and a summary (counts, SHA-256)."""
        self.store.require_migrated()
        with self.store.read() as conn:
            cat = bulk.export_catalog(conn, status)
        text = dump_catalog(cat)
        summary = {
            "status": status,
            "counts": counts(cat),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        }
        return text, summary

    def catalog_import(self, path: Path, by: str, *, submit: bool = False) -> dict[str, Any]:
        self.store.require_migrated()
        text = _read(path)
        with self.store.write() as conn:
            doc = bulk.import_catalog(conn, text, str(path), by, submit=submit)
            audit.append(
                conn,
                "catalog.import",
                object_type="catalog",
                object_id=path.name[:128],
                details={
                    "author": by,
                    "sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "drafted": _codes(doc["drafted"]),
                    "submitted": _codes(doc["submitted"]),
                    "unchanged": doc["unchanged"],
                },
            )
            return doc

    def catalog_publish(self, by: str) -> dict[str, Any]:
        self.store.require_migrated()
        with self.store.write() as conn:
            doc = bulk.publish_in_review(conn, by)
            audit.append(
                conn,
                "catalog.publish",
                object_type="catalog",
                object_id="in_review",
                details={
                    "reviewer": by,
                    "published": _codes(doc["published"]),
                    "left_in_review": _codes(doc["left_in_review"]),
                },
            )
            return doc

    @staticmethod
    def catalog_validate(path: Path, *, with_standard: bool = False) -> dict[str, Any]:
        """Check a catalog file without a store (optionally as an extension of the
        standard catalog); raises CatalogError listing every problem."""
        base = load_standard() if with_standard else None
        parsed = load_catalog_file(path, base=base)
        return {"file": str(path), "valid": True, "counts": counts(parsed.catalog)}

    @staticmethod
    def catalog_schema() -> dict[str, Any]:
        return catalog_json_schema()
