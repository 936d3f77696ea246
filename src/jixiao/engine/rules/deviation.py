"""Shared reading of "full marks within a range, points off per distance outside it"."""

from __future__ import annotations

from decimal import Decimal

from jixiao.engine.intervals import Interval
from jixiao.engine.numbers import format_value, plain_number


def describe_distance(distance: Decimal, as_percent: bool) -> str:
    if as_percent:
        return f"{plain_number(distance.scaleb(2))}个百分点"
    return format_value(distance)


def outside_text(interval: Interval, distance: Decimal, as_percent: bool) -> str:
    """``低于90%共7个百分点`` / ``高于5%共39.79个百分点``: how far outside the full-marks range."""
    amount = describe_distance(distance, as_percent)
    if interval.low is not None and interval.high is None:
        return f"低于{format_value(interval.low)}共{amount}"
    if interval.high is not None and interval.low is None:
        return f"高于{format_value(interval.high)}共{amount}"
    return f"偏离「{interval.describe()}」{amount}"
