"""The Excel 评分表 in the official layout (seeds 003 and 004), written with xlsxwriter.

Columns: 一级/二级/三级(/四级)指标 with merged cells, 分值, 指标解释, 评分标准, 得分, 扣分说明, and a
hidden 指标编码 column that lets programs find a row. Each branch has a subtotal row after its
leaves; then 合计 and 评价等级. Printed A4 landscape, one page wide, header rows repeated. With a
comparison, a second sheet 比较 lists both sides indicator by indicator.

Scores are written as numbers exactly as the engine rounded them; nothing is recomputed here.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jixiao.reports.context import ComparisonContext, ReportContext, ScoreRow
from jixiao.reports.fonts import SERIF
from jixiao.reports.layout import level_cells

SHEET = "评分表"
COMPARISON_SHEET = "比较"
LEVEL_HEADERS = ("一级指标", "二级指标", "三级指标", "四级指标")
LEVEL_WIDTHS = {1: [14.0], 2: [12.0, 16.0], 3: [9.0, 11.0, 16.0], 4: [8.0, 10.0, 12.0, 14.0]}
LINE_HEIGHT = 13.5  # points per wrapped line at 9 pt (Noto CJK's line gap is generous)
FONT_SIZE = 9


def _number(text: str) -> float | str:
    """Scores are printed by the engine (``85.5``); write them as numbers when they are."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    return float(value) if value.is_finite() else text


def _lines(text: str, width_chars: float) -> int:
    """Wrapped lines of ``text`` in a column ``width_chars`` wide (9 pt: CJK ≈ 12 px, Latin ≈ 6.5 px)."""
    if not text:
        return 1
    pixels = max(width_chars * 7 + 5 - 8, 10.0)  # Excel: 7 px per width unit, minus cell padding
    total = 0
    for part in text.split("\n"):
        wide = (len(part.encode("utf-8")) - len(part)) // 2  # CJK: 3 bytes in UTF-8, 1 char
        units = 12.0 * wide + 6.5 * (len(part) - wide)
        total += max(1, math.ceil(units / pixels))
    return total


