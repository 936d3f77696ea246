"""Decimal helpers: parsing printed numbers, rounding as a framework says, Chinese-style display."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Final

from pydantic import ValidatorFunctionWrapHandler, WrapValidator

ROUNDING_MODES: Final = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
HUNDRED: Final = Decimal(100)
ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％－＋，", "0123456789.%-+,")


class Percent(Decimal):
    """A ratio that was written as a percentage (``64%`` → 0.64); it is displayed as one."""

    __slots__ = ()


def parse_decimal(raw: object) -> Decimal:
    """Read a number as printed: ``1,440.56``, ``64%``, full-width digits; floats via their text.

    Raises ``ValueError`` with the offending text when it is not a number.
    """
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"「{raw}」不是数字")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().translate(_FULL_WIDTH).replace(",", "").replace(" ", "")
    is_percent = text.endswith("%")
    if is_percent:
        text = text[:-1]
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"「{raw}」不是数字") from None
    if not value.is_finite():
        raise ValueError(f"「{raw}」不是有限的数字")
    return Percent(value / HUNDRED) if is_percent else value


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(12)}


# Wide enough that any figure a report can hold rounds without overflowing the default 28 digits.
WIDE_CONTEXT = Context(prec=80)


def round_to(value: Decimal, places: int, mode: str = "half_up") -> Decimal:
    """Round to ``places`` decimals (四舍五入 by default)."""
    # Positional arguments: keyword arguments make this C call three times slower.
    return value.quantize(_QUANTA[places], ROUNDING_MODES[mode], WIDE_CONTEXT)


def plain_number(value: Decimal) -> str:
    """``6.740`` → ``6.74``; ``2.00`` → ``2``; never scientific notation."""
    text = str(value)  # 3x faster than format(value, "f"), which is only needed for E notation
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Scores, weights and printed percentages repeat across unit-years, so a cache hit beats
# formatting again; computed rates rarely repeat, so their display calls ``plain_number``.
format_number = lru_cache(maxsize=8192)(plain_number)


@lru_cache(maxsize=8192)
def format_percent(ratio: Decimal, places: int = 2, mode: str = "half_up") -> str:
    """``1.117647`` → ``111.76%``; whole percentages lose their decimals (``100%``)."""
    return plain_number(round_to(ratio * HUNDRED, places, mode)) + "%"


def format_value(value: Decimal) -> str:
    """Display a number: percentages as percentages, others without trailing zeros."""
    if isinstance(value, Percent):
        return format_percent(value)
    return format_number(value)


def format_as_given(value: Decimal) -> str:
    """Display a fact as it was written (``3762.60`` keeps its printed zero)."""
    if isinstance(value, Percent):
        return format_percent(value)
    text = str(value)  # 5x faster than format(value, "f"); only tiny/huge values use E notation
    return format(value, "f") if "E" in text else text


def _lenient_decimal(raw: object, handler: ValidatorFunctionWrapHandler) -> Decimal:
    """Let YAML authors write ``5%``, ``1,440.56`` or full-width digits where a number is due.

    Percentages stay ``Percent`` so that they are shown as percentages again.
    """
    if isinstance(raw, str | int | float | Decimal) and not isinstance(raw, bool):
        return parse_decimal(raw)
    result: Decimal = handler(raw)
    return result


Number = Annotated[Decimal, WrapValidator(_lenient_decimal)]
