"""The token screen: every token is checked against an allow-list before sqlglot parses.

A statement separator, a cast operator, a parameter or a keyword outside the language is
reported at its exact position, and nesting beyond ``MAX_NESTING`` stops here. The screen
runs left to right, so its errors come in text order; past the collector's limit it only
counts them.
"""

from __future__ import annotations

from sqlglot.tokenizer_core import Token, TokenType

from lendtag.expr.errors import (
    Collector,
    ExpressionError,
    ExpressionSyntaxError,
    UnknownNameError,
    UnsupportedConstructError,
)
from lendtag.expr.functions import FUNCTIONS
from lendtag.expr.suggest import Suggester, did_you_mean

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
STATEMENT_WORDS = frozenset(
    {
        _T.SELECT, _T.FROM, _T.WHERE, _T.WITH, _T.INSERT, _T.UPDATE, _T.DELETE, _T.CREATE,
        _T.DROP, _T.ALTER, _T.UNION, _T.EXCEPT, _T.INTERSECT, _T.VALUES, _T.EXISTS,
        _T.COMMAND, _T.EXECUTE,
    }
)  # fmt: skip
_PARAMETERS = frozenset({_T.PARAMETER, _T.PLACEHOLDER, _T.COLON, _T.SESSION_PARAMETER})
_CLOCK = frozenset({_T.CURRENT_DATE, _T.CURRENT_TIMESTAMP, _T.CURRENT_TIME, _T.CURRENT_DATETIME})
_CASTS = frozenset({"CAST", "TRY_CAST", "SAFE_CAST", "CONVERT"})


def screen(text: str, tokens: list[Token], errors: Collector) -> None:
    """Report tokens outside the language and nesting beyond MAX_NESTING to ``errors``."""
    functions = Suggester(FUNCTIONS)
    nesting = 0
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        kind = token.token_type  # enum members compared by identity: this loop is hot
        if kind is _T.L_PAREN or kind is _T.CASE:
            nesting += 1
            if nesting > MAX_NESTING:
                if errors.room():
                    errors.add(
                        ExpressionSyntaxError(
                            f"the expression is nested more than {MAX_NESTING} levels deep",
                            source=text,
                            start=token.start,
                            end=token.end + 1,
                            construct="nesting",
                        )
                    )
                return
        elif kind is _T.R_PAREN or kind is _T.END:
            nesting -= 1
        following = tokens[index + 1] if index < last else None
        if id(kind) in _ALLOWED_IDS:
            if kind is _T.VAR or kind in _SPELLINGS or kind is _T.DATE:
                problem = _misuse(token, following)
                if problem is not None:
                    if errors.room():
                        errors.add(_misuse_error(text, token, problem))
                    if problem == "cast":
                        return
            continue
        if errors.room():
            errors.add(_token_error(text, token, following, functions))


def _misuse(token: Token, following: Token | None) -> str | None:
    """What is wrong with a token of an allowed kind used in a way the language does not
    allow: "cast", "spelling" or "date"; None when nothing is."""
    kind = token.token_type
    if kind is _T.VAR:
        is_call = following is not None and following.token_type is _T.L_PAREN
        return "cast" if is_call and token.text.upper() in _CASTS else None
    spellings = _SPELLINGS.get(kind)
    if spellings is not None and token.text.upper() not in spellings:
        return "spelling"
    if kind is _T.DATE and (following is None or following.token_type is not _T.STRING):
        return "date"
    return None


def _misuse_error(text: str, token: Token, problem: str) -> ExpressionError:
    start, end = token.start, token.end + 1
    if problem == "cast":
        return UnsupportedConstructError(
            f"{token.text.upper()} is not allowed: the language has no casts",
            source=text,
            start=start,
            end=end,
            construct="cast",
        )
    if problem == "spelling":
        return UnsupportedConstructError(
            f"'{token.text}' is not part of the expression language"
            + (" (write NOT)" if token.token_type is _T.NOT else " (write =)"),
            source=text,
            start=start,
            end=end,
            construct=token.text,
        )
    return ExpressionSyntaxError(
        "DATE must be followed by a 'YYYY-MM-DD' string"
        ' (a column called date must be written "date")',
        source=text,
        start=start,
        end=end,
        construct="DATE",
    )


def _token_error(
    text: str, token: Token, following: Token | None, functions: Suggester
) -> ExpressionError:
    kind = token.token_type
    start, end = token.start, token.end + 1
    word = token.text

    def unsupported(message: str, construct: str) -> ExpressionError:
        return UnsupportedConstructError(
            message, source=text, start=start, end=end, construct=construct
        )

    if kind == _T.SEMICOLON:
        return unsupported(
            "';' is not allowed: an expression is a single expression, not statements",
            "statement",
        )
    if kind in STATEMENT_WORDS:
        return unsupported(f"sub-queries and statements are not allowed ('{word}')", "sub-query")
    if kind in _PARAMETERS:
        return unsupported(
            f"parameters are not allowed ('{word}'); the as-of date is AS_OF()", "parameter"
        )
    if kind == _T.DOT:
        if following is not None and following.token_type == _T.NUMBER:
            return unsupported(
                f"write a number with a digit before the point: 0.{following.text}", "."
            )
        return unsupported(
            "qualified names (table.column) are not allowed: write the column name", "."
        )
    if kind == _T.DCOLON:
        return unsupported("casts ('::') are not allowed", "cast")
    if kind == _T.DISTINCT:
        return unsupported(
            "DISTINCT (and IS [NOT] DISTINCT FROM) is not part of the expression language",
            "IS DISTINCT FROM",
        )
    if kind == _T.OVER:
        return unsupported("window functions (OVER) are not allowed", "window function")
    if following is not None and following.token_type == _T.L_PAREN and word.isidentifier():
        suggestions = functions(word)
        return UnknownNameError(
            f"unknown function '{word}'{did_you_mean(suggestions)}",
            name=word,
            suggestions=suggestions,
            is_function=True,
            source=text,
            start=start,
            end=end,
        )
    if kind in _CLOCK:
        return unsupported(
            f"{word.upper()} is not allowed: an evaluation never reads the clock;"
            " use AS_OF() for the as-of date",
            "clock",
        )
    return unsupported(f"'{word}' is not part of the expression language", kind.name.lower())
