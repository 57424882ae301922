"""Where each part of sqlglot's tree came from: character offsets in the source text.

sqlglot keeps the token positions of identifiers and literals on the nodes it builds
(``meta``); operators and most calls carry none, so their spans are worked out from the
tokens around their operands.
"""

from __future__ import annotations

from bisect import bisect_left

from sqlglot import exp
from sqlglot.tokenizer_core import Token, TokenType

from lendtag.expr.screen import STATEMENT_WORDS

_T = TokenType
_PARENS = frozenset({_T.L_PAREN, _T.R_PAREN})


class SourceMap:
    """Character offsets of sqlglot nodes and tokens in the source text (ends exclusive)."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self._starts = [int(t.start) for t in tokens]
        self._closing: dict[int, int] = {}
        opened: list[int] = []
        for index, token in enumerate(tokens):
            if token.token_type == _T.L_PAREN:
                opened.append(index)
            elif token.token_type == _T.R_PAREN and opened:
                self._closing[opened.pop()] = index

    def _index_at(self, offset: int) -> int | None:
        index = bisect_left(self._starts, offset)
        if index < len(self.tokens) and self._starts[index] == offset:
            return index
        return None

    def own(self, node: exp.Expr) -> tuple[int, int] | None:
        """The node's own token span; a function call's reaches its closing parenthesis."""
        meta = node.meta
        start, end = meta.get("start"), meta.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            return None
        end += 1
        if isinstance(node, exp.Func):
            index = self._index_at(start)
            if index is not None and index + 1 in self._closing:
                end = self.tokens[self._closing[index + 1]].end + 1
        return start, end

    def subtree(self, node: exp.Expr) -> tuple[int, int]:
        """The smallest span covering every positioned token below ``node``."""
        starts: list[int] = []
        ends: list[int] = []
        for child in node.walk():
            span = self.own(child)
            if span is not None:
                starts.append(span[0])
                ends.append(span[1])
        if not starts:
            return 0, len(self.text)
        start, end = min(starts), max(ends)
        before = self.token_before(start)
        while before is not None and (
            before.token_type in STATEMENT_WORDS or before.token_type == _T.L_PAREN
        ):
            start = before.start
            before = self.token_before(start)
        return start, end

    def token_before(self, offset: int) -> Token | None:
        index = bisect_left(self._starts, offset) - 1
        return self.tokens[index] if index >= 0 else None

    def keyword_before(self, offset: int, kinds: frozenset[TokenType]) -> int | None:
        """Start of the nearest token of ``kinds`` before ``offset``, skipping '(' and WHEN."""
        for index in range(bisect_left(self._starts, offset) - 1, -1, -1):
            token = self.tokens[index]
            if token.token_type in kinds:
                return int(token.start)
            if token.token_type not in (_T.L_PAREN, _T.WHEN):
                return None
        return None

    def keyword_after(self, offset: int, kinds: frozenset[TokenType]) -> int | None:
        """End of the nearest token of ``kinds`` at or after ``offset``, skipping ')'."""
        for index in range(bisect_left(self._starts, offset), len(self.tokens)):
            token = self.tokens[index]
            if token.token_type in kinds:
                return int(token.end) + 1
            if token.token_type != _T.R_PAREN:
                return None
        return None

    def between(self, start: int, end: int) -> tuple[int, int] | None:
        """The tokens strictly inside [start, end) other than parentheses: an operator."""
        low, high = bisect_left(self._starts, start), bisect_left(self._starts, end)
        inside = [t for t in self.tokens[low:high] if t.token_type not in _PARENS]
        if not inside:
            return None
        return int(inside[0].start), int(inside[-1].end) + 1

    def call_name(self, node: exp.Expr) -> tuple[int, int] | None:
        """The span of the name of a call that sqlglot parsed into its own node kind
        (``IF(...)``, ``TRIM(...)``), which keeps no position: the word before its '('."""
        start = self.subtree(node)[0]
        index = self._index_at(start)
        if index is None:
            return None
        token = self.tokens[index]
        if token.token_type != _T.L_PAREN:
            following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
            if following is not None and following.token_type == _T.L_PAREN:
                return int(token.start), int(token.end) + 1
            return None
        before = self.tokens[index - 1] if index > 0 else None
        if before is None or before.token_type in _PARENS or not before.text.isidentifier():
            return None
        return int(before.start), int(before.end) + 1
