"""Small parts: money in an exact unit, narrative placeholders, merged-cell layout, numerals."""

from __future__ import annotations

from decimal import Decimal

from jixiao.reports import fmt, narrative
from jixiao.reports.context import ScoreRow, chinese_number
from jixiao.reports.layout import level_cells


def test_money_is_printed_in_a_unit_where_it_is_exact() -> None:
    keyed_in_yuan = [Decimal("256.625"), Decimal("735.812724")]
    money = fmt.money_format(keyed_in_yuan, "万元")
    assert (money.unit, money(keyed_in_yuan[1]), money.note) == ("元", "7,358,127.24", "")
    plain = fmt.money_format([Decimal("1440.56")], "万元")
    assert (plain.unit, plain(Decimal("1440.56"))) == ("万元", "1,440.56")
    odd = fmt.money_format([Decimal("1.23456789")], "万元")
    assert odd.rounded and odd(Decimal("1.23456789")) == "1.23" and odd.note
    assert fmt.amount(Decimal("1440.56"), "万元") == "1,440.56万元"
    assert fmt.amount(Decimal("256.625"), "万元") == "2,566,250.00元"
    assert (
        fmt.rate(Decimal(38), Decimal(34)) == "111.76%" and fmt.rate(Decimal(1), Decimal(0)) == "—"
    )


def test_narrative_placeholders_are_marked_and_optional_parts_left_out() -> None:
    texts, pending = narrative.resolve({"functions": "  负责应急管理工作。 ", "party": "党建工作"})
    assert texts["functions"] == "负责应急管理工作。"
    assert narrative.is_placeholder(texts["measures"]) and "改进措施及建议" in texts["measures"]
    assert texts["preface"] == "" and texts["party"] == "党建工作"
    assert "部门（单位）职能" not in pending and "原因分析" in pending


def _row(kind: str, path: list[str]) -> ScoreRow:
    return ScoreRow(kind, len(path), "", path, path[-1], "1", "1", "", "", "", "", "", "")


def test_level_cells_merge_ancestors_and_span_labels() -> None:
    rows = [
        _row("leaf", ["投入", "目标设定", "a"]),
        _row("leaf", ["投入", "目标设定", "b"]),
        _row("subtotal", ["投入", "目标设定"]),
        _row("leaf", ["投入", "c"]),
        _row("subtotal", ["投入"]),
    ]
    grid = level_cells(rows, 3)
    assert (grid[0][0].role, grid[0][0].rows) == ("start", 4)  # 投入 over its four rows
    assert [grid[i][0].role for i in range(1, 4)] == ["continue"] * 3
    assert (grid[0][1].role, grid[0][1].rows) == ("start", 2)  # 目标设定 over a, b
    assert (grid[2][1].text, grid[2][1].span) == ("目标设定小计", 2)
    assert (grid[3][1].text, grid[3][1].span, grid[3][2].covered) == ("c", 2, True)
    assert (grid[4][0].text, grid[4][0].span, grid[4][0].role) == ("投入小计", 3, "single")


def test_chinese_numerals() -> None:
    assert [chinese_number(n) for n in (1, 9, 10, 12, 20, 21)] == [
        "一",
        "九",
        "十",
        "十二",
        "二十",
        "二十一",
    ]
