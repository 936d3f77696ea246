"""Numbers, comparators and units as Chinese reports write them.

``≥95%``, ``不低于95%``, ``95%以上``, ``９５％``, ``百分之九十五`` all read as (≥, 0.95, %);
``5万人次`` is 50000 人次, ``100万元`` is 1,000,000 元, ``一次`` is 1 次, ``30日内`` is (≤, 30 日),
``90%-95%`` is a range. Everything returns ``Decimal`` (never float); percentages come back as the
engine's ``Percent`` so they print as percentages again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Final, Literal

from jixiao.engine.numbers import HUNDRED, Percent

Comparator = Literal["≥", "≤", ">", "<", "=", "range"]
QuantityKind = Literal["percent", "money", "duration", "count", "measure", "number"]

# ---------------------------------------------------------------------------------------------
# normalisation

_TRANSLATE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "％": "%",
        "﹪": "%",
        "．": ".",
        "＋": "+",
        "－": "-",
        "−": "-",
        "﹣": "-",
        "＝": "=",
        "＜": "<",
        "＞": ">",
        "（": "(",
        "）": ")",
        "～": "~",
        "〜": "~",
        "＊": "*",
        "／": "/",
        "≧": "≥",
        "≦": "≤",
        "⩾": "≥",
        "⩽": "≤",
        "\u00a0": " ",
        "\u3000": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
    }
)
_LATEX: Final = (
    ("\\%", "%"),
    ("\\geqslant", "≥"),
    ("\\leqslant", "≤"),
    ("\\geq", "≥"),
    ("\\leq", "≤"),
    ("\\ge", "≥"),
    ("\\le", "≤"),
    ("\\times", "×"),
    ("\\cdot", "×"),
    ("\\div", "÷"),
    ("\\left", ""),
    ("\\right", ""),
    ("\\,", ""),
    ("\\;", ""),
    ("\\!", ""),
    ("$", ""),
)
_ASCII_CMP = ((">=", "≥"), ("<=", "≤"), ("=>", "≥"), ("=<", "≤"), ("!=", "≠"))


def normalize(text: str) -> str:
    """Full-width digits and symbols to ASCII, ``>=`` to ``≥``, LaTeX remnants (``\\%``, ``$``,
    ``\\geq``) removed. Chinese punctuation (，、。；：) is kept: it separates clauses."""
    out = text.translate(_TRANSLATE)
    if "\\" in out or "$" in out:
        for old, new in _LATEX:
            out = out.replace(old, new)
    for old, new in _ASCII_CMP:
        out = out.replace(old, new)
    return out


# ---------------------------------------------------------------------------------------------
# Chinese numerals

CN_DIGITS: Final = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
CN_SMALL: Final = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG: Final = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
_CN_CHARS: Final = "".join(CN_DIGITS) + "".join(CN_SMALL) + "".join(CN_BIG)
_CN_NUMERAL = (
    f"[{_CN_CHARS}]*[{''.join(CN_DIGITS)}十拾][{_CN_CHARS}]*(?:点[{''.join(CN_DIGITS)}]+)?"
)


def cn_to_int(text: str) -> int:
    """``三百五十`` → 350, ``两万三千`` → 23000, ``十二`` → 12, ``二〇二一`` → 2021.

    Raises ``ValueError`` for anything that is not a Chinese numeral.
    """
    if not text or any(ch not in _CN_CHARS for ch in text):
        raise ValueError(f"「{text}」不是中文数字")
    if all(ch in CN_DIGITS for ch in text):  # 二〇二一: digit by digit
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total = 0  # completed 亿 groups
    section = 0  # the current group below 亿
    number = 0  # the digit waiting for its unit
    for ch in text:
        if ch in CN_DIGITS:
            number = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            section += (number or (1 if ch in "十拾" else 0)) * CN_SMALL[ch]
            number = 0
        elif CN_BIG[ch] == 10_000:
            section = (section + number) * 10_000
            number = 0
        else:
            total = (total + section + number) * 100_000_000
            section = number = 0
    return total + section + number


def cn_to_decimal(text: str) -> Decimal:
    """Like ``cn_to_int`` but reads ``三点五`` as 3.5."""
    if "点" in text:
        whole, _, frac = text.partition("点")
        digits = "".join(str(CN_DIGITS[ch]) for ch in frac if ch in CN_DIGITS)
        if len(digits) != len(frac):
            raise ValueError(f"「{text}」不是中文数字")
        return Decimal(f"{cn_to_int(whole) if whole else 0}.{digits}")
    return Decimal(cn_to_int(text))


# ---------------------------------------------------------------------------------------------
# units

MONEY_UNITS: Final = {
    "亿元": Decimal(100_000_000),
    "万元": Decimal(10_000),
    "千元": Decimal(1000),
    "元": Decimal(1),
}
DURATION_UNITS: Final = (
    "个工作日",
    "工作日",
    "个小时",
    "小时",
    "分钟",
    "个月",
    "个季度",
    "季度",
    "周",
    "天",
    "日",
    "月",
    "年",
)
COUNT_UNITS: Final = (
    "人次",
    "家次",
    "户次",
    "批次",
    "场次",
    "车次",
    "架次",
    "课时",
    "学时",
    "次",
    "个",
    "项",
    "家",
    "人",
    "名",
    "位",
    "场",
    "期",
    "份",
    "套",
    "台",
    "件",
    "户",
    "处",
    "座",
    "所",
    "条",
    "篇",
    "批",
    "支",
    "辆",
    "本",
    "册",
    "张",
    "块",
    "部",
    "起",
    "宗",
    "例",
    "间",
    "栋",
    "队",
    "组",
    "轮",
    "页",
    "类",
    "种",
    "道",
    "口",
    "棵",
    "株",
    "头",
    "只",
    "床",
    "顶",
    "箱",
    "袋",
    "瓶",
    "盒",
    "单",
)
MEASURE_UNITS: Final = (
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "公里",
    "千米",
    "公顷",
    "千克",
    "公斤",
    "万吨",
    "吨",
    "米",
    "亩",
    "斤",
    "千瓦时",
    "度",
    "㎡",
    "m2",
    "km",
)
_ALL_UNITS: Final = sorted(
    (*MONEY_UNITS, *DURATION_UNITS, *COUNT_UNITS, *MEASURE_UNITS), key=len, reverse=True
)
_UNIT_RE = "|".join(re.escape(u) for u in _ALL_UNITS)
_MAGNITUDES: Final = {
    "千亿": Decimal(10) ** 11,
    "百亿": Decimal(10) ** 10,
    "亿": Decimal(10) ** 8,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "万": Decimal(10) ** 4,
    "千": Decimal(1000),
}


def unit_kind(unit: str) -> QuantityKind:
    if unit in ("%", "‰"):
        return "percent"
    if unit in MONEY_UNITS:
        return "money"
    if unit in DURATION_UNITS:
        return "duration"
    if unit in COUNT_UNITS:
        return "count"
    if unit in MEASURE_UNITS:
        return "measure"
    return "number"


# ---------------------------------------------------------------------------------------------
# numbers

ARABIC: Final = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_ARABIC_FULL = re.compile(rf"^[-+]?(?:{ARABIC})$")


def parse_number(text: str) -> Decimal:
    """One number as printed: ``1,440.56``, ``９５％`` (→ Percent 0.95), ``3.5万`` (→ 35000),
    ``百分之九十五``, ``三百五十``, ``-13.92%``. Raises ``ValueError`` otherwise."""
    raw = normalize(text).strip().replace(" ", "")
    if not raw:
        raise ValueError("空白不是数字")
    sign = Decimal(1)
    if raw[0] in "+-":
        sign = Decimal(-1) if raw[0] == "-" else Decimal(1)
        raw = raw[1:]
    if raw.startswith("百分之"):
        return Percent(sign * _plain(raw[3:]) / HUNDRED)
    if raw.startswith("千分之"):
        return Percent(sign * _plain(raw[3:]) / Decimal(1000))
    if raw.endswith("%"):
        return Percent(sign * _plain(raw[:-1]) / HUNDRED)
    if raw.endswith("‰"):
        return Percent(sign * _plain(raw[:-1]) / Decimal(1000))
    return sign * _plain(raw)


def _plain(raw: str) -> Decimal:
    if _ARABIC_FULL.match(raw):
        try:
            return Decimal(raw.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise ValueError(f"「{raw}」不是数字") from None
    for suffix in sorted(_MAGNITUDES, key=len, reverse=True):
        if raw.endswith(suffix) and len(raw) > len(suffix):
            head = raw[: -len(suffix)]
            if _ARABIC_FULL.match(head):
                return Decimal(head.replace(",", "")) * _MAGNITUDES[suffix]
    if re.fullmatch(_CN_NUMERAL, raw):
        return cn_to_decimal(raw)
    raise ValueError(f"「{raw}」不是数字")


# ---------------------------------------------------------------------------------------------
# quantities in running text


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit found in text. ``value`` is in base units (元, 人次, …)."""

    value: Decimal
    unit: str  # base unit: "%", "‰", "元", "人次", "日", … or "" for a bare number
    kind: QuantityKind
    printed: str
    start: int
    end: int
    number: Decimal  # the number as written, before 万/亿/% scaling
    approximate: bool = False

    @property
    def scale(self) -> Decimal:
        """value / number: 10000 for 万, 0.01 for %, 1 otherwise."""
        return self.value / self.number if self.number else Decimal(1)


