"""Evaluating a folder of workbooks and cases on all cores, and the results workbook.

Each input (an ``.xlsx`` workbook, a case directory or a ``case.yaml``) is imported and
evaluated in a worker process; a file that cannot be imported is reported with its problems and
does not stop the others. ``write_results`` writes 汇总 (one row per input), 指标得分 (every
indicator of every input) and 问题 (import problems, check and evaluation findings).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.engine import CompiledFramework, FrameworkError, compile_framework, evaluate
from jixiao.frameworks import load_framework
from jixiao.io.cases import CaseError
from jixiao.io.excel.problems import WorkbookError
from jixiao.io.excel.writer import Styles, new_workbook, write_value
from jixiao.io.loading import EXCEL_SUFFIXES, open_case


@dataclass(slots=True)
class BatchItem:
    """The outcome for one input: a result summary, or the problems that stopped it."""

    path: str
    ok: bool
    unit: str = ""
    year: int | None = None
    framework: str = ""
    total: Decimal | None = None
    max: Decimal | None = None
    grade: str = ""
    complete: bool = False
    indicators: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def discover(directory: str | Path) -> list[Path]:
    """Workbooks and cases in ``directory`` (not recursive into cases), sorted."""
    root = Path(directory)
    found: list[Path] = []
    for path in sorted(root.iterdir()):
        if path.name.startswith(("~$", ".")):
            continue  # Excel lock files, hidden files
        if (
            (path.is_file() and path.suffix.lower() in EXCEL_SUFFIXES)
            or (path.is_dir() and (path / "case.yaml").is_file())
            or (path.is_file() and path.name == "case.yaml")
        ):
            found.append(path)
    return found


_COMPILED: dict[str, CompiledFramework] = {}


def _framework(framework_id: str) -> CompiledFramework:
    found = _COMPILED.get(framework_id)
    if found is None:
        found = compile_framework(load_framework(framework_id).framework)
        _COMPILED[framework_id] = found
    return found


def evaluate_one(path: str, framework_id: str | None) -> BatchItem:
    """Import and evaluate one input; never raises for bad input."""
    try:
        opened = open_case(path, framework_id)
        chosen = framework_id or opened.case.framework
        relative = opened.path.parent / chosen  # a case may name a framework file beside it
        if framework_id is None and opened.layout == "yaml" and relative.is_file():
            chosen = str(relative)
        result = evaluate(_framework(chosen), opened.case.to_engine())
    except WorkbookError as exc:
        return BatchItem(path, False, problems=[str(p) for p in exc.problems])
    except (CaseError, FrameworkError) as exc:
        return BatchItem(path, False, problems=[str(p) for p in exc.problems])
    except KeyError as exc:
        return BatchItem(path, False, problems=[str(exc.args[0])])
    except OSError as exc:
        return BatchItem(path, False, problems=[f"无法读取：{exc}"])
    except Exception as exc:  # one broken input must not stop a batch of thousands
        return BatchItem(path, False, problems=[f"内部错误：{type(exc).__name__}: {exc}"])
    findings = [f.to_dict() for f in result.findings]
    findings += [
        {**f.to_finding(opened.locations).to_dict(), "source": "check"}
        for f in (opened.findings or [])
    ]
    return BatchItem(
        path,
        True,
        result.unit,
        result.year,
        result.framework_id,
        result.total,
        result.max,
        result.grade,
        result.complete,
        [
            {
                "code": i.code,
                "name": i.name,
                "level": i.level,
                "max": i.max,
                "score": i.score,
                "status": str(i.status),
                "explanation": i.explanation,
            }
            for i in result.indicators
        ],
        findings,
    )


def run_batch(
    paths: list[Path],
    framework_id: str | None,
    jobs: int | None = None,
    progress: Callable[[BatchItem], None] | None = None,
) -> list[BatchItem]:
    """Evaluate every input, ``jobs`` processes at once (all cores by default), in input order."""
    workers = max(1, jobs or os.cpu_count() or 1)
    items: dict[str, BatchItem] = {}
    if workers == 1 or len(paths) <= 1:
        for path in paths:
            item = evaluate_one(str(path), framework_id)
            items[str(path)] = item
            if progress:
                progress(item)
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(paths))) as pool:
            futures = [pool.submit(evaluate_one, str(p), framework_id) for p in paths]
            for future in as_completed(futures):
                item = future.result()
                items[item.path] = item
                if progress:
                    progress(item)
    return [items[str(p)] for p in paths]


def _rows(items: list[BatchItem]) -> Iterator[list[Any]]:
    for item in items:
        yield [
            Path(item.path).name,
            "成功" if item.ok else "未导入",
            item.unit,
            item.year,
            item.framework,
            item.total,
            item.max,
            item.grade,
            "是" if item.complete else ("否" if item.ok else ""),
            sum(1 for f in item.findings if f.get("severity") == "error"),
            "；".join(item.problems),
        ]


def write_results(path: str | Path, items: list[BatchItem]) -> Path:
    target = Path(path)
    book = new_workbook(str(target))
    styles = Styles(book, {"font_size": 10})
    head = styles.get(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True)
    try:
        sheet = book.add_worksheet("汇总")
        headers = [
            "文件",
            "状态",
            "单位",
            "年度",
            "指标体系",
            "总分",
            "满分",
            "等级",
            "数据完整",
            "错误数",
            "导入问题",
        ]
        widths = [30, 8, 24, 6, 26, 8, 6, 6, 8, 6, 80]
        for c, (text, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write_string(0, c, text, head)
            sheet.set_column(c, c, width)
        for r, row in enumerate(_rows(items), start=1):
            for c, value in enumerate(row):
                write_value(sheet, r, c, value, styles, text_wrap=c == 10)
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, len(items), len(headers) - 1)

        detail = book.add_worksheet("指标得分")
        headers = ["文件", "编码", "指标", "层级", "分值", "得分", "状态", "说明"]
        widths = [30, 12, 30, 6, 8, 8, 10, 80]
        for c, (text, width) in enumerate(zip(headers, widths, strict=True)):
            detail.write_string(0, c, text, head)
            detail.set_column(c, c, width)
        r = 1
        for item in items:
            for ind in item.indicators:
                row = [
                    Path(item.path).name,
                    ind["code"],
                    ind["name"],
                    ind["level"],
                    ind["max"],
                    ind["score"],
                    ind["status"],
                    ind["explanation"],
                ]
                for c, value in enumerate(row):
                    write_value(detail, r, c, value, styles)
                r += 1
        detail.freeze_panes(1, 0)

        issues = book.add_worksheet("问题")
        headers = ["文件", "来源", "级别", "代码", "位置", "说明"]
        widths = [30, 8, 8, 28, 24, 90]
        for c, (text, width) in enumerate(zip(headers, widths, strict=True)):
            issues.write_string(0, c, text, head)
            issues.set_column(c, c, width)
        r = 1
        for item in items:
            name = Path(item.path).name
            rows = [[name, "导入", "error", "import", "", p] for p in item.problems]
            rows += [
                [name, f.get("source", "评分"), f["severity"], f["code"], f["where"], f["message"]]
                for f in item.findings
            ]
            for row in rows:
                for c, value in enumerate(row):
                    write_value(issues, r, c, value, styles)
                r += 1
        issues.freeze_panes(1, 0)
    finally:
        book.close()
    return target
