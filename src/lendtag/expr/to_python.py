"""The Python back end: the checked tree becomes the source of one Python function.

The source is generated from the checked tree only: user names appear solely as ``repr``
string keys of ``row.get(...)``, literal values as ``repr`` of ints, floats and strings
or as closure constants; the function is compiled once with no builtins available.
NULL is ``None``; three-valued AND/OR/NOT, IN and comparisons are written out inline
(``_visit_<node kind>`` per node kind), so evaluation costs little more than a hand-written
function. Each visit returns the code of a Python expression plus two facts the parent
uses to write less code: whether the code is *simple* (a local or a constant, free to
repeat) and whether it can be NULL.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lendtag.expr import nodes as n
from lendtag.expr import runtime
from lendtag.expr.to_sql import round_digits
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
    "_to_date": runtime.to_date,
    "_to_bool": runtime.to_bool,
    "_missing_as_of": runtime.missing_as_of,
    "_date": datetime.date,
    "_bool": bool,
}
WIDE = 64
"""Beyond this many parts a sum, ||, CASE or COALESCE calls a helper on a flat tuple (all
parts evaluated, which is safe: evaluation has no side effects and raises no errors), so
that the generated code never nests deeper than Python's compiler allows."""
_COMPARE = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True, slots=True)
class Code:
    text: str
    simple: bool = False
    nullable: bool = True


