"""intervals: conditions as scoring standards print them."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine.intervals import Interval, first_gap, parse_interval
from tests.engine.rules._support import PROPERTY, finite, pct

D = Decimal


@pytest.mark.parametrize(
    ("text", "low", "high", "low_closed", "high_closed"),
    [
        ("≤100%", None, D(1), False, True),
        ("<=100%", None, D(1), False, True),
        ("<90%", None, D("0.9"), False, False),
        ("＜90%", None, D("0.9"), False, False),
        ("≥95%", D("0.95"), None, True, False),
        (">=95%", D("0.95"), None, True, False),
        (">5%", D("0.05"), None, False, False),
        ("＞5%", D("0.05"), None, False, False),
        ("=100%", D(1), D(1), True, True),
        ("＝0", D(0), D(0), True, True),
        ("[95%,105%]", D("0.95"), D("1.05"), True, True),
        ("(0,5%)", D(0), D("0.05"), False, False),
        ("（0，5%）", D(0), D("0.05"), False, False),
        ("【95%，105%】", D("0.95"), D("1.05"), True, True),
        ("[100%,120%)", D(1), D("1.2"), True, False),
        ("[100%,)", D(1), None, True, False),
        ("100%-120%", D(1), D("1.2"), True, False),
        ("100%~120%", D(1), D("1.2"), True, False),
        ("100%至120%", D(1), D("1.2"), True, False),
        ("-5%-5%", D("-0.05"), D("0.05"), True, False),
        (" ≤ 5 % ", None, D("0.05"), False, True),
        ("≤10", None, D(10), False, True),
    ],
)
def test_parse(
    text: str, low: Decimal | None, high: Decimal | None, low_closed: bool, high_closed: bool
) -> None:
    interval = parse_interval(text)
    assert (interval.low, interval.high) == (low, high)
    if low is not None:
        assert interval.low_closed is low_closed
    if high is not None:
        assert interval.high_closed is high_closed


@pytest.mark.parametrize("text", ["else", "其他", "其它", "否则"])
def test_otherwise(text: str) -> None:
    assert parse_interval(text).is_everything


@pytest.mark.parametrize("text", ["≥九十%", "大约90%", "", "[a,b]", "≥"])
def test_unreadable_in_chinese(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别的区间"):
        parse_interval(text)


def test_low_above_high() -> None:
    with pytest.raises(ValueError, match="下限大于上限"):
        parse_interval("[105%,95%]")
    with pytest.raises(ValueError, match="下限大于上限"):
        parse_interval("120%-100%")


def test_contains_at_the_bounds() -> None:
    band = parse_interval("[100%,120%)")
    assert band.contains(D(1))
    assert band.contains(D("1.1999"))
    assert not band.contains(D("1.2"))
    assert not band.contains(D("0.9999"))


@pytest.mark.parametrize(
    ("text", "value", "distance"),
    [
        ("≥90%", "0.8", "0.1"),
        ("≥90%", "0.95", "0"),
        ("≤5%", "0.4479", "0.3979"),
        ("[95%,105%]", "1.1012", "0.0512"),
        ("[95%,105%]", "0.9", "0.05"),
        ("其他", "-7", "0"),
    ],
)
def test_distance(text: str, value: str, distance: str) -> None:
    assert parse_interval(text).distance(D(value)) == D(distance)


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("≤100%", "≤100%"),
        ("<90%", "<90%"),
        ("≥95%", "≥95%"),
        (">0", ">0"),
        ("=50%", "=50%"),
        ("[100%,120%)", "介于100%-120%之间"),
        ("其他", "其他情况"),
    ],
)
def test_describe(text: str, described: str) -> None:
    assert parse_interval(text).describe() == described


def test_describe_does_not_depend_on_what_was_described_before() -> None:
    """Regression: a cache keyed on the Interval conflated Percent(3) with Decimal(3)."""
    assert parse_interval("≤3").describe() == "≤3"
    assert parse_interval("≤300%").describe() == "≤300%"


def test_first_gap() -> None:
    parse = parse_interval
    assert first_gap([parse("≤100%"), parse("[100%,120%)"), parse("≥120%")]) is None
    assert first_gap([parse("≥90%"), parse("<80%")]) == "介于80%与90%之间"
    assert first_gap([parse("≥90%")]) == "小于90%"
    assert first_gap([parse("≤90%")]) == "大于90%"
    gap = first_gap([parse("<100%"), parse(">100%")])
    assert gap is not None
    assert "100%" in gap
    assert first_gap([parse("≥90%"), parse("其他")]) is None


cuts = st.lists(
    st.decimals(min_value=-3, max_value=3, places=2), min_size=1, max_size=6, unique=True
).map(sorted)


@PROPERTY
@given(points=cuts, x=finite)
def test_a_partition_has_no_gap_and_exactly_one_band_holds(
    points: list[Decimal], x: Decimal
) -> None:
    bands = [parse_interval(f"<{pct(points[0])}")]
    bands += [parse_interval(f"[{pct(a)},{pct(b)})") for a, b in itertools.pairwise(points)]
    bands.append(parse_interval(f"≥{pct(points[-1])}"))
    assert first_gap(bands) is None
    assert sum(b.contains(x) for b in bands) == 1


@PROPERTY
@given(points=cuts, drop=st.integers(min_value=0, max_value=6))
def test_dropping_a_middle_band_leaves_a_gap(points: list[Decimal], drop: int) -> None:
    bands = [parse_interval(f"<{pct(points[0])}")]
    bands += [parse_interval(f"[{pct(a)},{pct(b)})") for a, b in itertools.pairwise(points)]
    bands.append(parse_interval(f"≥{pct(points[-1])}"))
    del bands[drop % len(bands)]
    assert first_gap(bands) is not None


@PROPERTY
@given(low=finite, high=finite, x=finite)
def test_distance_is_zero_exactly_inside_closed_intervals(
    low: Decimal, high: Decimal, x: Decimal
) -> None:
    low, high = sorted((low, high))
    interval = Interval(low, high, True, True)
    assert (interval.distance(x) == 0) == interval.contains(x)
    assert interval.distance(x) >= 0
