"""From text to sqlglot's tree: tokenize, screen the tokens, parse, and map back to the text.

The tokens are screened against an allow-list before sqlglot's parser sees them, so a
statement separator, a cast operator, a parameter or a keyword outside the language is
reported at its exact position. Function calls are parsed as plain calls (sqlglot's own
function table is switched off) so the checker sees the name the user wrote.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.parser import Parser
from sqlglot.tokenizer_core import Token, TokenType

from lendtag.expr.errors import (
    ExpressionError,
    ExpressionSyntaxError,
    UnknownNameError,
    UnsupportedConstructError,
)
from lendtag.expr.functions import FUNCTIONS

MAX_LENGTH = 8_000
"""Longest accepted text, in characters."""

MAX_NESTING = 24
"""Deepest accepted nesting of parentheses, function calls and CASE expressions."""

_T = TokenType
_ALLOWED = frozenset(
    {
        _T.VAR, _T.IDENTIFIER, _T.NUMBER, _T.STRING, _T.L_PAREN, _T.R_PAREN, _T.COMMA,
        _T.PLUS, _T.DASH, _T.STAR, _T.SLASH, _T.EQ, _T.NEQ, _T.LT, _T.LTE, _T.GT, _T.GTE,
        _T.AND, _T.OR, _T.NOT, _T.IN, _T.BETWEEN, _T.IS, _T.NULL, _T.TRUE, _T.FALSE,
        _T.CASE, _T.WHEN, _T.THEN, _T.ELSE, _T.END, _T.LIKE, _T.DPIPE, _T.DATE,
    }
)  # fmt: skip
_ALLOWED_IDS = frozenset(id(kind) for kind in _ALLOWED)
_SPELLINGS = {_T.EQ: {"="}, _T.NEQ: {"<>", "!="}, _T.NOT: {"NOT"}}
_STATEMENT_WORDS = frozenset(
    {
        _T.SELECT, _T.FROM, _T.WHERE, _T.WITH, _T.INSERT, _T.UPDATE, _T.DELETE, _T.CREATE,
        _T.DROP, _T.ALTER, _T.UNION, _T.EXCEPT, _T.INTERSECT, _T.VALUES, _T.EXISTS,
        _T.COMMAND, _T.EXECUTE,
    }
)  # fmt: skip
_PARAMETERS = frozenset({_T.PARAMETER, _T.PLACEHOLDER, _T.COLON, _T.SESSION_PARAMETER})
_CASTS = frozenset({"CAST", "TRY_CAST", "SAFE_CAST", "CONVERT"})
_PARENS = frozenset({_T.L_PAREN, _T.R_PAREN})


def _positioned(node_class: type[exp.Expr], **args: Any) -> Any:
    """A primary-parser entry that keeps the token's position on the node it builds."""

    def build(parser: Parser, token: Token) -> exp.Expr:
        return parser.expression(node_class(**args), token=token)

    return build


class _Parser(Parser):
    """sqlglot's parser with its function table emptied and positions kept on literals."""

    FUNCTIONS: ClassVar[dict[str, Any]] = {}
    PRIMARY_PARSERS: ClassVar[dict[TokenType, Any]] = {
        **Parser.PRIMARY_PARSERS,
        _T.NULL: _positioned(exp.Null),
        _T.TRUE: _positioned(exp.Boolean, this=True),
        _T.FALSE: _positioned(exp.Boolean, this=False),
    }


_DIALECT = Dialect()


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
            before.token_type in _STATEMENT_WORDS or before.token_type == _T.L_PAREN
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


def suggest(word: str, choices: list[str]) -> tuple[str, ...]:
    """Up to three close matches for ``word``, exact case-insensitive matches first."""
    lowered = {c.lower(): c for c in choices}
    exact = [lowered[word.lower()]] if word.lower() in lowered else []
    close = difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.6)
    ordered = exact + [lowered[c] for c in close if lowered[c] not in exact]
    return tuple(ordered[:3])


def _did_you_mean(suggestions: tuple[str, ...]) -> str:
    if not suggestions:
        return ""
    return " (did you mean " + " or ".join(repr(s) for s in suggestions) + "?)"


