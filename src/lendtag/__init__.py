"""lendtag: customer tags and credit decisions for corporate lending."""

__version__ = "0.1.0"
