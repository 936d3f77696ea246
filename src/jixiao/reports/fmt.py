"""How numbers are printed in reports: scores as the engine rounded them, money in a unit that is exact.

Reports never re-round a score: ``score`` prints the engine's Decimal without trailing zeros.
Amounts are printed in the case's unit (元 or 万元) when every amount of a table is exact to the
cent there, otherwise in 元 when that is exact (项目表 keyed in 元 and converted to 万元), and only
failing both rounded half-up, with the table saying so. Totals are summed from the exact figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.engine.numbers import format_number, format_percent, round_to

DASH = "—"
TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")


def score(value: Decimal | None) -> str:
    return DASH if value is None else format_number(value)


def rate(part: Decimal | None, whole: Decimal | None, places: int = 2) -> str:
    """``part/whole`` as a percentage rounded half-up (``100%``, ``111.76%``); ``—`` if undefined."""
    if part is None or whole is None or whole == 0:
        return DASH
    return format_percent(part / whole, places)


def percent_value(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole == 0 else part / whole


def _exact_in_cents(values: Iterable[Decimal]) -> bool:
    return all(v == v.quantize(CENT) for v in values)


@dataclass(frozen=True, slots=True)
class MoneyFormat:
    """The unit a table's amounts are printed in and how to print one amount."""

    unit: str  # 元 / 万元
    factor: Decimal  # multiply a fact by this to get the printed unit
    rounded: bool  # amounts were rounded to the cent for printing

    def __call__(self, value: Decimal | None) -> str:
        if value is None:
            return DASH
        shown = round_to(value * self.factor, 2)
        return f"{shown:,.2f}"

    @property
    def note(self) -> str:
        return "金额四舍五入至分位，合计按未舍入数计算。" if self.rounded else ""


def money_format(values: Iterable[Decimal | None], amount_unit: str) -> MoneyFormat:
    """Choose the printed unit for a set of amounts keyed in ``amount_unit``."""
    present = [v for v in values if v is not None]
    if _exact_in_cents(present):
        return MoneyFormat(amount_unit, Decimal(1), rounded=False)
    if amount_unit == "万元" and _exact_in_cents(v * TEN_THOUSAND for v in present):
        return MoneyFormat("元", TEN_THOUSAND, rounded=False)
    return MoneyFormat(amount_unit, Decimal(1), rounded=True)


def amount(value: Decimal | None, amount_unit: str) -> str:
    """One amount in a sentence, with its unit: ``1,440.56万元``; exact digits as keyed."""
    if value is None:
        return DASH
    text = format_number(value)
    if "." in text and len(text.split(".")[1]) > 2 and amount_unit == "万元":
        yuan = value * TEN_THOUSAND
        if yuan == yuan.quantize(CENT):
            return f"{round_to(yuan, 2):,.2f}元"
    whole, _, frac = text.partition(".")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    if whole.startswith("-0"):
        grouped = "-0"
    return f"{grouped}{'.' + frac if frac else ''}{amount_unit}"


def count(value: Decimal | None, unit: str = "人") -> str:
    return DASH if value is None else f"{format_number(value)}{unit}"