def _screen(text: str, tokens: list[Token]) -> list[ExpressionError]:
    """Errors for tokens outside the language and for nesting beyond MAX_NESTING."""
    errors: list[ExpressionError] = []
    nesting = 0
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        kind = token.token_type  # enum members compared by identity: this loop is hot
        if kind is _T.L_PAREN or kind is _T.CASE:
            nesting += 1
            if nesting > MAX_NESTING:
                errors.append(
                    ExpressionSyntaxError(
                        f"the expression is nested more than {MAX_NESTING} levels deep",
                        source=text,
                        start=token.start,
                        end=token.end + 1,
                        construct="nesting",
                    )
                )
                return errors
        elif kind is _T.R_PAREN or kind is _T.END:
            nesting -= 1
        following = tokens[index + 1] if index < last else None
        if id(kind) in _ALLOWED_IDS:
            if kind is _T.VAR or kind in _SPELLINGS or kind is _T.DATE:
                error = _allowed_token_error(text, token, following)
                if error is not None:
                    errors.append(error)
                    if error.construct == "cast":
                        return errors
            continue
        errors.append(_token_error(text, token, following))
    return errors


def _allowed_token_error(
    text: str, token: Token, following: Token | None
) -> ExpressionError | None:
    """The error of a token of an allowed kind used in a way the language does not allow."""
    kind = token.token_type
    start, end = token.start, token.end + 1
    word = token.text.upper()
    is_call = following is not None and following.token_type is _T.L_PAREN
    if kind is _T.VAR:
        if word in _CASTS and is_call:
            return UnsupportedConstructError(
                f"{word} is not allowed: the language has no casts",
                source=text,
                start=start,
                end=end,
                construct="cast",
            )
        return None
    spellings = _SPELLINGS.get(kind)
    if spellings is not None and word not in spellings:
        return UnsupportedConstructError(
            f"'{token.text}' is not part of the expression language"
            + (" (write NOT)" if kind is _T.NOT else " (write =)"),
            source=text,
            start=start,
            end=end,
            construct=token.text,
        )
    if kind is _T.DATE and (following is None or following.token_type is not _T.STRING):
        return ExpressionSyntaxError(
            "DATE must be followed by a 'YYYY-MM-DD' string"
            ' (a column called date must be written "date")',
            source=text,
            start=start,
            end=end,
            construct="DATE",
        )
    return None


def _token_error(text: str, token: Token, following: Token | None) -> ExpressionError:
    kind = token.token_type
    start, end = token.start, token.end + 1
    word = token.text
    if kind == _T.SEMICOLON:
        return UnsupportedConstructError(
            "';' is not allowed: an expression is a single expression, not statements",
            source=text,
            start=start,
            end=end,
            construct="statement",
        )
    if kind in _STATEMENT_WORDS:
        return UnsupportedConstructError(
            f"sub-queries and statements are not allowed ('{word}')",
            source=text,
            start=start,
            end=end,
            construct="sub-query",
        )
    if kind in _PARAMETERS:
        return UnsupportedConstructError(
            f"parameters are not allowed ('{word}'); the as-of date is AS_OF()",
            source=text,
            start=start,
            end=end,
            construct="parameter",
        )
    if kind == _T.DOT:
        if following is not None and following.token_type == _T.NUMBER:
            message = f"write a number with a digit before the point: 0.{following.text}"
        else:
            message = "qualified names (table.column) are not allowed: write the column name"
        return UnsupportedConstructError(message, source=text, start=start, end=end, construct=".")
    if kind == _T.DCOLON:
        return UnsupportedConstructError(
            "casts ('::') are not allowed",
            source=text,
            start=start,
            end=end,
            construct="cast",
        )
    if kind == _T.DISTINCT:
        return UnsupportedConstructError(
            "DISTINCT (and IS [NOT] DISTINCT FROM) is not part of the expression language",
            source=text,
            start=start,
            end=end,
            construct="IS DISTINCT FROM",
        )
    if kind == _T.OVER:
        return UnsupportedConstructError(
            "window functions (OVER) are not allowed",
            source=text,
            start=start,
            end=end,
            construct="window function",
        )
    if following is not None and following.token_type == _T.L_PAREN and word.isidentifier():
        suggestions = suggest(word, list(FUNCTIONS))
        return UnknownNameError(
            f"unknown function {word.upper()}{_did_you_mean(suggestions)}",
            name=word,
            suggestions=suggestions,
            is_function=True,
            source=text,
            start=start,
            end=end,
        )
    if kind in (_T.CURRENT_DATE, _T.CURRENT_TIMESTAMP, _T.CURRENT_TIME, _T.CURRENT_DATETIME):
        return UnsupportedConstructError(
            f"{word.upper()} is not allowed: an evaluation never reads the clock;"
            " use AS_OF() for the as-of date",
            source=text,
            start=start,
            end=end,
            construct="clock",
        )
    return UnsupportedConstructError(
        f"'{word}' is not part of the expression language",
        source=text,
        start=start,
        end=end,
        construct=kind.name.lower(),
    )


