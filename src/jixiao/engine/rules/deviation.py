"""Shared reading of "full marks within a range, points off per distance outside it"."""

from __future__ import annotations

from decimal import Decimal

from jixiao.engine.intervals import Interval
from jixiao.engine.numbers import HUNDRED, format_number, format_value


def describe_distance(distance: Decimal, as_percent: bool) -> str:
    if as_percent:
        return f"{format_number((distance * HUNDRED).normalize())}个百分点"
    return format_value(distance)


def outside_text(interval: Interval, distance: Decimal, as_percent: bool) -> str:
    return f"超出「{interval.describe()}」{describe_distance(distance, as_percent)}"