class PythonCompiler:
    """Generates and compiles the function for one tree (or for any part of it)."""

    def __init__(self) -> None:
        self._locals: dict[str, str] = {}
        self._name_types: dict[str, Type] = {}
        self._constants: dict[str, Any] = {}
        self._counter = itertools.count()
        self._uses_as_of = False

    # -- plumbing ---------------------------------------------------------------------------

    def code(self, node: n.Node) -> Code:
        method: Callable[[Any], Code] = getattr(self, f"_visit_{type(node).__name__}")
        return method(node)

    def temp(self) -> str:
        return f"t{next(self._counter)}"

    def constant(self, value: Any) -> str:
        name = f"k{len(self._constants)}"
        self._constants[name] = value
        return name

    def bind(self, code: Code) -> tuple[str, str]:
        """(first use, later uses): a walrus into a temporary unless the code is simple."""
        if code.simple:
            return code.text, code.text
        name = self.temp()
        return f"({name} := {code.text})", name

    def strict(self, parts: list[Code], build: Callable[[list[str]], str]) -> Code:
        """An operation that is NULL when any operand is NULL."""
        checks: list[str] = []
        values: list[str] = []
        for part in parts:
            if part.nullable:
                first, later = self.bind(part)
                checks.append(f"{first} is None")
                values.append(later)
            else:
                values.append(part.text)
        body = build(values)
        if not checks:
            return Code(f"({body})", nullable=False)
        return Code(f"(None if {' or '.join(checks)} else {body})")

    def as_number(self, node: n.Node, target: Type) -> Code:
        """The code of ``node``, turned into a float when an integer stands for a number."""
        code = self.code(node)
        if target != Type.NUMBER or node.type != Type.INTEGER:
            return code
        if isinstance(node, n.Literal) and isinstance(node.value, int):
            return Code(f"({float(node.value)!r})", simple=True, nullable=False)
        return self.strict([code], lambda v: f"_float({v[0]})")

    def negate(self, code: Code) -> Code:
        if not code.nullable:
            return Code(f"(not {code.text})", nullable=False)
        first, later = self.bind(code)
        return Code(f"(None if {first} is None else not {later})")

    def conjunction(self, parts: list[Code], op: str) -> Code:
        """Three-valued AND (op 'AND') or OR over ``parts``, flat and short-circuiting."""
        decisive, other = ("False", "True") if op == "AND" else ("True", "False")
        if not any(p.nullable for p in parts):
            joiner = " and " if op == "AND" else " or "
            return Code(f"({joiner.join(p.text for p in parts)})", nullable=False)
        firsts: list[str] = []
        nulls: list[str] = []
        for part in parts:
            first, later = self.bind(part)
            firsts.append(f"{first} is {decisive}")
            if part.nullable:
                nulls.append(f"{later} is None")
        return Code(
            f"({decisive} if {' or '.join(firsts)} else"
            f" (None if {' or '.join(nulls)} else {other}))"
        )

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

    def _visit_Call(self, node: n.Call) -> Code:
        method: Callable[[n.Call], Code] = getattr(self, f"_function_{node.name.lower()}")
        return method(node)

    # -- functions ---------------------------------------------------------------------------

    def _function_coalesce(self, node: n.Call) -> Code:
        if len(node.args) > WIDE:
            listed = ", ".join(self.as_number(a, node.type).text for a in node.args)
            return Code(f"_first_not_null(({listed},))")
        pieces: list[str] = []
        for arg in node.args:
            code = self.as_number(arg, node.type)
            if not code.nullable:
                pieces.append(code.text)
                return Code(f"({' '.join(pieces)})", nullable=False)
            first, later = self.bind(code)
            pieces.append(f"{later} if {first} is not None else")
        pieces.append("None")
        return Code(f"({' '.join(pieces)})")

    def _function_nullif(self, node: n.Call) -> Code:
        value = self.code(node.args[0])
        first, later = self.bind(value)
        other = self.code(node.args[1]).text
        kept = later
        if node.type == Type.NUMBER and node.args[0].type == Type.INTEGER:
            kept = f"_float({later})"
        if value.nullable:
            return Code(f"(None if {first} is None or {later} == {other} else {kept})")
        return Code(f"(None if {first} == {other} else {kept})")

    def _function_abs(self, node: n.Call) -> Code:
        return self.strict([self.code(node.args[0])], lambda v: f"_abs({v[0]})")

    def _function_round(self, node: n.Call) -> Code:
        digits = round_digits(node)
        return self.strict([self.code(node.args[0])], lambda v: f"_round({v[0]}, {digits})")

    def _extreme(self, node: n.Call, helper: str) -> Code:
        listed = ", ".join(self.code(a).text for a in node.args)
        result = Code(f"{helper}({listed})")
        if node.type == Type.NUMBER and any(a.type == Type.INTEGER for a in node.args):
            return self.strict([result], lambda v: f"_float({v[0]})")
        return result

    def _function_least(self, node: n.Call) -> Code:
        return self._extreme(node, "_least")

    def _function_greatest(self, node: n.Call) -> Code:
        return self._extreme(node, "_greatest")

    def _unary(self, node: n.Call, helper: str) -> Code:
        return self.strict([self.code(node.args[0])], lambda v: f"{helper}({v[0]})")

    def _function_lower(self, node: n.Call) -> Code:
        return self._unary(node, "_lower")

    def _function_upper(self, node: n.Call) -> Code:
        return self._unary(node, "_upper")

    def _function_length(self, node: n.Call) -> Code:
        return self._unary(node, "_len")

    def _function_days_between(self, node: n.Call) -> Code:
        parts = [self.code(a) for a in node.args]
        return self.strict(parts, lambda v: f"{v[1]}.toordinal() - {v[0]}.toordinal()")

    def _function_months_between(self, node: n.Call) -> Code:
        parts = [self.code(a) for a in node.args]
        return self.strict(parts, lambda v: f"_months({v[0]}, {v[1]})")

    def _function_years_between(self, node: n.Call) -> Code:
        parts = [self.code(a) for a in node.args]
        return self.strict(parts, lambda v: f"_years({v[0]}, {v[1]})")

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
            kind = self._name_types[name]
            if kind == Type.BOOLEAN:
                lines.append(f"    if {local} is not None and {local}.__class__ is not _bool:")
                lines.append(f"        {local} = _to_bool({local}, {name!r})")
            elif kind == Type.DATE:
                lines.append(f"    if {local} is not None and {local}.__class__ is not _date:")
                lines.append(f"        {local} = _to_date({local}, {name!r})")
        if self._uses_as_of:
            lines.append("    if as_of is None:")
            lines.append("        raise _missing_as_of()")
            lines.append("    if as_of.__class__ is not _date:")
            lines.append("        as_of = _to_date(as_of, 'as_of')")
        lines.append(f"    return {body}")
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
