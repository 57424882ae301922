"""Code lists shipped as Python data modules (no file I/O at call time)."""