_QTY = re.compile(
    rf"(?P<pct>百分之|千分之)?"
    rf"(?P<sign>[-+])?(?P<num>{ARABIC}|{_CN_NUMERAL})"
    rf"(?P<mag>千亿|百亿|亿|千万|百万|万(?!元)|千(?![米克瓦元]))?"
    rf"(?P<approx>余|多)?"
    rf"(?P<unit>%|‰|{_UNIT_RE})?"
)
_DATE = re.compile(
    r"(?:(?:19|20)\d{2}年)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?:\d{1,2}日|[一二三四五六七八九十]{1,3}日|底|末|初|中旬|上旬|下旬)?"
    r"|(?:19|20)\d{2}年(?:底|末|初|上半年|下半年|内|度)?"
)


def find_dates(text: str) -> list[str]:
    """``2021年12月31日``, ``6月底``, ``2021年`` …"""
    return [m.group(0) for m in _DATE.finditer(normalize(text))]


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in ``text``; Chinese numerals only when a unit or 百分之 marks them
    (so that 一岗双责 is not a quantity); years and dates are skipped."""
    norm = normalize(text)
    dates = [m.span() for m in _DATE.finditer(norm)]
    found: list[Quantity] = []
    last_end = -1
    for m in _QTY.finditer(norm):
        if any(a <= m.start() < b for a, b in dates):
            continue
        quantity = _quantity(m, norm, separated=m.start() == last_end)
        if quantity is not None:
            found.append(quantity)
            last_end = m.end()
    return found


def _quantity(m: re.Match[str], norm: str, separated: bool) -> Quantity | None:
    start = m.start()
    negative = m.group("sign") == "-"
    if m.group("sign") and separated:  # 90%-95%: the dash separates, it is no sign
        start += 1
        negative = False
    num = m.group("num")
    unit = m.group("unit") or ""
    pct = m.group("pct")
    is_cn = not re.match(r"[\d.]", num)
    if is_cn and (not (unit or pct) or (m.group("mag") and not unit)):
        return None
    # an arabic number glued to letters on the left is part of a code, not a quantity
    if start > 0 and re.match(r"[A-Za-z_#]", norm[start - 1]):
        return None
    try:
        number = -_plain(num) if negative else _plain(num)
    except ValueError:
        return None
    value = number * _MAGNITUDES[m.group("mag")] if m.group("mag") else number
    if pct:
        unit = "%" if pct == "百分之" else "‰"
    if unit in ("%", "‰"):
        value = Percent(value / (HUNDRED if unit == "%" else Decimal(1000)))
    elif unit in MONEY_UNITS:
        value *= MONEY_UNITS[unit]
        unit = "元"
    return Quantity(
        value=value,
        unit=unit,
        kind=unit_kind(unit),
        printed=norm[start : m.end()],
        start=start,
        end=m.end(),
        number=number,
        approximate=bool(m.group("approx")),
    )


# ---------------------------------------------------------------------------------------------
# comparators and target values

# words before the number (longest first); value: comparator
_PREFIX_WORDS: Final = {
    "大于或等于": "≥",
    "大于等于": "≥",
    "高于或等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "不短于": "≥",
    "不得低于": "≥",
    "不得少于": "≥",
    "至少": "≥",
    "达到": "≥",
    "达": "≥",
    "≥": "≥",
    "小于或等于": "≤",
    "小于等于": "≤",
    "低于或等于": "≤",
    "不超过": "≤",
    "不高于": "≤",
    "不多于": "≤",
    "不大于": "≤",
    "不长于": "≤",
    "不得超过": "≤",
    "不得高于": "≤",
    "控制在": "≤",
    "≤": "≤",
    "超过": ">",
    "大于": ">",
    "高于": ">",
    "多于": ">",
    ">": ">",
    "低于": "<",
    "小于": "<",
    "少于": "<",
    "<": "<",
    "等于": "=",
    "=": "=",
}
_SUFFIX_WORDS: Final = {
    "及以上": "≥",
    "以上": "≥",
    "或以上": "≥",
    "及以下": "≤",
    "以下": "≤",
    "或以下": "≤",
    "以内": "≤",
    "之内": "≤",
    "内": "≤",
    "之前": "≤",
    "以前": "≤",
    "前": "≤",
    "左右": "=",
}
_PREFIX_RE = re.compile(
    "(?:" + "|".join(re.escape(w) for w in sorted(_PREFIX_WORDS, key=len, reverse=True)) + r")\s*$"
)
_SUFFIX_RE = re.compile(
    r"^\s*(?:" + "|".join(re.escape(w) for w in sorted(_SUFFIX_WORDS, key=len, reverse=True)) + ")"
)
_RANGE_SEP = r"\s*(?:-|~|—|–|至|到)\s*"
_BETWEEN = re.compile(
    r"(?:介于|在)\s*(?P<a>[^和与至到]+?)\s*(?:和|与|至|到|-|~)\s*(?P<b>[^之间]+?)\s*之间"
)


@dataclass(frozen=True, slots=True)
class TargetValue:
    """A 指标值 as written: comparator, value (or low/high for a range), unit."""

    comparator: Comparator | None
    value: Decimal | None
    unit: str
    kind: QuantityKind
    printed: str
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def is_range(self) -> bool:
        return self.comparator == "range"


def comparator_before(text: str) -> Comparator | None:
    """The comparator that ends ``text`` (the words just before a number)."""
    norm = normalize(text).rstrip()
    m = _PREFIX_RE.search(norm) or _PREFIX_RE.search(norm.rstrip("为在").rstrip())
    return None if m is None else _PREFIX_WORDS[m.group(0).strip()]  # type: ignore[return-value]


def comparator_after(text: str) -> Comparator | None:
    """The comparator that starts ``text`` (the words just after a number and its unit)."""
    m = _SUFFIX_RE.match(normalize(text))
    return None if m is None else _SUFFIX_WORDS[m.group(0).strip()]  # type: ignore[return-value]


def parse_comparator(text: str) -> Comparator | None:
    """A bare comparator written on its own (``≥``, ``不低于``, ``以上`` …), or None."""
    word = normalize(text).strip()
    if word in _PREFIX_WORDS:
        return _PREFIX_WORDS[word]  # type: ignore[return-value]
    if word in _SUFFIX_WORDS:
        return _SUFFIX_WORDS[word]  # type: ignore[return-value]
    return None


def parse_target_value(text: str) -> TargetValue | None:
    """The 指标值 in ``text``: ``≥95%``, ``不低于95%``, ``95%以上``, ``90%-95%``, ``30日内``,
    ``5万人次``, ``一次``. None when the text carries no quantity."""
    norm = normalize(text)
    ranged = _parse_range(norm)
    if ranged is not None:
        return ranged
    quantities = find_quantities(norm)
    if not quantities:
        return None
    best: tuple[Quantity, Comparator | None] | None = None
    for q in quantities:
        cmp = comparator_before(norm[: q.start]) or comparator_after(norm[q.end :])
        if cmp is not None:
            best = (q, cmp)
            break
    if best is None:
        best = (quantities[0], None)
    q, cmp = best
    return TargetValue(cmp, q.value, q.unit, q.kind, q.printed)


def _parse_range(norm: str) -> TargetValue | None:
    between = _BETWEEN.search(norm)
    if between is not None:
        low = find_quantities(between.group("a"))
        high = find_quantities(between.group("b"))
        if len(low) == 1 and len(high) == 1:
            return _range(low[0], high[0], between.group(0))
    quantities = find_quantities(norm)
    for first, second in pairwise(quantities):
        gap = norm[first.end : second.start]
        if not re.fullmatch(_RANGE_SEP, gap):
            continue
        if second.unit and first.unit and first.unit != second.unit:
            continue
        return _range(first, second, norm[first.start : second.end])
    return None


def _range(low: Quantity, high: Quantity, printed: str) -> TargetValue | None:
    unit = high.unit or low.unit
    lo, hi = low.value, high.value
    if not low.unit and high.unit and low.value == low.number:  # 90-95%, 100-200万元
        lo = low.number * high.scale
        if unit in ("%", "‰"):
            lo = Percent(lo)
    if lo > hi:
        return None
    return TargetValue("range", None, unit, unit_kind(unit), printed, lo, hi)
