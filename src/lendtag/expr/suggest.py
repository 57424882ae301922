"""Close matches for a mistyped name, function or keyword, written one way in every message.

A ``Suggester`` holds one list of choices (the schema's names, the functions, the
keywords) and remembers what it found for each word, so a text that misspells the same name
a thousand times runs one search. Each compile makes its own (nothing is kept between
compiles), and searches only for the errors it keeps: one for ``compile_expression``, at
most ``MAX_ERRORS`` for ``check_expression``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_CACHE_SIZE = 1024


class Suggester:
    """Up to three close matches for a word among fixed choices, exact case-insensitive
    matches first."""

    def __init__(self, choices: Iterable[str]) -> None:
        self._lowered: dict[str, str] = {}
        for choice in choices:
            self._lowered.setdefault(choice.lower(), choice)
        self._keys = list(self._lowered)
        self._found: dict[str, tuple[str, ...]] = {}

    def __call__(self, word: str) -> tuple[str, ...]:
        found = self._found.get(word)
        if found is None:
            found = self._search(word)
            if len(self._found) >= _CACHE_SIZE:
                self._found.clear()
            self._found[word] = found
        return found

    def _search(self, word: str) -> tuple[str, ...]:
        lowered = word.lower()
        exact = [self._lowered[lowered]] if lowered in self._lowered else []
        close = difflib.get_close_matches(lowered, self._keys, n=3, cutoff=0.6)
        ordered = exact + [self._lowered[c] for c in close if self._lowered[c] not in exact]
        return tuple(ordered[:3])


def did_you_mean(suggestions: tuple[str, ...]) -> str:
    """`` (did you mean 'a' or 'b'?)``, or nothing when there is no suggestion."""
    if not suggestions:
        return ""
    return " (did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?)"


KEYWORDS = (
    "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "LIKE", "CASE", "WHEN", "THEN",
    "ELSE", "END", "TRUE", "FALSE", "DATE",
)  # fmt: skip
