"""The Python back end: the checked tree becomes the source of one Python function.

The source is generated from the checked tree only: user names appear solely as ``repr``
string keys of ``row.get(...)``, literal values as ``repr`` of ints, floats and strings
or as closure constants; the function is compiled once with no builtins available.
NULL is ``None``; three-valued AND/OR/NOT, IN and comparisons are written out inline
(``_visit_<node kind>`` per node kind; the functions in ``python_calls``, the shared moves
in ``python_code``), so evaluation costs little more than a hand-written function.

Every input is checked by its class before use (one class test per name read, converting
the few other acceptable kinds in ``runtime``), so an input of the wrong kind is an
``EvaluationError``, never a Python error from deep inside; an arithmetic result too large
for a double is one as well.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from lendtag.expr import nodes as n
from lendtag.expr import runtime
from lendtag.expr.python_calls import CallWriter
from lendtag.expr.python_code import WIDE, Code
from lendtag.expr.types import Type

Value = int | float | str | bool | datetime.date | None


class Evaluator(Protocol):
    """A compiled expression: ``f(row, as_of=None)`` gives its value for one row."""

    def __call__(self, row: Mapping[str, Any], as_of: Any = None) -> Value: ...


_HELPERS: dict[str, Any] = {
    "_float": float,
    "_abs": abs,
    "_len": len,
    "_round": runtime.round_half_away,
    "_least": runtime.least,
    "_greatest": runtime.greatest,
    "_in": runtime.in_list,
    "_like": runtime.like,
    "_lower": runtime.lower_ascii,
    "_upper": runtime.upper_ascii,
    "_months": runtime.months_between,
    "_additive": runtime.additive,
    "_concat": runtime.concat,
    "_first_true": runtime.first_true,
    "_first_not_null": runtime.first_not_null,
    "_years": runtime.years_between,
    "_to_number": runtime.to_number,
    "_to_integer": runtime.to_integer,
    "_to_text": runtime.to_text,
    "_to_date": runtime.to_date,
    "_to_bool": runtime.to_bool,
    "_missing_as_of": runtime.missing_as_of,
    "_overflow": runtime.overflow,
    "_OverflowError": OverflowError,
    "_numbers": frozenset({float, int, type(None)}),
    "_int": int,
    "_str": str,
    "_date": datetime.date,
    "_bool": bool,
}
# Per input type: the test (on local ``v``) that sends a value to its converter, which
# returns the value as the type's Python class or raises EvaluationError.
_INPUTS: dict[Type, tuple[str, str]] = {
    Type.NUMBER: ("{v}.__class__ not in _numbers", "_to_number"),
    Type.INTEGER: ("{v} is not None and {v}.__class__ is not _int", "_to_integer"),
    Type.TEXT: ("{v} is not None and {v}.__class__ is not _str", "_to_text"),
    Type.BOOLEAN: ("{v} is not None and {v}.__class__ is not _bool", "_to_bool"),
    Type.DATE: ("{v} is not None and {v}.__class__ is not _date", "_to_date"),
}
_COMPARE = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class PythonCompiler(CallWriter):
    """Generates and compiles the function for one tree (or for any part of it)."""

    # -- leaves ------------------------------------------------------------------------------

    def _visit_Literal(self, node: n.Literal) -> Code:
        value = node.value
        if value is None:
            return Code("None", simple=True)
        if isinstance(value, datetime.date):
            return Code(self.constant(value), simple=True, nullable=False)
        return Code(f"({value!r})", simple=True, nullable=False)

    def _visit_Invalid(self, node: n.Invalid) -> Code:
        raise AssertionError("an expression with errors is never compiled")

    def _visit_Name(self, node: n.Name) -> Code:
        local = self._locals.get(node.name)
        if local is None:
            local = f"v{len(self._locals)}"
            self._locals[node.name] = local
            self._name_types[node.name] = node.type
        return Code(local, simple=True)

    def _visit_AsOf(self, node: n.AsOf) -> Code:
        self._uses_as_of = True
        return Code("as_of", simple=True, nullable=False)

    # -- operators ---------------------------------------------------------------------------

    def _visit_Negate(self, node: n.Negate) -> Code:
        return self.strict([self.code(node.operand)], lambda v: f"-{v[0]}")

    def _visit_Additive(self, node: n.Additive) -> Code:
        if len(node.terms) > WIDE:
            listed = ", ".join(self.code(t).text for t in node.terms)
            return Code(f"_additive(({listed},), {''.join(node.ops)!r})")

        def build(values: list[str]) -> str:
            out = values[0]
            for op, value in zip(node.ops, values[1:], strict=True):
                out += f" {op} {value}"
            return out

        return self.strict([self.code(t) for t in node.terms], build)

    def _visit_Arithmetic(self, node: n.Arithmetic) -> Code:
        left, right = self.code(node.left), self.code(node.right)
        if node.op == "*":
            return self.strict([left, right], lambda v: f"{v[0]} * {v[1]}")
        checks: list[str] = []
        if left.nullable:
            left_first, left_value = self.bind(left)
            checks.append(f"{left_first} is None")
        else:
            left_value = left.text
        if isinstance(node.right, n.Literal) and node.right.value not in (None, 0):
            right_value = right.text
        else:
            right_first, right_value = self.bind(right)
            if right.nullable:
                checks.append(f"{right_first} is None")
                checks.append(f"{right_value} == 0")
            else:
                checks.append(f"{right_first} == 0")
        if not checks:
            return Code(f"({left_value} / {right_value})", nullable=False)
        return Code(f"(None if {' or '.join(checks)} else {left_value} / {right_value})")

    def _visit_Comparison(self, node: n.Comparison) -> Code:
        op = _COMPARE[node.op]
        parts = [self.code(node.left), self.code(node.right)]
        return self.strict(parts, lambda v: f"{v[0]} {op} {v[1]}")

    def _visit_Logical(self, node: n.Logical) -> Code:
        return self.conjunction([self.code(p) for p in node.operands], node.op)

    def _visit_Not(self, node: n.Not) -> Code:
        return self.negate(self.code(node.operand))

    def _visit_InList(self, node: n.InList) -> Code:
        operand = self.code(node.operand)
        items = node.items
        if all(isinstance(i, n.Literal) for i in items):
            values = [i.value for i in items if isinstance(i, n.Literal)]
            known = frozenset(v for v in values if v is not None)
            miss = "None" if None in values else "False"
            table = self.constant(known)
            if miss == "False":
                result = self.strict([operand], lambda v: f"{v[0]} in {table}")
            else:
                result = self.strict([operand], lambda v: f"(True if {v[0]} in {table} else None)")
                result = Code(result.text)
        else:
            codes = [self.code(i) for i in items]
            listed = ", ".join(c.text for c in codes)
            result = self.strict([operand], lambda v: f"_in({v[0]}, ({listed},))")
            result = Code(result.text)
        return self.negate(result) if node.negated else result

    def _visit_Between(self, node: n.Between) -> Code:
        operand = self.code(node.operand)
        first, later = self.bind(operand)
        value = Code(later, simple=True, nullable=False)
        low = self.strict([value, self.code(node.low)], lambda v: f"{v[0]} >= {v[1]}")
        high = self.strict([value, self.code(node.high)], lambda v: f"{v[0]} <= {v[1]}")
        inside = self.conjunction([low, high], "AND")
        if operand.simple and not operand.nullable:
            result = inside
        else:
            nullable = operand.nullable or inside.nullable
            result = Code(f"(None if {first} is None else {inside.text})", nullable=nullable)
        return self.negate(result) if node.negated else result

    def _visit_IsNull(self, node: n.IsNull) -> Code:
        operand = self.code(node.operand)
        if not operand.nullable:
            return Code("True" if node.negated else "False", simple=True, nullable=False)
        op = "is not" if node.negated else "is"
        return Code(f"({operand.text} {op} None)", nullable=False)

    def _visit_Like(self, node: n.Like) -> Code:
        operand = self.code(node.operand)
        pattern = node.pattern
        if isinstance(pattern, n.Literal) and isinstance(pattern.value, str):
            matcher = self.constant(runtime.like_matcher(pattern.value))
            result = self.strict([operand], lambda v: f"{matcher}({v[0]})")
        elif isinstance(pattern, n.Literal):
            result = Code("None", simple=True)
        else:
            parts = [operand, self.code(pattern)]
            result = self.strict(parts, lambda v: f"_like({v[0]}, {v[1]})")
        return self.negate(result) if node.negated else result

    def _visit_Concat(self, node: n.Concat) -> Code:
        if len(node.parts) > WIDE:
            return Code(f"_concat(({', '.join(self.code(p).text for p in node.parts)},))")
        return self.strict([self.code(p) for p in node.parts], lambda v: " + ".join(v))

    def _visit_Case(self, node: n.Case) -> Code:
        if len(node.whens) > WIDE:
            return self._wide_case(node)
        arms: list[str] = []
        nullable = node.default is None
        if node.operand is None:
            for condition, result in node.whens:
                arm = self.as_number(result, node.type)
                nullable = nullable or arm.nullable
                arms.append(f"{arm.text} if {self.code(condition).text} else")
        else:
            operand = self.code(node.operand)
            first, later = self.bind(operand)
            for index, (value, result) in enumerate(node.whens):
                subject = first if index == 0 else later
                test = f"{subject} == {self.code(value).text}"
                if operand.nullable:
                    test = f"({subject} is not None and {later} == {self.code(value).text})"
                arm = self.as_number(result, node.type)
                nullable = nullable or arm.nullable
                arms.append(f"{arm.text} if {test} else")
        default = "None" if node.default is None else self.as_number(node.default, node.type)
        default_text = default if isinstance(default, str) else default.text
        if not isinstance(default, str):
            nullable = nullable or default.nullable
        return Code(f"({' '.join(arms)} {default_text})", nullable=nullable)

    def _wide_case(self, node: n.Case) -> Code:
        pairs: list[str] = []
        if node.operand is None:
            for condition, result in node.whens:
                arm = self.as_number(result, node.type).text
                pairs.append(f"({self.code(condition).text}, {arm})")
        else:
            first, later = self.bind(self.code(node.operand))
            for index, (value, result) in enumerate(node.whens):
                subject = first if index == 0 else later
                test = f"({subject} is not None and {later} == {self.code(value).text})"
                pairs.append(f"({test}, {self.as_number(result, node.type).text})")
        default = "None" if node.default is None else self.as_number(node.default, node.type).text
        return Code(f"_first_true(({', '.join(pairs)},), {default})")

    # -- the function ------------------------------------------------------------------------

    def source(self, node: n.Node) -> str:
        """The Python source of a factory that returns the evaluation function."""
        body = self.code(node).text
        lines = ["def _lendtag_expression(row, as_of=None):"]
        if len(self._locals) > 1:
            lines.append("    get = row.get")
            getter = "get"
        else:
            getter = "row.get"
        for name, local in self._locals.items():
            lines.append(f"    {local} = {getter}({name!r})")
            test, convert = _INPUTS[self._name_types[name]]
            lines.append(f"    if {test.format(v=local)}:")
            lines.append(f"        {local} = {convert}({local}, {name!r})")
        if self._uses_as_of:
            lines.append("    if as_of is None:")
            lines.append("        raise _missing_as_of()")
            lines.append("    if as_of.__class__ is not _date:")
            lines.append("        as_of = _to_date(as_of, 'as_of')")
        lines.append("    try:")
        lines.append(f"        return {body}")
        lines.append("    except _OverflowError:")
        lines.append("        raise _overflow() from None")
        parameters = ", ".join([*self._constants, *_HELPERS])
        inner = "\n".join("    " + line for line in lines)
        return f"def _make({parameters}):\n{inner}\n    return _lendtag_expression\n"

    def compile(self, node: n.Node) -> tuple[Evaluator, str]:
        """The evaluation function ``f(row, as_of=None)`` for ``node``, and its source."""
        source = self.source(node)
        namespace: dict[str, Any] = {"__builtins__": {}}
        exec(compile(source, "<lendtag.expr>", "exec"), namespace)
        factory: Callable[..., Evaluator] = namespace["_make"]
        return factory(*self._constants.values(), *_HELPERS.values()), source


def compile_python(node: n.Node) -> tuple[Evaluator, str]:
    """Compile a checked tree to a Python function; returns the function and its source."""
    return PythonCompiler().compile(node)
