"""From text to sqlglot's tree: tokenize, screen the tokens, parse, and map back to the text.

The tokens are screened against an allow-list (``screen``) before sqlglot's parser sees
them. Function calls are parsed as plain calls (sqlglot's own function table is switched
off) so the checker sees the name the user wrote. sqlglot's own parse errors are reworded
here: a misspelled operator (``a > 1 ADN b``) is reported at the misspelling, a CASE
without END as such.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.parser import Parser
from sqlglot.tokenizer_core import Token, TokenType

from lendtag.expr.errors import Collector, ExpressionError, ExpressionSyntaxError
from lendtag.expr.screen import MAX_NESTING, screen
from lendtag.expr.source_map import SourceMap
from lendtag.expr.suggest import KEYWORDS, Suggester, did_you_mean

__all__ = ["MAX_LENGTH", "MAX_NESTING", "SourceMap", "parse", "stray_message"]

MAX_LENGTH = 8_000
"""Longest accepted text, in characters."""

_T = TokenType
# A token that ends an operand, and one that starts another: side by side, with no
# operator between them, the second is out of place (``1 ADN b``, ``t LIEK 'a%'``).
_OPERAND_ENDS = frozenset(
    {_T.VAR, _T.IDENTIFIER, _T.NUMBER, _T.STRING, _T.R_PAREN, _T.NULL, _T.TRUE, _T.FALSE, _T.END}
)
_OPERAND_STARTS = frozenset({_T.VAR, _T.IDENTIFIER, _T.NUMBER, _T.STRING})


def _positioned(node_class: type[exp.Expr], **args: Any) -> Any:
    """A primary-parser entry that keeps the token's position on the node it builds."""

    def build(parser: Parser, token: Token) -> exp.Expr:
        return parser.expression(node_class(**args), token=token)

    return build


class _Parser(Parser):
    """sqlglot's parser with its function table emptied, positions kept on literals, and
    its errors recorded as (description, start, end) in constant time each: sqlglot's own
    error objects copy the text around the error, which costs a long text with many
    errors quadratic time. At ``limit`` errors the parse stops; past it they are counted."""

    FUNCTIONS: ClassVar[dict[str, Any]] = {}
    PRIMARY_PARSERS: ClassVar[dict[TokenType, Any]] = {
        **Parser.PRIMARY_PARSERS,
        _T.NULL: _positioned(exp.Null),
        _T.TRUE: _positioned(exp.Boolean, this=True),
        _T.FALSE: _positioned(exp.Boolean, this=False),
    }

    def setup(self, limit: int, stop: bool) -> None:
        self.problems: list[tuple[str, int, int]] = []
        self.more = 0
        self.limit = limit
        self.stop = stop

    def raise_error(self, message: str, token: Token | None = None) -> None:
        if self.error_level == ErrorLevel.IMMEDIATE:
            raise ParseError(message)  # sqlglot trying one reading: it catches this itself
        if not token:
            token = self._curr or self._prev or Token.string("")
        if len(self.problems) < self.limit:
            self.problems.append((message, int(token.start), int(token.end) + 1))
        else:
            self.more += 1
        if not self.errors:
            self.errors.append(ParseError(message))  # makes the statement fail at its end
        if self.stop and len(self.problems) >= self.limit:
            raise ParseError(message)


_DIALECT = Dialect()


def stray_message(word: str, shown: str, *, after: str | None) -> str:
    """The message for an operand where an operator should be: ``unexpected 'ADN' (did
    you mean 'AND'?)``. ``shown`` is how the message quotes it; ``after`` quotes the operand
    before it, None when it stands at the end of the text."""
    hint = did_you_mean(Suggester(KEYWORDS)(word)) if _keyword_like(word) else ""
    if hint:
        return f"unexpected {shown}{hint}"
    if after is None:
        return f"unexpected {shown} after the expression"
    return f"unexpected {shown}: an operator is missing between {after} and {shown}"


_MISSING = re.compile(r"Required keyword: '(\w+)' missing")
_TOKENIZER_POSITION = re.compile(r"from (\d+):(\d+)\s*$")


def _keyword_like(word: str) -> bool:
    """Whether a stray word may be a misspelled keyword (not a one- or two-letter name)."""
    return len(word) >= 3 and word.isidentifier()


def _parse_errors(
    text: str, tokens: list[Token], problems: list[tuple[str, int, int]]
) -> list[ExpressionError]:
    """sqlglot's parse errors in the language's words; a word out of place up to where the
    parser stumbled is the real mistake and is reported alone."""
    found = [_parse_error(text, tokens, *problem) for problem in problems]
    first = found[0].start if found and found[0].start is not None else 0
    stray = _stray(tokens, min(_token_index(tokens, first) + 1, len(tokens) - 1))
    if stray is not None:
        before, token = tokens[stray - 1], tokens[stray]
        message = stray_message(token.text, _shown(text, token), after=_shown(text, before))
        return [
            ExpressionSyntaxError(
                message, source=text, start=token.start, end=token.end + 1, construct="syntax"
            )
        ]
    if not found:
        return [ExpressionSyntaxError("invalid expression", source=text, start=0)]
    return _unique(found)


