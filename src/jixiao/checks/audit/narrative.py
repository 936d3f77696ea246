"""Scores stated in the narrative: ``1.部门决策。(标准分35分,自评分35分)``, ``总分 20 分，自评得 20 分``,
``1、在职人员控制率（分值2分）……该项评分1分``; and ``X，其中a、b`` breakdowns.

Headings are numbered as in official documents (一、 > （一） > 1. / 1、 > 1) / （1） > ①); each
heading with its following paragraphs is a node. A node's children must add up to it (score and
分值); when a set of sibling nodes makes up the whole system (their 分值 sum to the full marks),
their scores must add up to the total the report states (``自评分为98.8分``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.checks.audit.extract import Document, Line
from jixiao.checks.audit.vocab import NUM, Vocabulary, vocabulary
from jixiao.checks.findings import AuditFinding
from jixiao.engine.numbers import format_number
from jixiao.engine.result import Severity

_CN = "一二三四五六七八九十"
_HEADINGS = (
    (1, re.compile(rf"^\s*[{_CN}]+\s*[、.．]")),
    (2, re.compile(rf"^\s*[(（]\s*[{_CN}]+\s*[)）]")),
    (3, re.compile(r"^\s*\d{1,2}\s*(?:[、．]|\.(?!\d))")),
    (4, re.compile(r"^\s*(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[)）])")),
    (5, re.compile(r"^\s*[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
)
_APPROX = re.compile(r"^\s*(?:余|多|左右)")


@dataclass(slots=True)
class Node:
    level: int
    line: Line
    body: list[Line] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    max: Decimal | None = None
    max_inferred: bool = False
    score: Decimal | None = None
    score_text: str = ""
    deductions: list[Decimal] = field(default_factory=list)

    @property
    def title(self) -> str:
        text = self.line.norm.strip()
        for _, pattern in _HEADINGS:
            text = pattern.sub("", text, count=1).strip()
        m = re.match(r"[\u4e00-\u9fff“”\"「」]+", text)
        return (m.group(0) if m else text)[:30]

    @property
    def scored(self) -> bool:
        return self.score is not None


def heading_level(text: str) -> int | None:
    for level, pattern in _HEADINGS:
        if pattern.match(text):
            return level
    return None


class _Patterns:
    def __init__(self, vocab: Vocabulary) -> None:
        self.max = re.compile(
            rf"(?:{vocab.alternation(vocab.narrative_max)})\s*(?:为|是|:|：)?\s*({NUM})\s*分"
        )
        self.score = re.compile(
            rf"(?<!扣)(?:{vocab.alternation(vocab.narrative_score)})\s*(?:为|是|:|：)?\s*({NUM})\s*分"
        )
        self.deduct = re.compile(rf"(?<![每则])扣\s*({NUM})\s*分(?!值)")
        self.full = re.compile(vocab.alternation(vocab.narrative_full_marks))
        self.total = re.compile(
            rf"(?:{vocab.alternation(vocab.total_prefixes)})[^，。；,;\d]{{0,8}}?"
            rf"(?:得分|评分|分数|总分|分)\s*(?:为|是|:|：)\s*({NUM})\s*分"
        )


def build_tree(document: Document, vocab: Vocabulary | None = None) -> list[Node]:
    """The document's numbered headings as a forest of nodes, with the scores each states."""
    patterns = _Patterns(vocab or vocabulary())
    roots: list[Node] = []
    stack: list[Node] = []
    current: Node | None = None
    for line in document.paragraphs():
        level = heading_level(line.norm)
        if level is None:
            if current is not None:
                current.body.append(line)
            continue
        node = Node(level, line)
        while stack and stack[-1].level >= level:
            stack.pop()
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
        current = node
    for node in _walk(roots):
        _read_scores(node, patterns)
    return roots


def _walk(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk(node.children))
    return out


def _read_scores(node: Node, patterns: _Patterns) -> None:
    """Max and score from the heading; failing that, from the first body text that states them."""
    texts = [node.line.norm] + [line.norm for line in node.body]
    for text in texts:
        if node.max is None and (m := patterns.max.search(text)):
            node.max = _dec(m.group(1))
        if node.score is None and (m := _stated_score(patterns, text)):
            node.score = _dec(m.group(1))
            node.score_text = m.group(0)
            node.deductions = [
                _dec(d.group(1)) for d in patterns.deduct.finditer(text[: m.start()])
            ]
        if node.score is not None:
            break
    if node.score is None:
        return
    heading = node.line.norm
    if node.max is None and patterns.full.search(heading + "".join(t for t in texts[1:2])):
        node.max, node.max_inferred = node.score, True
    elif node.max is None and node.deductions:
        node.max, node.max_inferred = node.score + sum(node.deductions), True


