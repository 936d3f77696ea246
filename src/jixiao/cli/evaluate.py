"""``jixiao evaluate CASE``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from jixiao.cli.output import fail, print_json, print_result
from jixiao.engine import FrameworkError, Result, evaluate
from jixiao.frameworks import load_framework
from jixiao.io.cases import load_case
from jixiao.io.excel import WorkbookError
from jixiao.io.loading import is_workbook, open_case


class Format(StrEnum):
    table = "table"
    json = "json"


def evaluate_case(path: Path, framework_id: str | None = None) -> Result:
    """Load a case and its framework and evaluate; errors are raised for the caller to report.

    An Excel workbook is imported in memory; it must name its framework (「说明」表“指标体系”)
    unless ``framework_id`` is given.
    """
    if is_workbook(path):
        case = open_case(path, framework_id).case
        return evaluate(load_framework(framework_id or case.framework), case.to_engine())
    loaded = load_case(path)
    named = framework_id or loaded.case.framework
    relative = loaded.path.parent / named
    framework = load_framework(relative if framework_id is None and relative.is_file() else named)
    return evaluate(framework, loaded.case.to_engine())


def evaluate_command(
    path: Path = typer.Argument(
        ..., help="案例目录（含 case.yaml）、案例文件或 Excel 工作簿（.xlsx）"
    ),
    framework: str | None = typer.Option(
        None, "--framework", "-f", help="改用的指标体系编号或文件"
    ),
    output_format: Format = typer.Option(Format.table, "--format", help="输出格式：table 或 json"),
) -> None:
    try:
        result = evaluate_case(path, framework)
    except (FrameworkError, WorkbookError) as exc:
        fail("\n" + str(exc))
        return
    except KeyError as exc:
        fail(str(exc.args[0]))
        return
    except OSError as exc:
        fail(f"无法读取文件：{exc.filename or exc}")
        return
    if output_format is Format.json:
        print_json(result.to_dict())
    else:
        print_result(result)
