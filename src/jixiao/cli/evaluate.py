"""``jixiao evaluate CASE``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from jixiao.cli.output import fail, print_json, print_result
from jixiao.engine import FrameworkError, Result, evaluate
from jixiao.frameworks import load_framework
from jixiao.io.cases import load_case


class Format(StrEnum):
    table = "table"
    json = "json"


def evaluate_case(path: Path, framework_id: str | None = None) -> Result:
    """Load a case and its framework and evaluate; errors are raised for the caller to report."""
    loaded = load_case(path)
    framework = load_framework(framework_id or loaded.case.framework)
    return evaluate(framework, loaded.case.to_engine())


def evaluate_command(
    path: Path = typer.Argument(..., help="案例目录（含 case.yaml）或案例文件"),
    framework: str | None = typer.Option(
        None, "--framework", "-f", help="改用的指标体系编号或文件"
    ),
    output_format: Format = typer.Option(Format.table, "--format", help="输出格式：table 或 json"),
) -> None:
    try:
        result = evaluate_case(path, framework)
    except FrameworkError as exc:
        fail("\n" + str(exc))
        return
    except KeyError as exc:
        fail(str(exc.args[0]))
        return
    if output_format is Format.json:
        print_json(result.to_dict())
    else:
        print_result(result)
