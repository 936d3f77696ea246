"""Adapters to the library around the engine: fact checks, target review, Excel import, reports.

The web layer re-implements none of these.  Each adapter imports the library's public function
when it exists and says plainly when it does not, so the views never change when the library
grows; only this module does.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jixiao.engine import Result
from jixiao.facts import UnitYear
from jixiao.web.evaluations.documents import join, tokens

log = logging.getLogger(__name__)


def _find(candidates: list[tuple[str, str]]) -> Callable[..., Any] | None:
    for module_name, name in candidates:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found = getattr(module, name, None)
        if callable(found):
            return found  # type: ignore[no-any-return]
    return None


# --- notes next to fields ----------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    severity: str  # error | warning | info
    message: str
    source: str  # 评分 | 数据核对 | 目标审查


def engine_path(name: str) -> str:
    """An engine fact name (dotted) → a document path (brackets for non-identifiers)."""
    return join([p for p in name.split(".") if p != ""]) if "[" not in name else name


def _add(notes: dict[str, list[Note]], path: str, note: Note) -> None:
    bucket = notes.setdefault(path, [])
    if note not in bucket:
        bucket.append(note)


def field_notes(
    result: Result | None, compiled: Any, unit_year: UnitYear | None
) -> tuple[dict[str, list[Note]], list[str]]:
    """Notes by document path: missing data, rule notes, consistency and target findings.

    Returns the notes and a list of checks that could not run (shown, never hidden).
    """
    notes: dict[str, list[Note]] = {}
    problems: list[str] = []
    if result is not None:
        for item in result.leaves():
            if str(item.status) == "missing_data":
                for name in item.missing:
                    _add(
                        notes,
                        engine_path(name),
                        Note("warning", f"「{item.name}」评分需要此项数据", "评分"),
                    )
        by_path = {"/".join(n.path): n for n in compiled.walk()} if compiled else {}
        for finding in result.findings:
            node = by_path.get(finding.where)
            if node is None or finding.code == "data.missing" or node.indicator is None:
                continue
            from jixiao.engine.rules import parse_rule

            if node.indicator.rule is None:
                continue
            for name in parse_rule(node.indicator.rule).fact_names():
                _add(notes, engine_path(name), Note(str(finding.severity), finding.message, "评分"))
    if unit_year is not None:
        _consistency(unit_year, notes, problems)
        _targets(unit_year, notes, problems)
    return notes, problems


def _consistency(unit_year: UnitYear, notes: dict[str, list[Note]], problems: list[str]) -> None:
    check = _find([("jixiao.facts.checks", "check_facts"), ("jixiao.facts", "check_facts")])
    if check is None:
        problems.append("数据一致性核对（jixiao.facts.checks）尚不可用")
        return
    try:
        findings = check(unit_year)
    except Exception as exc:  # a failing check must not hide the page, but is reported
        log.exception("check_facts failed")
        problems.append(f"数据一致性核对未能运行：{exc}")
        return
    for finding in findings:
        severity = str(getattr(finding, "severity", "warning"))
        message = str(getattr(finding, "message", finding))
        for path in getattr(finding, "fields", ()) or ("",):
            _add(notes, path, Note(severity, message, "数据核对"))


def _targets(unit_year: UnitYear, notes: dict[str, list[Note]], problems: list[str]) -> None:
    if not unit_year.targets:
        return
    review = _find(
        [("jixiao.checks", "review_targets"), ("jixiao.checks.targets", "review_targets")]
    )
    if review is None:
        problems.append("绩效目标质量审查（jixiao.checks.review_targets）尚不可用")
        return
    key = repr(unit_year.targets)
    findings = _TARGET_CACHE.get(key)
    if findings is None:
        try:
            findings = review(unit_year.targets, _target_rules())
        except Exception as exc:
            log.exception("review_targets failed")
            problems.append(f"绩效目标质量审查未能运行：{exc}")
            return
        if len(_TARGET_CACHE) > 256:
            _TARGET_CACHE.clear()
        _TARGET_CACHE[key] = findings
    import re

    for finding in findings:
        where = str(getattr(finding, "where", ""))
        numbers = [int(n) for n in re.findall(r"第(\d+)条", where)] or [0]
        fix = getattr(finding, "fix", "")
        message = str(finding.message) + (f"（建议：{fix}）" if fix else "")
        for number in numbers:
            path = f"targets[{number - 1}]" if number else "targets"
            _add(notes, path, Note(str(finding.severity), message, "目标审查"))


_RULES: list[Any] = []
# Target review depends on the targets only: while other sections are edited live, reuse it.
_TARGET_CACHE: dict[str, Any] = {}


def _target_rules() -> Any:
    """The target-review rules, loaded once (the library reads its YAML on every default call)."""
    if not _RULES:
        load = _find(
            [("jixiao.checks", "load_target_rules"), ("jixiao.checks.targets", "load_target_rules")]
        )
        _RULES.append(load() if load else None)
    return _RULES[0]


def notes_under(notes: dict[str, list[Note]], paths: list[str]) -> dict[str, list[Note]]:
    """Notes for the given paths and anything beneath them (for one form section)."""
    out: dict[str, list[Note]] = {}
    for path, found in notes.items():
        for prefix in paths:
            if path == prefix or path.startswith((prefix + ".", prefix + "[")):
                out[path] = found
                break
    return out


# --- Excel import ---------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    facts: dict[str, Any] | None = None  # JSON facts ready for validation, when nothing is wrong
    errors: list[str] = field(default_factory=list)  # 「项目表!C12：「九十」不是数字」
    warnings: list[str] = field(default_factory=list)
    layout: str = ""
    given: dict[str, Any] | None = None  # by indicator code; None: keep the current ones
    not_applicable: dict[str, Any] | None = None


def excel_importer() -> Callable[..., Any] | None:
    return _find([("jixiao.io.excel", "read_workbook")])


def excel_template() -> Callable[..., Any] | None:
    return _find([("jixiao.io.excel", "write_workbook")])


def _empty_sections() -> dict[str, Any]:
    from jixiao.web.evaluations.documents import dump_facts

    return dump_facts(UnitYear.model_validate({"unit": {"name": "-"}, "year": 2000}))


def import_workbook(
    data: bytes,
    filename: str,
    current: dict[str, Any],
    framework_id: str,
    year: int,
    compiled: Any = None,
) -> ImportOutcome:
    """Read a workbook through ``jixiao.io.excel``; all-or-nothing, problems named by cell.

    jixiao's own facts workbook replaces the facts; an official form (10号自评表 …) carries only
    some sections, which replace the same sections of the current facts.
    """
    import tempfile
    from pathlib import Path

    from jixiao.web.evaluations.documents import dump_facts

    read = excel_importer()
    if read is None:
        return ImportOutcome(errors=["Excel 导入功能（jixiao.io.excel）尚不可用，请使用表单填报"])
    from jixiao.io.excel import WorkbookError

    suffix = Path(filename).suffix.lower() or ".xlsx"
    with tempfile.TemporaryDirectory(prefix="jixiao-import-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            imported = read(path, framework_id)
        except WorkbookError as exc:
            return ImportOutcome(errors=[str(p) for p in exc.problems] or [str(exc)])
    facts = dump_facts(imported.case.facts)
    warnings = [str(w) for w in imported.warnings]
    if facts.get("year") != year:
        return ImportOutcome(
            errors=[f"工作簿的年度为{facts.get('year')}，与评价任务的年度{year}不符，未导入"]
        )
    name = (current.get("unit") or {}).get("name")
    if name and (facts.get("unit") or {}).get("name") != name:
        warnings.append(f"工作簿中的单位名称「{facts['unit']['name']}」与本单位「{name}」不同")
    if imported.layout != "facts":
        empty = _empty_sections()
        merged = dict(current)
        for key, value in facts.items():
            if key in ("year",) or value == empty.get(key):
                continue
            merged[key] = value
        facts = merged
        warnings.append(f"按「{imported.layout}」格式导入，只替换该表格包含的部分")
        return ImportOutcome(facts, [], warnings, imported.layout)
    from jixiao.web.evaluations.documents import to_json

    def code(key: str) -> str:
        node = compiled.node(key) if compiled is not None else None
        return node.code if node is not None else key

    given = {
        code(k): {"score": to_json(v.score), "reason": v.reason, "source": v.source}
        for k, v in imported.case.given.items()
    }
    not_applicable = {code(k): v for k, v in imported.case.not_applicable.items()}
    return ImportOutcome(facts, [], warnings, imported.layout, given, not_applicable)


def write_facts_workbook(case: Any) -> bytes:
    import tempfile
    from pathlib import Path

    write = excel_template()
    if write is None:
        raise LookupError("Excel 填报表尚不可用")
    with tempfile.TemporaryDirectory(prefix="jixiao-export-") as tmp:
        path = Path(tmp) / "facts.xlsx"
        write(path, case, "facts")
        return path.read_bytes()


# --- downloads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    key: str
    label: str
    suffix: str
    content_type: str
    available: bool
    why_not: str = ""


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def downloads() -> list[Download]:
    """What an evaluation page offers, each produced by the library (never by the views)."""
    found: list[Download] = []
    reports = _find([("jixiao.reports.context", "build_context")]) is not None
    why = "" if reports else "报告模块（jixiao.reports）尚不可用"
    found.append(Download("report", "自评报告（Word）", "docx", DOCX, reports, why))
    found.append(Download("scoresheet", "指标评分表（Excel）", "xlsx", XLSX, reports, why))
    pdf_ok, pdf_why = reports, why
    if reports:
        available = _find([("jixiao.reports.pdf", "available")])
        pdf_ok = bool(available and available())
        pdf_why = "" if pdf_ok else "服务器未安装 LibreOffice，无法生成 PDF"
    found.append(Download("pdf", "自评报告（PDF）", "pdf", PDF, pdf_ok, pdf_why))
    try:
        from jixiao.io.excel import LAYOUT_NAMES, LAYOUT_TITLES
    except ImportError:
        found.append(
            Download(
                "facts", "事实工作簿（Excel）", "xlsx", XLSX, False, "jixiao.io.excel 尚不可用"
            )
        )
        return found
    for layout in LAYOUT_NAMES:
        title = LAYOUT_TITLES.get(layout, layout)
        key = "facts" if layout == "facts" else f"layout-{layout}"
        found.append(Download(key, f"{title}（Excel）", "xlsx", XLSX, True))
    return found


def render_download(key: str, case: Any, result: Result, framework: Any) -> bytes:
    """Bytes of one download, produced by the library function for that format."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="jixiao-download-") as tmp:
        out = Path(tmp)
        if key in ("report", "scoresheet", "pdf"):
            from jixiao.reports import scoresheet, word
            from jixiao.reports.context import build_context

            ctx = build_context(case, result, framework)
            if key == "scoresheet":
                return scoresheet.write_workbook(out / "评分表.xlsx", ctx).read_bytes()
            docx = word.render_report(ctx, out / "自评报告.docx")
            if key == "report":
                return docx.read_bytes()
            from jixiao.reports import pdf

            return pdf.convert([docx])[0].read_bytes()
        from jixiao.io.excel import write_workbook

        layout = "facts" if key == "facts" else key.removeprefix("layout-")
        return write_workbook(out / f"{layout}.xlsx", case, layout, result=result).read_bytes()


__all__ = [
    "Download",
    "ImportOutcome",
    "Note",
    "downloads",
    "field_notes",
    "import_workbook",
    "notes_under",
    "render_download",
    "tokens",
]
