from lendtag.core.app import Lendtag

__all__ = ["Lendtag"]