def _parse_error(
    text: str, tokens: list[Token], description: str, start: int, end: int
) -> ExpressionSyntaxError:
    highlight = text[start:end]
    if description.startswith("Expected END after CASE"):
        return _missing_end(text, tokens, start)
    if description.startswith("Expecting )"):
        message = "missing ')'"
    elif description.startswith("Expecting ("):
        message = "missing '('"
    elif _MISSING.match(description):
        message = f"incomplete expression: '{highlight}' is missing a part"
    elif description.startswith("Invalid expression / Unexpected token"):
        message = f"unexpected '{highlight}'"
    else:
        message = description
    return ExpressionSyntaxError(message, source=text, start=start, end=end, construct="syntax")


def _missing_end(text: str, tokens: list[Token], last: int) -> ExpressionSyntaxError:
    """A CASE that is not closed: the caret where END belongs, the message names the CASE."""
    index = _token_index(tokens, last)
    open_cases: list[Token] = []
    for token in tokens[: index + 1]:
        if token.token_type is _T.CASE:
            open_cases.append(token)
        elif token.token_type is _T.END and open_cases:
            open_cases.pop()
    where = int(tokens[index + 1].start) if index + 1 < len(tokens) else len(text)
    message = "missing END to close the CASE"
    if open_cases:
        case = int(open_cases[-1].start)
        line = text.count("\n", 0, case) + 1
        column = case - (text.rfind("\n", 0, case) + 1) + 1
        message += f" at line {line}, column {column}"
    return ExpressionSyntaxError(message, source=text, start=where, end=where + 1, construct="CASE")


def _token_index(tokens: list[Token], offset: int) -> int:
    """The index of the last token starting at or before ``offset`` (0 if none)."""
    index = 0
    low, high = 0, len(tokens)
    while low < high:  # bisect on the start offsets
        middle = (low + high) // 2
        if tokens[middle].start <= offset:
            index, low = middle, middle + 1
        else:
            high = middle
    return index


def _stray(tokens: list[Token], last: int) -> int | None:
    """The index of the first operand that follows another with no operator between them,
    looking no further than token ``last``."""
    for index in range(1, last + 1):
        if (
            tokens[index].token_type in _OPERAND_STARTS
            and tokens[index - 1].token_type in _OPERAND_ENDS
        ):
            return index
    return None


def _shown(text: str, token: Token) -> str:
    """A token as a message quotes it: quoted text and names as written, words in quotes."""
    if token.token_type in (_T.STRING, _T.IDENTIFIER):
        return text[token.start : token.end + 1]
    return f"'{token.text}'"


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


def parse(text: str, errors: Collector) -> tuple[exp.Expr | None, SourceMap]:
    """sqlglot's tree for ``text`` with its source map; None when ``errors`` got some."""
    empty = SourceMap(text, [])
    if len(text) > MAX_LENGTH:
        errors.add(
            ExpressionSyntaxError(
                f"the expression is longer than {MAX_LENGTH} characters",
                source=text,
                start=MAX_LENGTH,
                construct="length",
            )
        )
        return None, empty
    if "\x00" in text:
        errors.add(
            ExpressionSyntaxError(
                "the text contains a NUL character", source=text, start=text.index("\x00")
            )
        )
        return None, empty
    try:
        tokens = _DIALECT.tokenize(text)
    except TokenError as exc:
        errors.add(_tokenizer_error(text, exc))
        return None, empty
    source_map = SourceMap(text, tokens)
    if not tokens:
        errors.add(ExpressionSyntaxError("the expression is empty", source=text, start=0, end=0))
        return None, source_map
    screen(text, tokens, errors)
    if errors.errors or errors.omitted:
        return None, source_map
    parser = _Parser(dialect=_DIALECT, error_level=ErrorLevel.RAISE, max_errors=1)
    parser.setup(errors.limit, errors.stop)
    try:
        trees = parser.parse(tokens, text)
        if parser.problems:  # an error sqlglot caught itself must not pass for a tree
            raise ParseError(parser.problems[0][0])
    except ParseError:
        found = _parse_errors(text, tokens, parser.problems)
        errors.omitted += parser.more
    except RecursionError:
        found = [
            ExpressionSyntaxError(
                "the expression is nested too deeply", source=text, start=0, construct="nesting"
            )
        ]
    except Exception as exc:  # sqlglot may fail on inputs it was never meant to see
        found = [
            ExpressionSyntaxError(
                f"the text cannot be parsed ({type(exc).__name__})", source=text, start=0
            )
        ]
    else:
        statements = [tree for tree in trees if tree is not None]
        if statements:
            return statements[0], source_map
        found = [ExpressionSyntaxError("the expression is empty", source=text, start=0, end=0)]
    for error in found:
        if errors.room():
            errors.add(error)
    return None, source_map


def _unique(errors: list[ExpressionSyntaxError]) -> list[ExpressionError]:
    seen: set[tuple[int | None, str]] = set()
    out: list[ExpressionError] = []
    for error in errors:
        key = (error.start, error.message)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out
