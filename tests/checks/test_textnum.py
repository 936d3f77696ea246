"""The number / comparator / unit parser: examples and hypothesis properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.checks.textnum import (
    cn_to_int,
    find_dates,
    find_quantities,
    normalize,
    parse_comparator,
    parse_number,
    parse_target_value,
)
from jixiao.engine.numbers import Percent

# ---------------------------------------------------------------------------------------------
# an independent writer of Chinese numerals, as the oracle for the parser

_D = "零一二三四五六七八九"


def _four(n: int) -> str:
    """0 < n < 10000, with 零 for inner gaps (一千零五)."""
    out = ""
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _D[digit] + unit
    return out


def to_chinese(n: int) -> str:
    if n == 0:
        return "零"
    yi, wan, rest = n // 10**8, n // 10**4 % 10**4, n % 10**4
    out = ""
    if yi:
        out += _four(yi) + "亿"
    if wan:
        out += ("零" if out and wan < 1000 else "") + _four(wan) + "万"
    if rest:
        out += ("零" if out and rest < 1000 else "") + _four(rest)
    return out


_FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")

# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三百五十", 350),
        ("十二", 12),
        ("一百零五", 105),
        ("两万三千", 23000),
        ("二十五万六千七百", 256700),
        ("一亿二千万", 120_000_000),
        ("二〇二一", 2021),
        ("十", 10),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_to_int(text) == value


def test_cn_to_int_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="不是中文数字"):
        cn_to_int("一岗双责")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,440.56", Decimal("1440.56")),
        ("９５％", Decimal("0.95")),
        ("３.５万", Decimal("35000")),
        ("百分之九十五", Decimal("0.95")),
        ("-13.92%", Decimal("-0.1392")),
        ("－１３.９２％", Decimal("-0.1392")),
        ("1.5亿", Decimal("150000000")),
        ("三点五", Decimal("3.5")),
    ],
)
def test_parse_number(text: str, expected: Decimal) -> None:
    value = parse_number(text)
    assert value == expected
    assert isinstance(value, Percent) == text.endswith(("%", "％")) or text.startswith("百分之")


def test_parse_number_rejects_words() -> None:
    with pytest.raises(ValueError, match="不是数字"):
        parse_number("九十分左右的样子")


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("≥95%", "≥", Decimal("0.95"), "%"),
        ("不低于95%", "≥", Decimal("0.95"), "%"),
        ("95%以上", "≥", Decimal("0.95"), "%"),
        ("群众对应急救援工作满意度90%以上", "≥", Decimal("0.9"), "%"),
        (">=95%", "≥", Decimal("0.95"), "%"),
        ("＞＝９５％", "≥", Decimal("0.95"), "%"),
        ("满意度达到98%", "≥", Decimal("0.98"), "%"),
        ("不超过5个工作日", "≤", Decimal("5"), "个工作日"),
        ("30日内", "≤", Decimal("30"), "日"),
        ("控制在100万元以内", "≤", Decimal("1000000"), "元"),
        ("≤100%", "≤", Decimal("1"), "%"),
        ("少于3起", "<", Decimal("3"), "起"),
        ("5万人次", None, Decimal("50000"), "人次"),
        ("每年开展“安全生产月”活动一次", None, Decimal("1"), "次"),
        ("三百五十人", None, Decimal("350"), "人"),
    ],
)
def test_parse_target_value(text: str, comparator: str | None, value: Decimal, unit: str) -> None:
    parsed = parse_target_value(text)
    assert parsed is not None
    assert (parsed.comparator, parsed.value, parsed.unit) == (comparator, value, unit)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("90%-95%", Decimal("0.9"), Decimal("0.95"), "%"),
        ("90-95%", Decimal("0.9"), Decimal("0.95"), "%"),
        ("90%～95%", Decimal("0.9"), Decimal("0.95"), "%"),
        ("介于90%和95%之间", Decimal("0.9"), Decimal("0.95"), "%"),
        ("100-200万元", Decimal("1000000"), Decimal("2000000"), "元"),
    ],
)
def test_ranges(text: str, low: Decimal, high: Decimal, unit: str) -> None:
    parsed = parse_target_value(text)
    assert parsed is not None and parsed.is_range
    assert (parsed.low, parsed.high, parsed.unit) == (low, high, unit)


def test_no_quantity_in_plain_wording() -> None:
    assert parse_target_value("每月做好应急救援管理工作") is None
    assert parse_target_value("落实一岗双责") is None
    assert find_quantities("2021年12月31日前完成") == []
    assert find_dates("2021年12月31日前完成，6月底前") == ["2021年12月31日", "6月底"]


def test_bare_comparators() -> None:
    assert parse_comparator("不低于") == "≥"
    assert parse_comparator("以内") == "≤"
    assert parse_comparator("＞＝") == "≥"
    assert parse_comparator("大约") is None


def test_normalize_latex_and_full_width() -> None:
    assert normalize("$=38/34=111.76\\%$") == "=38/34=111.76%"
    assert normalize("\\geq 90\\%") == "≥ 90%"
    assert normalize("（６.７４－７.８３）") == "(6.74-7.83)"


# ---------------------------------------------------------------------------------------------
# properties

COMPARATOR_WORDS = {
    "≥": (["≥", "不低于", "不少于", "至少", ">="], ["以上", "及以上"]),
    "≤": (["≤", "不超过", "不高于", "<="], ["以内", "以下"]),
    ">": (["超过", "大于", "高于"], []),
    "<": (["低于", "小于", "少于"], []),
}
UNITS = ["%", "次", "个", "人次", "家", "项", "日", "小时", "元", "万元", "公里"]

amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@given(st.integers(min_value=0, max_value=99_999_999_999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert cn_to_int(to_chinese(n)) == n


@given(amounts, st.booleans())
def test_full_width_digits_read_like_ascii(amount: Decimal, percent: bool) -> None:
    text = f"{amount}{'%' if percent else ''}"
    assert parse_number(text.translate(_FULL)) == parse_number(text)


@given(amounts, st.sampled_from(sorted(COMPARATOR_WORDS)), st.data())
@settings(max_examples=100, deadline=None)
def test_comparator_number_unit(amount: Decimal, comparator: str, data: st.DataObject) -> None:
    prefixes, suffixes = COMPARATOR_WORDS[comparator]
    unit = data.draw(st.sampled_from(UNITS))
    use_suffix = bool(suffixes) and data.draw(st.booleans())
    number = f"{amount}"
    if data.draw(st.booleans()):
        number = number.translate(_FULL)
    if use_suffix:
        text = f"指标值{number}{unit}{data.draw(st.sampled_from(suffixes))}"
    else:
        text = f"指标值{data.draw(st.sampled_from(prefixes))}{number}{unit}"
    parsed = parse_target_value(text)
    assert parsed is not None
    assert parsed.comparator == comparator
    scale = {"%": Decimal("0.01"), "万元": Decimal(10000)}.get(unit, Decimal(1))
    assert parsed.value == amount * scale
    assert parsed.unit == ("元" if unit in ("元", "万元") else unit)


@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["万", "亿"]),
    st.sampled_from(["人次", "元", "吨"]),
)
def test_magnitudes(n: int, magnitude: str, unit: str) -> None:
    parsed = parse_target_value(f"不少于{n}{magnitude}{unit}")
    assert parsed is not None
    factor = 10**4 if magnitude == "万" else 10**8
    assert parsed.value == n * factor
    assert parsed.comparator == "≥"


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["次", "个", "人", "项", "场"]))
def test_chinese_numeral_counts(n: int, unit: str) -> None:
    parsed = parse_target_value(f"开展活动{to_chinese(n)}{unit}")
    assert parsed is not None
    assert (parsed.value, parsed.unit, parsed.kind) == (n, unit, "count")


@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=100),
    st.sampled_from(["-", "～", "至", "~"]),
)
def test_percent_ranges(a: int, width: int, separator: str) -> None:
    b = a + width
    parsed = parse_target_value(f"{a}%{separator}{b}%")
    assert parsed is not None and parsed.is_range
    assert (parsed.low, parsed.high) == (Decimal(a) / 100, Decimal(b) / 100)
