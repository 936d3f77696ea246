"""Writing cells with xlsxwriter: exact number formats, safe text, official-looking styles.

Text that begins with ``=``, ``+``, ``-`` or ``@`` is written as a string cell with Excel's
quote-prefix flag (the cell shows the text, and editing it does not turn it into a formula);
xlsxwriter is also told never to turn strings into formulas, numbers or links. Numbers are
written with a format showing exactly the decimals they were entered with, so ``3762.60``
reads back as ``3762.60`` and ``95.55%`` as ``95.55%``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from jixiao.engine.numbers import Percent

INJECTION_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r", "\n")
FONT: Final = "宋体"
WORKBOOK_OPTIONS: Final = {
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
}


def new_workbook(path: str) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    book.set_properties({"author": "jixiao", "comments": "由 jixiao 生成"})
    return book


def needs_neutralising(text: str) -> bool:
    return text.startswith(INJECTION_PREFIXES)


def decimals_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def number_format(value: Decimal | None, grouping: bool = True) -> str:
    """The Excel format that shows ``value`` with the decimals it was written with."""
    if isinstance(value, Percent):
        places = max(0, decimals_of(value) - 2)
        return "0" + ("." + "0" * places if places else "") + "%"
    places = decimals_of(value) if value is not None else 2
    head = "#,##0" if grouping else "0"
    return head + ("." + "0" * places if places else "")


class Styles:
    """A cache of xlsxwriter formats built from small property dicts."""

    def __init__(self, book: xlsxwriter.Workbook, base: dict[str, Any] | None = None) -> None:
        self.book = book
        self.base = {"font_name": FONT, "font_size": 11, "valign": "vcenter", **(base or {})}
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, **props: Any) -> Format:
        merged = {**self.base, **props}
        key = tuple(sorted(merged.items()))
        found = self._cache.get(key)
        if found is None:
            found = self.book.add_format(merged)
            self._cache[key] = found
        return found


def write_value(
    sheet: Worksheet, row: int, col: int, value: Any, styles: Styles, **props: Any
) -> None:
    """Write any cell value safely: Decimal/Percent with exact formats, text neutralised."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, styles.get(**props))
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", styles.get(**props))
    elif isinstance(value, Decimal):
        grouping = props.pop("grouping", True)
        fmt = props.pop("num_format", None) or number_format(value, grouping)
        sheet.write_number(row, col, float(value), styles.get(num_format=fmt, **props))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, styles.get(**props))
    elif isinstance(value, datetime | date):
        moment = (
            value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        )
        sheet.write_datetime(row, col, moment, styles.get(num_format="yyyy-mm-dd", **props))
    else:
        write_text(sheet, row, col, str(value), styles, **props)


def write_text(
    sheet: Worksheet, row: int, col: int, text: str, styles: Styles, **props: Any
) -> None:
    props.pop("grouping", None)
    if needs_neutralising(text):
        props["quote_prefix"] = True
    sheet.write_string(row, col, text, styles.get(**props))


def merge_text(
    sheet: Worksheet,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
    value: Any,
    styles: Styles,
    **props: Any,
) -> None:
    """A merged area holding one value (text neutralised like ``write_text``)."""
    if first_row == last_row and first_col == last_col:
        write_value(sheet, first_row, first_col, value, styles, **props)
        return
    if isinstance(value, str) and needs_neutralising(value):
        props["quote_prefix"] = True
    if isinstance(value, Decimal):
        props.setdefault("num_format", number_format(value))
        sheet.merge_range(first_row, first_col, last_row, last_col, "", styles.get(**props))
        sheet.write_number(first_row, first_col, float(value), styles.get(**props))
        return
    text = "" if value is None else str(value)
    sheet.merge_range(first_row, first_col, last_row, last_col, "", styles.get(**props))
    if text:
        sheet.write_string(first_row, first_col, text, styles.get(**props))