_MISSING = re.compile(r"Required keyword: '(\w+)' missing")
_TOKENIZER_POSITION = re.compile(r"from (\d+):(\d+)\s*$")


def _parse_error(text: str, error: dict[str, Any]) -> ExpressionSyntaxError:
    start = len(error.get("start_context") or "")
    highlight = error.get("highlight") or ""
    description = str(error.get("description") or "invalid expression")
    if description.startswith("Expecting )"):
        message = "missing ')'"
    elif _MISSING.match(description):
        message = f"incomplete expression: '{highlight}' is missing a part"
    elif description.startswith("Invalid expression / Unexpected token"):
        message = f"unexpected '{highlight}'"
    else:
        message = description
    return ExpressionSyntaxError(
        message, source=text, start=start, end=start + len(highlight), construct="syntax"
    )


def _tokenizer_error(text: str, error: TokenError) -> ExpressionSyntaxError:
    cause = str(error.__cause__ or error)
    match = _TOKENIZER_POSITION.search(cause)
    start = int(match.group(2)) if match else len(text)
    if cause.startswith("Missing"):
        quote = cause.split()[1] if len(cause.split()) > 1 else "quote"
        message = f"unterminated quoted text: the closing {quote} is missing"
    else:
        message = "the text cannot be read as an expression"
    return ExpressionSyntaxError(message, source=text, start=start, construct="syntax")


def parse(text: str) -> tuple[exp.Expr | None, SourceMap, list[ExpressionError]]:
    """sqlglot's tree for ``text`` with its source map, or None and the errors found."""
    empty = SourceMap(text, [])
    if len(text) > MAX_LENGTH:
        error = ExpressionSyntaxError(
            f"the expression is longer than {MAX_LENGTH} characters",
            source=text,
            start=MAX_LENGTH,
            construct="length",
        )
        return None, empty, [error]
    if "\x00" in text:
        error = ExpressionSyntaxError(
            "the text contains a NUL character", source=text, start=text.index("\x00")
        )
        return None, empty, [error]
    try:
        tokens = _DIALECT.tokenize(text)
    except TokenError as exc:
        return None, empty, [_tokenizer_error(text, exc)]
    source_map = SourceMap(text, tokens)
    if not tokens:
        error = ExpressionSyntaxError("the expression is empty", source=text, start=0, end=0)
        return None, source_map, [error]
    errors = _screen(text, tokens)
    if errors:
        return None, source_map, errors
    parser = _Parser(
        dialect=_DIALECT,
        error_level=ErrorLevel.RAISE,
        error_message_context=len(text) + 1,
        max_errors=20,
    )
    try:
        trees = parser.parse(tokens, text)
    except ParseError as exc:
        found = [_parse_error(text, e) for e in exc.errors] or [
            ExpressionSyntaxError("invalid expression", source=text, start=0)
        ]
        return None, source_map, _unique(found)
    except RecursionError:
        error = ExpressionSyntaxError(
            "the expression is nested too deeply", source=text, start=0, construct="nesting"
        )
        return None, source_map, [error]
    except Exception as exc:  # sqlglot may fail on inputs it was never meant to see
        error = ExpressionSyntaxError(
            f"the text cannot be parsed ({type(exc).__name__})", source=text, start=0
        )
        return None, source_map, [error]
    statements = [tree for tree in trees if tree is not None]
    if not statements:
        error = ExpressionSyntaxError("the expression is empty", source=text, start=0, end=0)
        return None, source_map, [error]
    return statements[0], source_map, []


def _unique(errors: list[ExpressionSyntaxError]) -> list[ExpressionError]:
    seen: set[tuple[int | None, str]] = set()
    out: list[ExpressionError] = []
    for error in errors:
        key = (error.start, error.message)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out
