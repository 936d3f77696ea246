"""Intervals written the way scoring standards print them: ``≤100%``, ``[95%,105%]``, ``100%-120%``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.engine.numbers import ZERO, format_value, parse_decimal

_NUMBER = r"[-+]?\d+(?:\.\d+)?\s*%?"
_COMPARATOR = re.compile(rf"^(<=|>=|≤|≥|<|>|=|＝|＜|＞)\s*({_NUMBER})$")
_BRACKETED = re.compile(rf"^([\[\(（【])\s*({_NUMBER})?\s*[,，]\s*({_NUMBER})?\s*([\]\)）】])$")
_RANGE = re.compile(rf"^({_NUMBER})\s*(?:-|~|～|至|到|—)\s*({_NUMBER})$")
_OTHERWISE = {"else", "其他", "其它", "否则"}


@dataclass(frozen=True, slots=True)
class Interval:
    """A set of values with optional bounds; ``None`` is unbounded."""

    low: Decimal | None
    high: Decimal | None
    low_closed: bool
    high_closed: bool

    @property
    def is_everything(self) -> bool:
        return self.low is None and self.high is None

    def contains(self, value: Decimal) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_closed)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_closed))
        )

    def distance(self, value: Decimal) -> Decimal:
        """How far ``value`` lies outside the interval (0 inside)."""
        if self.low is not None and value < self.low:
            return self.low - value
        if self.high is not None and value > self.high:
            return value - self.high
        return ZERO

    def describe(self) -> str:
        """Chinese reading of the interval, as a scoring standard would print it."""
        return _describe(self)


def _describe(interval: Interval) -> str:
    low, high = interval.low, interval.high
    if low is None and high is None:
        return "其他情况"
    if low is not None and high is not None:
        if low == high:
            return f"={format_value(low)}"
        return f"介于{format_value(low)}-{format_value(high)}之间"
    if high is not None:
        return ("≤" if interval.high_closed else "<") + format_value(high)
    assert low is not None
    return ("≥" if interval.low_closed else ">") + format_value(low)


def _number(text: str) -> Decimal:
    return parse_decimal(text.replace(" ", ""))


def parse_interval(text: str) -> Interval:
    """Parse a printed condition; raises ``ValueError`` with a Chinese explanation."""
    raw = str(text).strip()
    if raw in _OTHERWISE:
        return Interval(None, None, False, False)
    if match := _COMPARATOR.match(raw):
        op, bound = match.group(1), _number(match.group(2))
        if op in ("<=", "≤"):
            return Interval(None, bound, False, True)
        if op in ("<", "＜"):
            return Interval(None, bound, False, False)
        if op in (">=", "≥"):
            return Interval(bound, None, True, False)
        if op in (">", "＞"):
            return Interval(bound, None, False, False)
        return Interval(bound, bound, True, True)
    if match := _BRACKETED.match(raw):
        left, low, high, right = match.groups()
        return _checked(
            Interval(
                _number(low) if low else None,
                _number(high) if high else None,
                left in "[【",
                right in "]】",
            ),
            raw,
        )
    if match := _RANGE.match(raw):
        # A printed range "100%-120%" includes its lower bound and excludes the upper one.
        return _checked(
            Interval(_number(match.group(1)), _number(match.group(2)), True, False), raw
        )
    raise ValueError(
        f"无法识别的区间「{raw}」：可写作「≤100%」「<90%」「≥95%」「[95%,105%]」「100%-120%」或「其他」"
    )


def _checked(interval: Interval, raw: str) -> Interval:
    if interval.low is not None and interval.high is not None and interval.low > interval.high:
        raise ValueError(f"区间「{raw}」的下限大于上限")
    return interval


def first_gap(intervals: list[Interval]) -> str | None:
    """Describe the first stretch of numbers no interval covers, or ``None`` if they cover all."""
    if any(i.is_everything for i in intervals):
        return None
    ordered = sorted(intervals, key=lambda i: (i.low is not None, i.low or ZERO, not i.low_closed))
    if ordered[0].low is not None:
        return f"小于{format_value(ordered[0].low)}"
    reach, reach_closed = ordered[0].high, ordered[0].high_closed
    for interval in ordered[1:]:
        if reach is None:
            return None
        low = interval.low
        assert low is not None
        if low > reach or (low == reach and not reach_closed and not interval.low_closed):
            return f"介于{format_value(reach)}与{format_value(low)}之间"
        if interval.high is None:
            reach = None
        elif interval.high > reach or (interval.high == reach and interval.high_closed):
            reach, reach_closed = interval.high, interval.high_closed
    if reach is not None:
        return f"大于{format_value(reach)}"
    return None
