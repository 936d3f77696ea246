"""Reading one cell as a typed value — or saying, in Chinese, why it cannot be read.

Each reader returns the value or raises ``CellError(code, reason)``; the caller adds sheet and
cell. Nothing is silently coerced: a percentage typed as ``95`` where a ratio is due, a date
typed as text, a date-formatted cell where a number is due, a negative amount — each is an
error that says what to type instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from jixiao.engine.numbers import HUNDRED, Percent, format_number, parse_decimal
from jixiao.io.excel.reader import NumberFormat, excel_serial, float_decimal

RATE_MAX: Final = Decimal("1.5")
TRUE_WORDS: Final = frozenset({"是", "true", "√", "✓", "y", "yes", "对", "有"})
FALSE_WORDS: Final = frozenset({"否", "false", "×", "✗", "n", "no", "不", "无"})
_DATE_TEXT: Final = re.compile(
    r"^\s*\d{4}\s*[年./\-]\s*\d{1,2}\s*[月./\-]\s*\d{1,2}\s*日?\s*$|^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*$"
)


class CellError(ValueError):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation as half-width (``９５％`` → ``95%``)."""
    return unicodedata.normalize("NFKC", text)


def header_key(text: Any) -> str:
    """A header as compared: half-width, no spaces, no ``*`` marks, no line breaks."""
    cleaned = nfkc(str(text)).replace("*", "").replace("★", "")
    return re.sub(r"\s+", "", cleaned)


def strip_unit(header: str) -> str:
    """``年初预算（万元）`` → ``年初预算``; ``执行率(%)`` → ``执行率``."""
    return re.sub(r"[(（][^()（）]*[)）]\s*$", "", header).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A raw cell value as the user sees it, for messages."""
    if isinstance(value, float):
        return format_number(float_decimal(value))
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != datetime.min.time()
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def read_text(value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float):
        return format_number(float_decimal(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if excel_serial(value):
        return shown(value)
    return str(value).strip(" \t\u3000")  # line breaks are kept: long texts round-trip exactly


def _not_number_reason(value: Any) -> str:
    return f"「{shown(value)}」不是数字"


def read_number(value: Any, fmt: NumberFormat | None = None) -> Decimal | None:
    """A number as entered: cell numbers exactly, text like ``1,440.56`` or ``６４％``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("excel.not_number", _not_number_reason(value))
    if excel_serial(value):
        raise CellError(
            "excel.date_not_number",
            f"单元格是日期格式（显示为{shown(value)}），应为数字；请把单元格格式改为“数值”后重新输入",
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("excel.not_number", f"「{value}」不是有限的数字")
        number = float_decimal(value)
        if fmt is not None and fmt.percent:
            return Percent(number)
        if fmt is not None and fmt.decimals > 0:
            number = at_places(number, fmt.decimals)
        return number
    text = str(value).strip()
    if _DATE_TEXT.match(nfkc(text)):
        raise CellError("excel.not_number", f"「{text}」是日期，不是数字")
    try:
        return parse_decimal(nfkc(text))
    except ValueError:
        raise CellError("excel.not_number", _not_number_reason(value)) from None


def at_places(number: Decimal, places: int) -> Decimal:
    """Give ``3762.6`` its displayed ``3762.60`` when that is exact; never round a value away."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < places <= 12:
        try:
            quantized = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            return number
        if quantized == number:
            return quantized
    return number


def read_amount(
    value: Any, fmt: NumberFormat | None = None, signed: bool = False
) -> Decimal | None:
    number = read_number(value, fmt)
    if number is None:
        return None
    if isinstance(number, Percent):
        raise CellError("excel.not_number", f"「{shown_percent(number)}」是百分数，这里应填金额")
    if number < 0 and not signed:
        raise CellError(
            "excel.negative",
            f"金额「{format_number(number)}」为负数；金额不能为负（调减请在“预算调整数”中填写）",
        )
    return number


def read_count(value: Any, fmt: NumberFormat | None = None) -> Decimal | None:
    number = read_number(value, fmt)
    if number is None:
        return None
    if isinstance(number, Percent) or number < 0:
        raise CellError("excel.not_number", f"「{shown(value)}」不是人数或件数")
    return number


def shown_percent(value: Decimal) -> str:
    return format_number(value * HUNDRED) + "%"


def read_rate(value: Any, fmt: NumberFormat | None = None) -> Percent | None:
    """A ratio: ``95%`` (text or percent-formatted cell) or ``0.95``; ``95`` is refused."""
    number = read_number(value, fmt)
    if number is None:
        return None
    if isinstance(number, Percent):
        if number > RATE_MAX and not isinstance(value, str):
            raise CellError("excel.percent", percent_format_reason(number))
        return number
    if number < 0 or number > RATE_MAX:
        raise CellError(
            "excel.percent",
            f"「{shown(value)}」不是比率：若指{format_number(number)}%，请填“{format_number(number)}%”"
            f"或{format_number(number / HUNDRED)}（单元格可设为百分比格式）",
        )
    return Percent(number)


def percent_format_reason(number: Decimal) -> str:
    """Why a percent-formatted cell holding ``95`` (shown as 9500%) is refused."""
    shown_as = format_number(number * HUNDRED)
    return (
        f"单元格为百分比格式，数值{format_number(number)}显示为{shown_as}%；"
        f"若指{format_number(number)}%，请输入“{format_number(number)}%”或{format_number(number / HUNDRED)}"
    )


def read_value(value: Any, fmt: NumberFormat | None = None) -> Decimal | str | None:
    """A target or actual value: a number, a percentage, or words (定性)."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            return parse_decimal(nfkc(text))
        except ValueError:
            return text
    return read_number(value, fmt)


def read_bool(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = nfkc(str(value)).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("excel.not_bool", f"「{shown(value)}」应为“是”或“否”")


def read_date(value: Any) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DATE_TEXT.match(nfkc(text)):
            raise CellError(
                "excel.date_text",
                f"日期「{text}」是文字；请输入为日期（如 2020-02-12）并设为日期格式，避免年月日被误读",
            )
        raise CellError("excel.not_date", f"「{text}」不是日期")
    raise CellError(
        "excel.not_date",
        f"「{shown(value)}」是数字，不是日期；请输入为日期（如 2020-02-12）并设为日期格式",
    )


def read_int(value: Any) -> int | None:
    number = read_number(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError("excel.not_number", f"「{shown(value)}」不是整数")
    return int(number)


def read_choice(
    value: Any, choices: tuple[str, ...], aliases: dict[str, str] | None = None
) -> str | None:
    text = read_text(value)
    if text is None:
        return None
    key = nfkc(text).replace(" ", "")
    for choice in choices:
        if nfkc(choice) == key:
            return choice
    if aliases and key in aliases:
        return aliases[key]
    raise CellError("excel.choice", f"「{text}」不是可选值（可选：{'、'.join(choices)}）")