class _Formats:
    def __init__(self, book: Workbook) -> None:
        base: dict[str, Any] = {
            "font_name": SERIF,
            "font_size": FONT_SIZE,
            "border": 1,
            "valign": "vcenter",
            "text_wrap": True,
        }
        self.title = book.add_format(
            {
                "font_name": SERIF,
                "font_size": 16,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.meta = book.add_format({"font_name": SERIF, "font_size": 10, "valign": "vcenter"})
        self.note = book.add_format(
            {"font_name": SERIF, "font_size": 9, "valign": "top", "text_wrap": True}
        )
        self.header = book.add_format(
            {**base, "bold": True, "align": "center", "bg_color": "#D9E2F3"}
        )
        self.text = book.add_format({**base, "align": "left"})
        self.center = book.add_format({**base, "align": "center"})
        self.number = book.add_format({**base, "align": "center", "num_format": "General"})
        self.sub_text = book.add_format(
            {**base, "align": "center", "bold": True, "bg_color": "#F2F2F2"}
        )
        self.sub_left = book.add_format({**base, "align": "left", "bg_color": "#F2F2F2"})
        self.sub_number = book.add_format(
            {
                **base,
                "align": "center",
                "bold": True,
                "bg_color": "#F2F2F2",
                "num_format": "General",
            }
        )


def _print_setup(sheet: Worksheet, header_row: int, last_col: int, last_row: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.repeat_rows(header_row)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.print_area(0, 0, last_row, last_col)


def write_scoresheet(
    book: Workbook, ctx: ReportContext, formats: _Formats | None = None
) -> Worksheet:
    f = formats or _Formats(book)
    sheet = book.add_worksheet(SHEET)
    rows = ctx.scoresheet
    depth = max((r.level for r in rows), default=1)
    widths = [*LEVEL_WIDTHS[min(depth, 4)], 6.0, 34.0, 28.0, 6.0, 40.0, 12.0]
    headers = [
        *LEVEL_HEADERS[:depth],
        "分值",
        "指标解释",
        "评分标准",
        "得分",
        "扣分说明",
        "指标编码",
    ]
    last = len(headers) - 1
    col_max, col_def, col_std, col_score, col_expl, col_code = range(depth, depth + 6)
    for j, w in enumerate(widths):
        sheet.set_column(j, j, w)
    sheet.set_column(col_code, col_code, widths[col_code], None, {"hidden": True})
    sheet.merge_range(0, 0, 0, last - 1, ctx.scoresheet_title, f.title)
    sheet.set_row(0, 30)
    sheet.merge_range(
        1, 0, 1, last - 1,
        f"被评价单位：{ctx.unit.name}　　评价年度：{ctx.year}　　指标体系：{ctx.framework.title}",
        f.meta,
    )  # fmt: skip
    header_row = 2
    for j, h in enumerate(headers):
        sheet.write(header_row, j, h, f.header)
    sheet.set_row(header_row, 24)
    grid = level_cells(rows, depth)
    first = header_row + 1
    for i, (r, levels) in enumerate(zip(rows, grid, strict=True)):
        at = first + i
        sub = r.kind == "subtotal"
        for j, lc in enumerate(levels):
            if lc.covered or lc.role == "continue":
                continue
            own = j == r.level - 1
            fmt_ = f.sub_text if sub and own else f.center
            if lc.role == "start":
                sheet.merge_range(at, j, at + lc.rows - 1, j, lc.text, fmt_)
            elif lc.span > 1:
                sheet.merge_range(at, j, at, j + lc.span - 1, lc.text, fmt_)
            else:
                sheet.write_string(at, j, lc.text, fmt_)
        explain = "" if sub else "\n".join(t for t in (r.definition, r.formula) if t)
        sheet.write(at, col_max, _number(r.max), f.sub_number if sub else f.number)
        sheet.write_string(at, col_def, explain, f.sub_left if sub else f.text)
        sheet.write_string(at, col_std, "" if sub else r.standard, f.sub_left if sub else f.text)
        sheet.write(at, col_score, _number(r.score), f.sub_number if sub else f.number)
        sheet.write_string(at, col_expl, r.explanation, f.sub_left if sub else f.text)
        sheet.write_string(at, col_code, r.code, f.text)
        sheet.set_row(at, _row_height(r, explain, widths, depth))
    total_row = first + len(rows)
    sheet.merge_range(total_row, 0, total_row, depth - 1, "合计", f.sub_text)
    sheet.write(total_row, col_max, _number(ctx.max), f.sub_number)
    sheet.merge_range(total_row, col_def, total_row, col_std, "", f.sub_left)
    sheet.write(total_row, col_score, _number(ctx.total), f.sub_number)
    sheet.write_string(total_row, col_expl, f"评价等级：{ctx.grade}", f.sub_text)
    sheet.write_string(total_row, col_code, "total", f.text)
    grade_row = total_row + 1
    sheet.merge_range(grade_row, 0, grade_row, depth - 1, "评价等级", f.sub_text)
    sheet.merge_range(
        grade_row,
        col_max,
        grade_row,
        col_expl,
        f"{ctx.grade}（{ctx.framework.grade_bands}）",
        f.sub_left,
    )
    sheet.write_string(grade_row, col_code, "grade", f.text)
    note_row = grade_row + 1
    sheet.merge_range(note_row, 0, note_row, last - 1, ctx.generated_by, f.note)
    sheet.set_row(note_row, 28)
    sheet.freeze_panes(first, 0)
    _print_setup(sheet, header_row, last - 1, note_row)
    return sheet


def _row_height(r: ScoreRow, explain: str, widths: list[float], depth: int) -> float:
    texts = [
        (explain, widths[depth + 1]),
        (r.standard if r.kind == "leaf" else "", widths[depth + 2]),
        (r.explanation, widths[depth + 4]),
        (r.name, sum(widths[r.level - 1 : depth])),
    ]
    lines = max(_lines(t, w) for t, w in texts)
    return max(18.0, lines * LINE_HEIGHT + 4)


def write_comparison_sheet(
    book: Workbook, comparison: ComparisonContext, formats: _Formats | None = None
) -> Worksheet:
    f = formats or _Formats(book)
    sheet = book.add_worksheet(COMPARISON_SHEET)
    a, b = comparison.label_a, comparison.label_b
    headers = [
        "序号", f"{a}指标", "分值", "得分", "得分率", f"{b}指标", "分值", "得分", "得分率",
        "得分差", "得分率差", "对应依据", f"{a}评分说明", f"{b}评分说明",
    ]  # fmt: skip
    widths = [5, 18, 6, 6, 8, 18, 6, 6, 8, 7, 8, 12, 40, 40]
    for j, w in enumerate(widths):
        sheet.set_column(j, j, w)
    last = len(headers) - 1
    sheet.merge_range(0, 0, 0, last, comparison.title, f.title)
    sheet.set_row(0, 30)
    sheet.merge_range(1, 0, 1, last, comparison.summary, f.note)
    sheet.set_row(1, 32)
    for j, h in enumerate(headers):
        sheet.write(2, j, h, f.header)
    for i, r in enumerate(comparison.rows, 3):
        values: list[Any] = [
            r.no, r.name_a, _number(r.max_a), _number(r.score_a), r.rate_a, r.name_b, _number(r.max_b),
            _number(r.score_b), r.rate_b, _number(r.diff), r.rate_diff,
            r.basis + (f"：{r.note}" if r.note else ""), r.reason_a, r.reason_b,
        ]  # fmt: skip
        for j, v in enumerate(values):
            fmt_ = f.text if j in (1, 5, 11, 12, 13) else f.number
            sheet.write(i, j, v, fmt_)
        sheet.set_row(
            i, max(18.0, max(_lines(r.reason_a, 40), _lines(r.reason_b, 40)) * LINE_HEIGHT + 4)
        )
    at = 3 + len(comparison.rows)
    totals: list[Any] = [
        "", "总分", _number(comparison.max_a), _number(comparison.total_a), comparison.grade_a, "总分",
        _number(comparison.max_b), _number(comparison.total_b), comparison.grade_b,
        _number(comparison.total_diff), "", "", "", "",
    ]  # fmt: skip
    for j, v in enumerate(totals):
        sheet.write(at, j, v, f.sub_number if j not in (1, 5) else f.sub_text)
    sheet.merge_range(at + 1, 0, at + 1, last, comparison.unmapped_text, f.note)
    sheet.set_row(at + 1, max(30.0, _lines(comparison.unmapped_text, 200) * LINE_HEIGHT))
    sheet.freeze_panes(3, 0)
    _print_setup(sheet, 2, last, at + 1)
    return sheet


def write_workbook(
    path: Path, ctx: ReportContext | None, comparison: ComparisonContext | None = None
) -> Path:
    """Write ``评分表`` (and ``比较`` when given) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties(
        {
            "title": ctx.scoresheet_title if ctx else "评价结果比较",
            "author": "jixiao",
            "comments": "由 jixiao 生成",
        }
    )
    formats = _Formats(book)
    if ctx is not None:
        write_scoresheet(book, ctx, formats)
    if comparison is not None:
        write_comparison_sheet(book, comparison, formats)
    book.close()
    return path