def _stated_score(patterns: _Patterns, text: str) -> re.Match[str] | None:
    """The first score the text states as given — not a scoring standard quoted in it
    (``固定资产利用率≥90%的，得1分`` says what would be scored, not what was)."""
    for m in patterns.score.finditer(text):
        clause_start = max(text.rfind(ch, 0, m.start()) for ch in "；;。")
        clause = text[clause_start + 1 : m.start()]
        if re.search(r"[≥≤<>]|的[，,]?\s*$|每", clause):
            continue
        return m
    return None


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _fmt(values: list[Decimal]) -> str:
    return "+".join(format_number(v) for v in values)


# ---------------------------------------------------------------------------------------------


def check_narrative(document: Document, vocab: Vocabulary | None = None) -> list[AuditFinding]:
    vocab = vocab or vocabulary()
    roots = build_tree(document, vocab)
    findings: list[AuditFinding] = []
    nodes = _walk(roots)
    for node in nodes:
        findings.extend(_check_node(node))
    findings.extend(_check_totals(document, roots, vocab))
    return findings


def _check_node(node: Node) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    heading = node.line.norm.strip()
    if node.score is not None and node.max is not None and not node.max_inferred:
        if node.score > node.max:
            findings.append(
                AuditFinding(
                    Severity.ERROR,
                    "audit.narrative.over_max",
                    f"「{heading[:40]}」得分{format_number(node.score)}分超过分值{format_number(node.max)}分",
                    node.line.where,
                    statement=heading[:80],
                    recomputed=f"≤{format_number(node.max)}",
                )
            )
        elif node.deductions and node.max - sum(node.deductions) != node.score:
            expected = node.max - sum(node.deductions)
            findings.append(
                AuditFinding(
                    Severity.WARNING,
                    "audit.narrative.deduction",
                    f"「{node.title}」分值{format_number(node.max)}分，扣{_fmt(node.deductions)}分"
                    f"应得{format_number(expected)}分，所写为{format_number(node.score)}分",
                    node.line.where,
                    statement=node.score_text,
                    recomputed=format_number(expected),
                )
            )
    children = [c for c in node.children if c.scored or c.max is not None]
    if not children or node.score is None:
        return findings
    if any(c.score is None for c in children):
        return findings
    scores = [c.score for c in children if c.score is not None]
    total = sum(scores, Decimal(0))
    maxes = [c.max for c in children if c.max is not None]
    max_total = sum(maxes, Decimal(0))
    names = "、".join(c.title for c in children)
    if total != node.score:
        extra = ""
        if node.max is not None and len(maxes) == len(children) and max_total != node.max:
            extra = f"；各项分值合计{_fmt(maxes)}={format_number(max_total)}，也不等于总分{format_number(node.max)}"
        findings.append(
            AuditFinding(
                Severity.ERROR,
                "audit.narrative.sum",
                f"「{node.title}」所写得分{format_number(node.score)}分，但其下各项（{names}）"
                f"得分{_fmt(scores)}={format_number(total)}分{extra}",
                node.line.where,
                statement=node.line.norm.strip()[:80],
                recomputed=format_number(total),
            )
        )
    elif node.max is not None and len(maxes) == len(children) and max_total != node.max:
        explicit = all(not c.max_inferred for c in children) and not node.max_inferred
        findings.append(
            AuditFinding(
                Severity.ERROR if explicit else Severity.WARNING,
                "audit.narrative.max_sum",
                f"「{node.title}」分值{format_number(node.max)}分，但其下各项（{names}）"
                f"分值{_fmt(maxes)}={format_number(max_total)}分",
                node.line.where,
                statement=node.line.norm.strip()[:80],
                recomputed=format_number(max_total),
            )
        )
    return findings


