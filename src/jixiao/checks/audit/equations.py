"""Stated equations: ``X率=a/b=c%``, ``(a-b)/b=c%``, ``a+b=c``, ``…=45%≥5%``.

Each chain ``label = expr = printed [cmp threshold]`` is recomputed with Decimal arithmetic. A
printed result is compared at its own precision with the engine's ``compare`` (the same rounding,
inversion and tolerance rules as the claims checker): a last-digit difference is ``rounding``
(warning), a reciprocal is ``inverted`` (error), anything else is a ``mismatch`` (error). A
trailing comparison (``=45%≥5%``) that does not hold is an error too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from jixiao.checks.audit.extract import Document, Line
from jixiao.checks.audit.figures import pct
from jixiao.checks.findings import AuditFinding
from jixiao.checks.textnum import normalize
from jixiao.engine.claims import compare
from jixiao.engine.numbers import HUNDRED, Percent, format_number, round_to
from jixiao.engine.result import Severity

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TOKEN = re.compile(
    rf"(?P<num>(?:{_NUM})(?:\s*[%‰])?)|(?P<op>[-+×*/÷])|(?P<lp>\()|(?P<rp>\))"
    r"|(?P<eq>=)|(?P<cmp>[≥≤<>≠])|(?P<ws>\s+)|(?P<other>.)"
)
_LABEL = re.compile(r"[\u4e00-\u9fff“”\"「」A-Za-z0-9.\-]*[\u4e00-\u9fff“”\"」]$")
_LEADING_ORDINAL = re.compile(r"^(?:\d+[、.．]|[（(]\d+[)）]|[一二三四五六七八九十]+、)")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of arithmetic between two ``=`` signs."""

    text: str
    tokens: tuple[Token, ...]

    @property
    def has_operator(self) -> bool:
        return any(t.kind == "op" for t in self.tokens[1:])

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(t.text.replace(" ", "") for t in self.tokens if t.kind == "num")

    @property
    def is_plain_number(self) -> bool:
        kinds = [t.kind for t in self.tokens]
        return kinds in (["num"], ["op", "num"]) and (
            kinds[0] == "num" or self.tokens[0].text == "-"
        )


@dataclass(frozen=True, slots=True)
class Equation:
    """One stated chain, with what jixiao recomputed."""

    label: str
    text: str  # the chain as printed (normalised)
    segments: tuple[Segment, ...]
    comparison: tuple[str, str] | None  # (operator, printed threshold)
    where: str
    line: Line

    @property
    def operands(self) -> tuple[str, ...]:
        for segment in self.segments:
            if segment.has_operator:
                return segment.numbers
        return ()


class ArithmeticUnreadable(ValueError):
    pass


def evaluate(segment: Segment) -> Decimal:
    """Decimal value of an arithmetic segment (``(6.74-7.83)/7.83``); never ``eval``."""
    names: dict[str, Decimal] = {}
    parts: list[str] = []
    scaled_by_hundred = False
    for token in segment.tokens:
        if token.kind == "num":
            name = f"n{len(names)}"
            raw = token.text.replace(" ", "").replace(",", "")
            if raw.endswith("%"):
                value: Decimal = Decimal(raw[:-1]) / HUNDRED
            elif raw.endswith("‰"):
                value = Decimal(raw[:-1]) / Decimal(1000)
            else:
                value = Decimal(raw)
            names[name] = value
            parts.append(name)
        elif token.kind == "op":
            parts.append({"×": "*", "÷": "/"}.get(token.text, token.text))
        elif token.kind in ("lp", "rp"):
            parts.append(token.text)
    source = " ".join(parts)
    if re.search(r"\*\s*n\d+\s*$", source) and names and list(names.values())[-1] == HUNDRED:
        scaled_by_hundred = True
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise ArithmeticUnreadable(segment.text) from None
    value = _eval(tree.body, names)
    return value / HUNDRED if scaled_by_hundred else value


