"""The REST API (FastAPI): an app factory over the core, versioned under ``/api/v1``."""

from lendtag.api.app import create_app

__all__ = ["create_app"]
