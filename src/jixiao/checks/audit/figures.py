"""Labelled figures in running text: ``年初预算金额 1791.71 万元`` → (年初预算金额, 1791.71, 万元)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from jixiao.checks.audit.extract import Document, Line
from jixiao.checks.audit.vocab import NUM
from jixiao.engine.numbers import HUNDRED, round_to

_FIGURE = re.compile(
    rf"(?P<label>[\u4e00-\u9fff“”\"「」]{{2,30}})\s*(?:为|是|:|：)?\s*(?P<num>{NUM})\s*"
    r"(?P<unit>万元|亿元|元|人次|人|%)(?![\u4e00-\u9fff]*[/=])"
)
_RATE = re.compile(
    r"(?P<label>[\u4e00-\u9fff“”\"「」]{1,24}?率)\s*(?:为|是|达到|达|:|：)?\s*"
    r"(?P<pct>-?\d+(?:\.\d+)?\s*%)"
)
DIFFERENCE_WORDS = ("节约", "结余", "减少", "增加", "超支", "差额", "调整", "追加", "变动", "增长")
_LEADING = re.compile(r"^(?:较|比|其中|分别|包括|含|共|合计|总计|累计为)+")


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: Decimal
    printed: str
    unit: str
    line: Line
    where: str


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    line: Line
    start: int


def sentences(line: Line) -> Iterator[Sentence]:
    start = 0
    text = line.norm
    for m in re.finditer(r"[。；;！？!?]", text):
        yield Sentence(text[start : m.end()], line, start)
        start = m.end()
    if start < len(text):
        yield Sentence(text[start:], line, start)


def _clean_label(label: str) -> str:
    label = re.sub(r"[“”\"「」]", "", label)
    label = re.sub(r"(?:为|是)$", "", label)
    return _LEADING.sub("", label)


def figures(text: str, line: Line, where: str | None = None) -> list[Figure]:
    found: list[Figure] = []
    for m in _FIGURE.finditer(text):
        label = _clean_label(m.group("label"))
        if len(label) < 2:
            continue
        found.append(
            Figure(
                label,
                Decimal(m.group("num").replace(",", "")),
                m.group(0).strip(),
                m.group("unit"),
                line,
                where or line.where,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class RateStatement:
    label: str
    printed: str
    sentence: Sentence


def rate_statements(sentence: Sentence) -> list[RateStatement]:
    return [
        RateStatement(_clean_label(m.group("label")), m.group("pct").replace(" ", ""), sentence)
        for m in _RATE.finditer(sentence.text)
        if not sentence.text[m.end() :].lstrip().startswith(("=", "/"))
    ]


def all_sentences(document: Document) -> Iterator[Sentence]:
    for line in document.paragraphs():
        yield from sentences(line)


def is_difference(label: str) -> bool:
    return any(w in label for w in DIFFERENCE_WORDS)


def pct(ratio: Decimal, places: int) -> str:
    """A ratio as a percentage at the printed precision, keeping zeros (``99.90%``)."""
    return f"{round_to(ratio * HUNDRED, places):f}%"