def _check_totals(document: Document, roots: list[Node], vocab: Vocabulary) -> list[AuditFinding]:
    """Sibling nodes whose 分值 make up the full marks must add up to the stated total score."""
    patterns = _Patterns(vocab)
    statements: list[tuple[Decimal, str, Line]] = []
    for line in document.paragraphs():
        for m in patterns.total.finditer(line.norm):
            if _APPROX.match(line.norm[m.end() :]):
                continue
            statements.append((_dec(m.group(1)), m.group(0), line))
    if not statements:
        return []
    findings: list[AuditFinding] = []
    full = Decimal(vocab.full_marks)
    groups = [roots] + [n.children for n in _walk(roots)]
    for siblings in groups:
        scored = [n for n in siblings if n.scored and n.max is not None]
        if len(scored) < 2 or sum((n.max for n in scored if n.max is not None), Decimal(0)) != full:
            continue
        parent = scored[0].parent
        if parent is not None and parent.score is not None:
            continue  # compared with its own stated score already
        total = sum((n.score for n in scored if n.score is not None), Decimal(0))
        values = {value for value, _, _ in statements}
        if total in values:
            continue
        parts = "+".join(f"{n.title}{format_number(n.score or Decimal(0))}" for n in scored)
        _, text, line = statements[-1]
        findings.append(
            AuditFinding(
                Severity.ERROR,
                "audit.narrative.total",
                f"各部分得分{parts}={format_number(total)}分（分值合计{format_number(full)}分），"
                f"与「{text}」不符",
                line.where,
                statement=text,
                recomputed=format_number(total),
            )
        )
    return findings


# ---------------------------------------------------------------------------------------------
# X，其中 a、b : the parts cannot exceed the whole

_AMOUNT = re.compile(rf"({NUM})\s*(万元|亿元|元|人次|人|个|项|家|名|户|次)")


def _partition(text: str, parts: list[re.Match[str]]) -> bool:
    """Parts whose names share an ending (行政编/事业编, 基本支出/项目支出) split the whole;
    others may overlap (党员15人、女性12人 of 20) and are not added up."""
    labels = []
    for part in parts:
        m = re.search(r"[\u4e00-\u9fff]+$", text[: part.start()].rstrip(" :："))
        if m is None:
            return False
        labels.append(m.group(0))
    return len({label[-1] for label in labels}) == 1


def _approximate(text: str, m: re.Match[str]) -> bool:
    """约60万元, 60余万元, 60万元左右: not a figure to add up."""
    before = text[max(0, m.start() - 2) : m.start()]
    return bool(_APPROX.match(text[m.end() :])) or any(
        w in before for w in ("约", "近", "逾", "超", "余")
    )


def check_breakdowns(document: Document) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    for line in document.paragraphs():
        text = line.norm
        for m in re.finditer("其中", text):
            finding = _breakdown(text, m.start(), m.end(), line)
            if finding is not None:
                findings.append(finding)
    return findings


def _breakdown(text: str, start: int, end: int, line: Line) -> AuditFinding | None:
    sentence_start = max(text.rfind(ch, 0, start) for ch in "。；;")
    before = list(_AMOUNT.finditer(text, sentence_start + 1, start))
    if not before:
        return None
    whole = before[-1]
    if _approximate(text, whole):
        return None
    if not re.fullmatch(r"[\s,，:：]*(?:均为[^，,]*[，,])?", text[whole.end() : start]):
        return None
    parts: list[re.Match[str]] = []
    depth = 0
    position = end
    for part in _AMOUNT.finditer(text, end):
        between = text[position : part.start()]
        for ch in between:
            depth += 1 if ch in "(（" else -1 if ch in ")）" else 0
        if depth < 0 or re.search(r"[。；;]|其中", between):
            break
        position = part.end()
        if depth > 0:
            continue  # a breakdown in brackets belongs to the part before it
        if part.group(2) != whole.group(2) or _approximate(text, part):
            return None
        parts.append(part)
    if len(parts) < 2 or not _partition(text, parts):
        return None
    whole_value = _dec(whole.group(1))
    values = [_dec(p.group(1)) for p in parts]
    total = sum(values, Decimal(0))
    if total <= whole_value:
        return None
    unit = whole.group(2)
    statement = text[whole.start() : parts[-1].end()]
    return AuditFinding(
        Severity.ERROR,
        "audit.narrative.breakdown",
        f"「{statement}」：其中各项{_fmt(values)}={format_number(total)}{unit}，"
        f"超过总数{format_number(whole_value)}{unit}",
        line.where,
        statement=statement,
        recomputed=f"{format_number(total)}{unit}",
    )