def _eval(node: ast.AST, names: dict[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _eval(node.operand, names)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, names), _eval(node.right, names)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise DivisionByZero
            return left / right
    raise ArithmeticUnreadable(ast.dump(node))


# ---------------------------------------------------------------------------------------------


def _segments_between(tokens: list[Token]) -> list[list[Token]]:
    """Split tokens at ``=`` and ``cmp``, keeping the separators as one-token groups."""
    groups: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind in ("eq", "cmp"):
            groups.append([token])
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def _arith_tail(tokens: list[Token]) -> list[Token]:
    """The arithmetic run at the end of a token list (what stands just left of ``=``)."""
    out: list[Token] = []
    for token in reversed(tokens):
        if token.kind in ("num", "op", "lp", "rp", "ws"):
            out.append(token)
        else:
            break
    out.reverse()
    while (
        out
        and out[0].kind in ("ws", "rp", "op")
        and not (
            out[0].kind == "op" and out[0].text == "-" and len(out) > 1 and out[1].kind == "num"
        )
    ):
        out.pop(0)
    return _balanced(out)


def _arith_head(tokens: list[Token]) -> list[Token]:
    """The arithmetic run at the start of a token list (what stands just right of ``=``)."""
    out: list[Token] = []
    for token in tokens:
        if token.kind in ("num", "op", "lp", "rp", "ws"):
            out.append(token)
        else:
            break
    while out and out[-1].kind in ("ws", "op", "lp"):
        out.pop()
    return _balanced(out)


def _balanced(tokens: list[Token]) -> list[Token]:
    """Drop unmatched parentheses at the edges (``(其中：38/34=…``)."""
    tokens = [t for t in tokens if t.kind != "ws"]
    depth = 0
    for t in tokens:
        depth += 1 if t.kind == "lp" else -1 if t.kind == "rp" else 0
    while depth > 0 and tokens and tokens[0].kind == "lp":
        tokens = tokens[1:]
        depth -= 1
    while depth < 0 and tokens and tokens[-1].kind == "rp":
        tokens = tokens[:-1]
        depth += 1
    return tokens if depth == 0 else []


def _segment(tokens: list[Token], text: str) -> Segment | None:
    if not tokens or not any(t.kind == "num" for t in tokens):
        return None
    return Segment(text[tokens[0].start : tokens[-1].end], tuple(tokens))


def find_equations(line: Line) -> list[Equation]:
    """The equations of a paragraph, or of each cell of a table row (located at the cell)."""
    if line.cells is None:
        return _find(line.norm, line.where, line)
    return [eq for cell in line.cells for eq in _find(normalize(cell.text), cell.where, line)]


def _find(text: str, where: str, line: Line) -> list[Equation]:
    if "=" not in text:
        return []
    tokens = [
        Token(m.lastgroup or "other", m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]
    groups = _segments_between(tokens)
    equations: list[Equation] = []
    i = 1
    while i < len(groups):
        if groups[i][0].kind == "eq":
            equation, i = _chain(groups, i, text, where, line)
            if equation is not None:
                equations.append(equation)
        else:
            i += 2
    return equations


def _chain(
    groups: list[list[Token]], i: int, text: str, where: str, line: Line
) -> tuple[Equation | None, int]:
    """Read ``[label] [expr] = expr = … [cmp threshold]`` starting at separator ``i``."""
    left_arith = _arith_tail(groups[i - 1])
    segments: list[Segment] = []
    first = _segment(left_arith, text)
    if first is not None:
        segments.append(first)
    start = left_arith[0].start if left_arith else groups[i][0].start
    label_end = start
    while label_end > 0 and text[label_end - 1] == " ":
        label_end -= 1
    label = text[_label_start(text, label_end) : label_end]
    end = groups[i][0].end
    comparison: tuple[str, str] | None = None
    j = i
    while j < len(groups):
        separator = groups[j][0]
        right = groups[j + 1] if j + 1 < len(groups) else []
        head = _arith_head(right)
        whole = len(head) == len([t for t in right if t.kind != "ws"])
        if separator.kind == "cmp":
            if head and len(head) <= 2 and head[-1].kind == "num" and segments:
                comparison = (separator.text, re.sub(r"\s", "", text[head[0].start : head[-1].end]))
                end = head[-1].end
            j += 2
            break
        segment = _segment(head, text)
        j += 2
        if segment is None:
            break
        segments.append(segment)
        end = head[-1].end
        if not whole:
            break
    if not any(s.has_operator for s in segments) and comparison is None:
        return None, j
    if len(segments) < 2 and comparison is None:
        return None, j
    return Equation(label, text[start:end], tuple(segments), comparison, where, line), j


def _label_start(text: str, end: int) -> int:
    """The label is the run of Chinese (with quotes and digits, as in 6月支付进度率) before ``=``."""
    start = end
    while start > 0 and (
        "\u4e00" <= text[start - 1] <= "\u9fff"
        or text[start - 1] in '“”"「」'
        or text[start - 1].isdigit()
    ):
        start -= 1
    while (
        start < end
        and (text[start].isdigit() or text[start] in '“”"「」')
        and not _has_cjk(text[start:end])
    ):
        start += 1
    return start


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def equation_key(equation: Equation) -> str:
    """The quantity an equation computes, for comparing two statements of it."""
    label = _LEADING_ORDINAL.sub("", equation.label)
    label = re.sub(r"[“”\"「」‘’\s]", "", label)
    cells = equation.line.cells
    if cells and label:
        names = [re.sub(r"[“”\"「」‘’\s]", "", c.text) for c in cells]
        longer = [n for n in names if n.endswith(label) and len(n) <= 20]
        if longer:
            label = max(longer, key=len)
    return label


# ---------------------------------------------------------------------------------------------


def check_equation(equation: Equation) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    computed_at: Segment | None = None
    computed: Decimal | None = None
    for segment in equation.segments:
        if segment.has_operator:
            try:
                computed = evaluate(segment)
            except (ArithmeticUnreadable, DivisionByZero, InvalidOperation):
                return []
            computed_at = segment
            break
    printed_values = [s for s in equation.segments if s.is_plain_number]
    if computed is not None and computed_at is not None:
        for printed in printed_values:
            finding = _verdict(equation, computed_at, printed, computed)
            if finding is not None:
                findings.append(finding)
    if equation.comparison is not None:
        finding = _check_comparison(equation, printed_values, computed)
        if finding is not None:
            findings.append(finding)
    return findings


def _display(value: Decimal, printed: str) -> str:
    """The recomputed value at the printed precision, at least two decimals, zeros kept."""
    raw = printed.replace(" ", "").replace(",", "")
    places = len(raw.rstrip("%‰").split(".")[1]) if "." in raw else 0
    if raw.endswith("%"):
        return pct(value, max(places, 2))
    return f"{round_to(value, max(places, 2)):f}"


def _verdict(
    equation: Equation, computed_at: Segment, printed: Segment, computed: Decimal
) -> AuditFinding | None:
    text = printed.text.replace(" ", "")
    try:
        outcome = compare(text, computed)
    except ValueError:
        return None
    if outcome is None:
        return None
    kind, value = outcome
    if kind == "mismatch" and not text.endswith(("%", "‰")):
        # a percentage written without its sign (…=55.43) or a ratio ×100
        for alternative in (computed * HUNDRED, computed / HUNDRED):
            if compare(text, alternative) is None:
                return None
    shown = _display(computed, text)
    label = f"{equation.label}" if equation.label else ""
    statement = (
        f"{label}{equation.text}"
        if label and not equation.text.startswith(label)
        else equation.text
    )
    if kind == "rounding":
        return AuditFinding(
            Severity.WARNING,
            "audit.equation.rounding",
            f"「{statement}」：{computed_at.text}={shown}，印为{text}，仅末位不同（舍入误差）",
            equation.where,
            statement=statement,
            recomputed=shown,
        )
    if kind == "inverted":
        return AuditFinding(
            Severity.ERROR,
            "audit.equation.inverted",
            f"「{statement}」：{computed_at.text}={shown}，印为{text}，恰为计算值的倒数（分子分母颠倒）",
            equation.where,
            statement=statement,
            recomputed=shown,
        )
    hint = _shift_hint(value, computed, text)
    return AuditFinding(
        Severity.ERROR,
        "audit.equation.mismatch",
        f"「{statement}」：{computed_at.text}={shown}，不等于所印的{text}{hint}",
        equation.where,
        statement=statement,
        recomputed=shown,
    )


def _shift_hint(printed: Decimal, computed: Decimal, text: str) -> str:
    places = len(text.rstrip("%‰").split(".")[1]) if "." in text else 0
    places += 2 if text.endswith("%") else 0
    for power in (1, 2, -1, -2):
        shifted = computed / Decimal(10) ** power
        if round_to(shifted, places) == printed and printed != 0:
            return "（疑为小数点错位）"
    return ""


_CMP = {
    "≥": lambda a, b: a >= b,
    "≤": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "≠": lambda a, b: a != b,
}


def _check_comparison(
    equation: Equation, printed_values: list[Segment], computed: Decimal | None
) -> AuditFinding | None:
    assert equation.comparison is not None
    operator, threshold_text = equation.comparison
    try:
        threshold = _number(threshold_text)
        value = _number(printed_values[-1].text) if printed_values else computed
    except (ValueError, InvalidOperation):
        return None
    if value is None or _CMP[operator](value, threshold):
        return None
    shown = printed_values[-1].text if printed_values else format_number(value)
    statement = f"{equation.label}{equation.text}"
    return AuditFinding(
        Severity.ERROR,
        "audit.equation.comparison",
        f"「{statement}」：{shown}{operator}{threshold_text}不成立",
        equation.where,
        statement=statement,
        recomputed=f"{shown}{operator}{threshold_text}为假",
    )


def _number(text: str) -> Decimal:
    raw = text.replace(" ", "").replace(",", "")
    if raw.endswith("%"):
        return Percent(Decimal(raw[:-1]) / HUNDRED)
    if raw.endswith("‰"):
        return Percent(Decimal(raw[:-1]) / Decimal(1000))
    return Decimal(raw)


def all_equations(document: Document) -> list[Equation]:
    return [eq for line in document.lines for eq in find_equations(line)]


def check_equations(equations: Iterable[Equation]) -> list[AuditFinding]:
    return [finding for eq in equations for finding in check_equation(eq)]
