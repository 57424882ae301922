"""The functions of the language in the Python back end: one ``_function_<name>`` each."""

from __future__ import annotations

from collections.abc import Callable

from lendtag.expr import nodes as n
from lendtag.expr.python_code import WIDE, Code, CodeWriter
from lendtag.expr.types import Type


class CallWriter(CodeWriter):
    """Code for calls of COALESCE, NULLIF, ROUND, LEAST, ... (helpers of ``runtime``)."""

    def _visit_Call(self, node: n.Call) -> Code:
        method: Callable[[n.Call], Code] = getattr(self, f"_function_{node.name.lower()}")
        return method(node)

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
        digits = n.round_places(node)
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
