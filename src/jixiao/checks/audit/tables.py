"""Tables: scoring tables (分值 and 得分 per indicator row) and amount tables with a 合计 row.

Scoring tables: every score ≤ its 分值; the rows add up to the 合计/总分 row (分值 and 得分);
a group written ``产出指标 (50分)`` adds up to 50; in a clean table with 一级/二级/三级 columns each
with its own 分值 column, children add up to their parent. Tables copied out of PDF or Word often
lose or gain cells; such rows are read from their trailing numbers and any doubt lowers the
severity of what they show (warning instead of error) rather than raising a false alarm.

Amount tables: each numeric column adds up to its 合计, and a rate column (执行率 …) equals
actual/plan on every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.checks.audit.extract import Document, Line, Table
from jixiao.checks.audit.figures import pct
from jixiao.checks.audit.vocab import Vocabulary, vocabulary
from jixiao.checks.findings import AuditFinding
from jixiao.engine.claims import compare
from jixiao.engine.numbers import format_number, parse_decimal
from jixiao.engine.result import Severity

_NUMERIC = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PERCENT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*%$")
_GROUP_MAX = re.compile(r"^[^(（]{1,15}[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
_LONG_TEXT = 12


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_number(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))


def _dec(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", ""))


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@dataclass(slots=True)
class Header:
    cells: list[str]
    rows: int  # how many rows the header spans
    max_col: int | None = None
    score_col: int | None = None
    level_cols: list[tuple[int, int | None]] = field(default_factory=list)
    text_after_score: bool = True

    @property
    def adjacent(self) -> bool:
        return (
            self.max_col is not None
            and self.score_col is not None
            and self.score_col == self.max_col + 1
        )


@dataclass(slots=True)
class RowValues:
    line: Line
    max: Decimal | None
    score: Decimal | None
    confident: bool
    max_where: str
    score_where: str
    from_rule_text: bool = False
    depth: int | None = None  # deepest level column this row names itself (aligned rows only)
    subtotal: bool = False  # a 小计 row


def _role(text: str, vocab: Vocabulary) -> str | None:
    if any(w in text for w in vocab.rule_headers):
        return "rule"
    if any(w in text for w in vocab.score_headers):
        return "score"
    if any(w in text for w in vocab.max_headers):
        return "max"
    if any(w in text for w in vocab.level_headers):
        return "level"
    return None


def _is_header_row(line: Line, vocab: Vocabulary) -> bool:
    cells = [_clean(c.text) for c in line.cells or []]
    if any(_is_number(c) for c in cells):
        return False
    return sum(1 for c in cells if c and _role(c, vocab)) >= 2


def _header(rows: list[Line], vocab: Vocabulary) -> Header | None:
    width = max(len(r.cells or []) for r in rows)
    merged = ["" for _ in range(width)]
    for row in rows:
        for k, cell in enumerate(row.cells or []):
            merged[k] += _clean(cell.text)
    header = Header(merged, len(rows))
    for k, text in enumerate(merged):
        role = _role(text, vocab)
        if role == "score":
            header.score_col = k
    if header.score_col is None:
        return None
    for k in range(header.score_col - 1, -1, -1):
        if _role(merged[k], vocab) == "max":
            header.max_col = k
            break
    after = merged[header.score_col + 1 :]
    header.text_after_score = all(not t or _role(t, vocab) == "rule" or "说明" in t for t in after)
    if len(rows) == 1:
        levels = [k for k, t in enumerate(merged) if _role(t, vocab) == "level"]
        for i, k in enumerate(levels):
            stop = levels[i + 1] if i + 1 < len(levels) else header.score_col
            own = next((j for j in range(k + 1, stop) if _role(merged[j], vocab) == "max"), None)
            header.level_cols.append((k, own))
    return header


def _runs(cells: list[str]) -> list[list[int]]:
    runs: list[list[int]] = []
    for k, text in enumerate(cells):
        if _is_number(text):
            if runs and runs[-1][-1] == k - 1:
                runs[-1].append(k)
            else:
                runs.append([k])
    return runs


def _values(line: Line, header: Header) -> RowValues | None:
    cells = [c.text.strip() for c in line.cells or []]
    where = [c.where for c in line.cells or []]
    runs = _runs(cells)
    if not runs:
        return None
    mc, sc = header.max_col, header.score_col
    if (
        mc is not None
        and sc is not None
        and len(cells) == len(header.cells)
        and _is_number(cells[mc])
        and _is_number(cells[sc])
    ):
        run = next(r for r in runs if sc in r)
        if header.adjacent and header.text_after_score and run[-1] > sc and mc in run:
            a, b = run[-2], run[-1]  # an extra cell crept in before 分值: trust the last two
            return RowValues(line, _dec(cells[a]), _dec(cells[b]), False, where[a], where[b])
        confident = header.rows == 1
        return RowValues(line, _dec(cells[mc]), _dec(cells[sc]), confident, where[mc], where[sc])
    if header.adjacent or mc is None:
        run = runs[-1]
        if len(run) >= 2 and (header.text_after_score or run[-1] == len(cells) - 1):
            a, b = run[-2], run[-1]
            return RowValues(line, _dec(cells[a]), _dec(cells[b]), False, where[a], where[b])
        return None
    long_cells = [k for k, t in enumerate(cells) if len(t) >= _LONG_TEXT and _has_cjk(t)]
    if not long_cells:
        return None
    rule = long_cells[-1]
    after = [k for k in range(rule + 1, len(cells)) if _is_number(cells[k])]
    if not after:
        return None
    s = after[-1]
    m = rule - 1 if rule > 0 and _is_number(cells[rule - 1]) else None
    return RowValues(
        line,
        _dec(cells[m]) if m is not None else None,
        _dec(cells[s]),
        False,
        where[m] if m is not None else "",
        where[s],
        from_rule_text=True,
    )


def _is_total(line: Line, vocab: Vocabulary) -> bool:
    words = [_clean(c.text) for c in line.cells or [] if _clean(c.text)]
    return bool(words) and any(
        w.startswith(tuple(vocab.total_rows)) for w in words[:3] if not _is_number(w)
    )


def _is_subtotal(line: Line) -> bool:
    words = [_clean(c.text) for c in line.cells or [] if _clean(c.text)]
    return bool(words) and any(w.startswith("小计") for w in words[:3])


def _total_values(line: Line) -> RowValues | None:
    cells = [c.text.strip() for c in line.cells or []]
    where = [c.where for c in line.cells or []]
    numbers = [k for k, t in enumerate(cells) if _is_number(t)]
    if not numbers:
        return None
    s = numbers[-1]
    m = numbers[-2] if len(numbers) >= 2 else None
    return RowValues(
        line,
        _dec(cells[m]) if m is not None else None,
        _dec(cells[s]),
        True,
        where[m] if m is not None else "",
        where[s],
    )


# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Group:
    """Rows under a cell such as ``产出指标 (50分)``: their 分值 must add up to 50."""

    name: str
    stated: Decimal
    column: int
    line: Line
    rows: list[RowValues] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    """The rows under one header up to (and including) its total row."""

    header: Header
    rows: list[RowValues] = field(default_factory=list)
    unread: list[Line] = field(default_factory=list)  # rows with numbers that could not be read
    total: RowValues | None = None
    groups: list[Group] = field(default_factory=list)


def _same_header(a: Header, b: Header) -> bool:
    return [c for c in a.cells if c] == [c for c in b.cells if c]


class _SectionReader:
    """Split a table into scoring sections. ``carry`` is a section left open by the previous
    table: a table broken across pages repeats its header, and continues that section."""

    def __init__(self, vocab: Vocabulary, carry: Section | None) -> None:
        self.vocab = vocab
        self.carry = carry
        self.current: Section | None = None
        self.sections: list[Section] = []
        self.seen_header = False
        self.group: Group | None = None

    def read(self, table: Table) -> None:
        header_rows: list[Line] = []
        for line in table.rows:
            if _is_header_row(line, self.vocab):
                header_rows.append(line)
                continue
            if header_rows:
                self.start(_header(header_rows, self.vocab))
                header_rows = []
            if self.current is not None:
                self.row(line)

    def start(self, header: Header | None) -> None:
        if header is None:
            return
        first = not self.seen_header
        self.seen_header = True
        self.group = None
        carry = self.carry
        if (
            first
            and carry is not None
            and carry.total is None
            and _same_header(header, carry.header)
        ):
            self.current = carry
            return
        if not first and self.current is not None and self.current.total is None:
            self.current.header = header  # the header repeated after a page break
            return
        self.current = Section(header)
        self.sections.append(self.current)

    def row(self, line: Line) -> None:
        section = self.current
        assert section is not None
        if _is_total(line, self.vocab):
            section.total = _total_values(line)
            self.current = self.group = None
            return
        cells = [c.text.strip() for c in line.cells or []]
        if _is_subtotal(line):
            values = _total_values(line)
            if values is not None:
                values.subtotal = True
                section.rows.append(values)
            return
        self.markers(line, cells, section)
        values = _values(line, section.header)
        if values is None:
            if any(_is_number(c) for c in cells):
                section.unread.append(line)
            return
        levels = section.header.level_cols
        if levels and len(cells) == len(section.header.cells):
            named = [i for i, (col, _) in enumerate(levels) if cells[col]]
            values.depth = max(named) if named else None
        section.rows.append(values)
        if self.group is not None:
            self.group.rows.append(values)

    def markers(self, line: Line, cells: list[str], section: Section) -> None:
        aligned = len(cells) == len(section.header.cells)
        limit = section.header.max_col if section.header.max_col is not None else len(cells)
        for k, text in enumerate(cells[:limit]):
            if not text or _is_number(text):
                continue
            if self.group is not None and k <= self.group.column:
                self.group = None
            m = _GROUP_MAX.search(text)
            if m is not None and aligned:
                self.group = Group(text, _dec(m.group(1)), k, line)
                section.groups.append(self.group)


def read_sections(
    document: Document, vocab: Vocabulary | None = None
) -> tuple[list[Section], list[Table]]:
    """The scoring sections of all tables, and the tables that are not scoring tables."""
    vocab = vocab or vocabulary()
    sections: list[Section] = []
    others: list[Table] = []
    carry: Section | None = None
    for table in document.tables:
        reader = _SectionReader(vocab, carry)
        reader.read(table)
        sections.extend(reader.sections)
        carry = reader.current
        if not reader.seen_header:
            others.append(table)
    return sections, others


def check_tables(document: Document, vocab: Vocabulary | None = None) -> list[AuditFinding]:
    vocab = vocab or vocabulary()
    sections, others = read_sections(document, vocab)
    findings: list[AuditFinding] = []
    for table in others:
        findings.extend(check_amount_table(table, vocab))
    for section in sections:
        findings.extend(_check_section(section))
    return findings


def _fmt(values: list[Decimal]) -> str:
    shown = [format_number(v) for v in values]
    if len(shown) > 12:
        return "+".join(shown[:6]) + "+…+" + "+".join(shown[-2:])
    return "+".join(shown)


def row_name(line: Line) -> str:
    for cell in line.cells or []:
        text = cell.text.strip()
        if text and not _is_number(text) and len(text) <= 30:
            return text
    return line.where


def _parents(rows: list[RowValues]) -> dict[int, list[RowValues]]:
    """Rows that carry a parent's own 分值/得分 (the next row names a deeper level), each with
    the leaf rows under it."""
    parents: dict[int, list[RowValues]] = {}
    for i, row in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if row.depth is None or nxt is None or nxt.depth is None or nxt.depth <= row.depth:
            continue
        under: list[RowValues] = []
        for other in rows[i + 1 :]:
            if other.subtotal or other.depth is None or other.depth <= row.depth:
                break
            under.append(other)
        parents[i] = under
    for i in parents:
        parents[i] = [r for r in parents[i] if rows.index(r) not in parents]
    return parents


def _check_part(
    what: str, stated: RowValues, members: list[RowValues], code: str
) -> list[AuditFinding]:
    """A 小计 or parent row against the rows it sums."""
    findings: list[AuditFinding] = []
    confident = all(r.confident for r in members) and stated.confident
    for kind, value, values, where in (
        ("得分", stated.score, [r.score for r in members], stated.score_where),
        ("分值", stated.max, [r.max for r in members], stated.max_where),
    ):
        known = [v for v in values if v is not None]
        if value is None or not known or len(known) != len(values):
            continue
        computed = sum(known, Decimal(0))
        if computed != value:
            findings.append(
                AuditFinding(
                    Severity.ERROR if confident else Severity.WARNING,
                    code,
                    f"「{what}」{kind}{format_number(value)}，其下各行{kind}{_fmt(known)}="
                    f"{format_number(computed)}",
                    where,
                    statement=f"{what} {format_number(value)}",
                    recomputed=format_number(computed),
                )
            )
    return findings


def _check_section(section: Section) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    parents = _parents(section.rows)
    since: list[RowValues] = []
    for i, row in enumerate(section.rows):
        if row.subtotal:
            findings.extend(_check_part("小计", row, since, "audit.table.subtotal"))
            since = []
        elif i in parents:
            findings.extend(
                _check_part(row_name(row.line), row, parents[i], "audit.table.parent_sum")
            )
            since = []  # a parent row starts a new group
        else:
            since.append(row)
    rows = [r for i, r in enumerate(section.rows) if not r.subtotal and i not in parents]
    for row in rows:
        if row.max is not None and row.score is not None and row.score > row.max:
            findings.append(
                AuditFinding(
                    Severity.ERROR if row.confident else Severity.WARNING,
                    "audit.table.over_max",
                    f"「{row_name(row.line)}」得分{format_number(row.score)}超过分值{format_number(row.max)}",
                    row.score_where,
                    statement=f"分值{format_number(row.max)}，得分{format_number(row.score)}",
                    recomputed=f"≤{format_number(row.max)}",
                )
            )
    total = section.total
    if total is None and len(rows) >= 3:
        last, others = rows[-1], rows[:-1]
        if (
            last.max is not None
            and all(r.max is not None for r in others)
            and sum((r.max for r in others if r.max is not None), Decimal(0)) == last.max
        ):
            total, rows = last, others
    if total is not None and rows:
        findings.extend(_check_total(section, rows, total))
    leaves = {id(r) for r in rows}
    for group in section.groups:
        name, stated, line = group.name, group.stated, group.line
        members = [r for r in group.rows if id(r) in leaves]
        maxes = [r.max for r in members if r.max is not None]
        if len(maxes) == len(members) and maxes and sum(maxes, Decimal(0)) != stated:
            confident = all(r.confident for r in members)
            findings.append(
                AuditFinding(
                    Severity.ERROR if confident else Severity.WARNING,
                    "audit.table.group_max",
                    f"「{name}」标明{format_number(stated)}分，其下各行分值{_fmt(maxes)}="
                    f"{format_number(sum(maxes, Decimal(0)))}分",
                    line.where,
                    statement=name,
                    recomputed=format_number(sum(maxes, Decimal(0))),
                )
            )
    findings.extend(_check_levels(section))
    return findings


def _check_total(section: Section, rows: list[RowValues], total: RowValues) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    scores = [r.score for r in rows if r.score is not None]
    complete = len(scores) == len(rows) and not section.unread
    if total.score is not None and scores:
        computed = sum(scores, Decimal(0))
        if computed != total.score:
            findings.append(
                AuditFinding(
                    Severity.ERROR if complete else Severity.WARNING,
                    "audit.table.score_total",
                    f"合计行得分{format_number(total.score)}，各行得分{_fmt(scores)}="
                    f"{format_number(computed)}"
                    + ("" if complete else "（部分行未能读取，请核对）"),
                    total.score_where,
                    statement=f"合计 {format_number(total.score)}",
                    recomputed=format_number(computed),
                )
            )
    maxes = [r.max for r in rows if r.max is not None]
    reliable = all(not r.from_rule_text for r in rows) and len(maxes) == len(rows)
    if total.max is not None and maxes and reliable and not section.unread:
        computed = sum(maxes, Decimal(0))
        if computed != total.max:
            confident = all(r.confident for r in rows)
            findings.append(
                AuditFinding(
                    Severity.ERROR if confident else Severity.WARNING,
                    "audit.table.max_total",
                    f"合计行分值{format_number(total.max)}，各行分值{_fmt(maxes)}={format_number(computed)}",
                    total.max_where,
                    statement=f"合计 {format_number(total.max)}",
                    recomputed=format_number(computed),
                )
            )
    return findings


def _check_levels(section: Section) -> list[AuditFinding]:
    """Clean tables with a 分值 column per level: each parent's 分值 = sum of its children's."""
    levels = section.header.level_cols
    if len(levels) < 2 or not any(own is not None for _, own in levels):
        return []
    if not section.rows or not all(r.confident for r in section.rows):
        return []
    level_max, children = _level_tree(section)
    findings: list[AuditFinding] = []
    for parent, (stated, where) in level_max.items():
        kids = children.get(parent)
        if not kids:
            continue
        computed = sum(kids.values(), Decimal(0))
        if computed != stated:
            findings.append(
                AuditFinding(
                    Severity.ERROR,
                    "audit.table.level_max",
                    f"「{parent[-1]}」分值{format_number(stated)}，其下各项"
                    f"（{'、'.join(k[-1] for k in kids)}）分值{_fmt(list(kids.values()))}="
                    f"{format_number(computed)}",
                    where,
                    statement=f"{parent[-1]} {format_number(stated)}",
                    recomputed=format_number(computed),
                )
            )
    return findings


LevelPath = tuple[str, ...]


def _level_tree(
    section: Section,
) -> tuple[dict[LevelPath, tuple[Decimal, str]], dict[LevelPath, dict[LevelPath, Decimal]]]:
    """Each level's stated 分值 (merged cells: the first row that shows it), and each parent's
    children with their 分值 (a leaf's from its row, a middle level's from its own column)."""
    levels = section.header.level_cols
    leaf_col = section.header.max_col
    path = ["" for _ in levels]
    level_max: dict[LevelPath, tuple[Decimal, str]] = {}
    children: dict[LevelPath, dict[LevelPath, Decimal]] = {}
    for row in section.rows:
        if row.subtotal:
            continue
        cells = [c.text.strip() for c in row.line.cells or []]
        wheres = [c.where for c in row.line.cells or []]
        for i, (name_col, own) in enumerate(levels):
            name = cells[name_col] if name_col < len(cells) else ""
            if name:
                path[i:] = [name] + ["" for _ in levels[i + 1 :]]
            key = tuple(path[: i + 1])
            if (
                key[-1]
                and own is not None
                and own != leaf_col
                and own < len(cells)
                and _is_number(cells[own])
            ):
                level_max.setdefault(key, (_dec(cells[own]), wheres[own]))
        deepest = max((i for i in range(len(levels)) if path[i]), default=-1)
        if deepest < 1 or row.max is None:
            continue
        leaf = tuple(path[: deepest + 1])
        for i in range(deepest):
            parent, child = tuple(path[: i + 1]), tuple(path[: i + 2])
            if child == leaf:
                children.setdefault(parent, {})[child] = row.max
            elif child in level_max:
                children.setdefault(parent, {})[child] = level_max[child][0]
    return level_max, children


# ---------------------------------------------------------------------------------------------


def check_amount_table(table: Table, vocab: Vocabulary) -> list[AuditFinding]:
    """A table of amounts with a 合计 row: column sums, and actual/plan rates per row."""
    rows = table.rows
    if len(rows) < 3:
        return []
    header_at = next((i for i, r in enumerate(rows) if _is_plain_header(r)), None)
    if header_at is None:
        return []
    header = [_clean(c.text) for c in rows[header_at].cells or []]
    width = len(header)
    body: list[Line] = []
    total: Line | None = None
    for line in rows[header_at + 1 :]:
        if len(line.cells or []) != width:
            continue
        if _is_total(line, vocab):
            total = line
            break
        body.append(line)
    if total is None or len(body) < 2:
        return []
    findings: list[AuditFinding] = []
    rate_cols = [k for k, h in enumerate(header) if "率" in h or "比例" in h]
    for k in range(width):
        if k in rate_cols or "序号" in header[k] or "编号" in header[k]:
            continue
        stated_text = (total.cells or [])[k].text.strip()
        column = [(line.cells or [])[k].text.strip() for line in body]
        if not _is_number(stated_text) or not all(_is_number(v) or not v for v in column):
            continue
        values = [_dec(v) for v in column if v]
        if len(values) < 2:
            continue
        computed = sum(values, Decimal(0))
        stated = _dec(stated_text)
        if computed == stated:
            continue
        places = max(_places(v) for v in [*column, stated_text] if v)
        tolerance = Decimal(1).scaleb(-places) * len(values) / 2
        rounding = abs(computed - stated) <= tolerance and places > 0
        findings.append(
            AuditFinding(
                Severity.WARNING if rounding else Severity.ERROR,
                "audit.table.column_total" if not rounding else "audit.table.column_rounding",
                f"「{header[k]}」合计{stated_text}，各行相加为{format_number(computed)}"
                + ("（差额在舍入范围内）" if rounding else ""),
                (total.cells or [])[k].where,
                statement=f"{header[k]} 合计 {stated_text}",
                recomputed=format_number(computed),
            )
        )
    findings.extend(_check_rate_columns(header, rate_cols, [*body, total], vocab))
    return findings


def _places(text: str) -> int:
    text = text.replace(",", "")
    return len(text.split(".")[1]) if "." in text else 0


def _is_plain_header(line: Line) -> bool:
    cells = [_clean(c.text) for c in line.cells or []]
    return sum(1 for c in cells if c) >= 2 and not any(
        _is_number(c) or _PERCENT.match(c) for c in cells
    )


def _check_rate_columns(
    header: list[str], rate_cols: list[int], lines: list[Line], vocab: Vocabulary
) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    numeric = [
        k
        for k in range(len(header))
        if all(_is_number((line.cells or [])[k].text) for line in lines)
    ]
    plan = [k for k in numeric if vocab.is_plan(header[k]) and "率" not in header[k]]
    actual = [
        k
        for k in numeric
        if "率" not in header[k]
        and k not in plan
        and (vocab.is_actual(header[k]) or "支出" in header[k] or "执行" in header[k])
    ]
    for k in rate_cols:
        if not any(w in header[k] for w in vocab.actual_over_plan_rates):
            continue
        if len(plan) != 1 or len(actual) != 1:
            continue
        p, a = plan[0], actual[0]
        for line in lines:
            cells = line.cells or []
            printed, num, den = (
                cells[k].text.strip(),
                cells[a].text.strip(),
                cells[p].text.strip(),
            )
            if (
                not (_PERCENT.match(printed) and _is_number(num) and _is_number(den))
                or _dec(den) == 0
            ):
                continue
            computed = _dec(num) / _dec(den)
            outcome = compare(printed, computed)
            if outcome is None:
                continue
            kind, _ = outcome
            shown = pct(computed, _places(printed.rstrip("% ")))
            severity = Severity.WARNING if kind == "rounding" else Severity.ERROR
            findings.append(
                AuditFinding(
                    severity,
                    f"audit.table.rate_{kind}",
                    f"「{row_name(line)}」{header[k]}印为{printed}，{header[a]}/{header[p]}="
                    f"{num}/{den}={shown}"
                    + ("（仅末位不同）" if kind == "rounding" else "")
                    + ("（分子分母颠倒）" if kind == "inverted" else ""),
                    cells[k].where,
                    statement=printed,
                    recomputed=shown,
                )
            )
    return findings


def parse_cell_number(text: str) -> Decimal | None:
    try:
        return parse_decimal(text)
    except ValueError:
        return None
