"""The ``jixiao`` console script: ``frameworks validate`` and ``evaluate --format json``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests._frameworks import GOOD

ROOT = Path(__file__).resolve().parents[2]
JIXIAO = Path(sys.executable).parent / "jixiao"
SHIPPED = ROOT / "src" / "jixiao" / "frameworks" / "liucheng-2021-reeval.yaml"

GRADES = textwrap.dedent(
    """\
    grades:
      - {grade: 优, min: 90}
      - {grade: 良, min: 80, max: 85}
      - {grade: 中, min: 60, max: 80}
      - {grade: 差, min: 0, max: 60}
    """
)
STEP = (
    "          kind: step_deduction\n"
    "          value: budget.actual / budget.adjusted\n"
    "          full_when: ≥90%\n"
    "          step: 5%\n"
    "          deduct: 1\n"
)
BANDS = (
    "          kind: bands\n"
    "          value: budget.actual / budget.adjusted\n"
    "          bands:\n"
    "            - {when: ≥90%, score: 4}\n"
    "            - {when: <80%, score: 0}\n"
)
assert STEP in GOOD

# name → (file text, the line's marker, the lines that may be named, a phrase of the message)
BAD: dict[str, tuple[str, str, tuple[int, ...], str]] = {
    "misspelt_key": (
        GOOD.replace("        weight: 2\n", "        wieght: 2\n"),
        "wieght",
        (0,),
        "未知的键「wieght」，是否应为「weight」？",
    ),
    "chinese_weight": (
        GOOD.replace("        weight: 2\n", "        weight: 五\n"),
        "weight: 五",
        (0,),
        "不是数字",
    ),
    "grade_gap": (
        GOOD.replace("kind: unit_overall\n", "kind: unit_overall\n" + GRADES),
        "grade: 良",
        (0, -2),
        "等级档位不连续",
    ),
    "unknown_kind": (
        GOOD.replace("kind: judgment", "kind: bandz"),
        "kind: bandz",
        (0,),
        "未知的评分规则类型「bandz」",
    ),
    "bands_gap": (GOOD.replace(STEP, BANDS), "    bands:", (0, -3), "评分档位不连续"),
    "duplicate_key": (
        GOOD.replace("    name: 管理制度健全性\n", "    name: 管理制度健全性\n    name: 制度\n"),
        "name: 制度",
        (0,),
        "键「name」重复出现",
    ),
}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def run(
    *args: str | Path, cwd: Path = ROOT, columns: int | None = 400
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run(
        [str(JIXIAO), *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_console_script_is_installed() -> None:
    assert JIXIAO.exists(), JIXIAO


@pytest.mark.parametrize("name", sorted(BAD))
def test_validate_bad_file_names_file_and_line(tmp_path: Path, name: str) -> None:
    text, marker, offsets, phrase = BAD[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    done = run("frameworks", "validate", path.name, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "错误" in done.stderr
    line = line_of(text, marker)
    expected = {line + offset for offset in offsets}
    if name == "grade_gap":
        expected.add(line_of(text, "grades:"))  # the list as a whole may be named
    named = {int(n) for n in re.findall(r"第(\d+)行", output)}
    assert named & expected, (named, expected, output)
    assert f"{path.name} 第" in output
    assert phrase in output
    assert has_chinese(output)


def test_validate_reports_every_problem(tmp_path: Path) -> None:
    text = GOOD.replace("        weight: 2\n", "        wieght: 2\n").replace(
        "kind: unit_overall", "kind: unit"
    )
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    done = run("frameworks", "validate", path.name, cwd=tmp_path)
    assert done.returncode != 0
    assert "指标体系有2处错误" in done.stderr
    assert f"第{line_of(text, 'wieght')}行" in done.stderr
    assert f"第{line_of(text, 'kind: unit')}行" in done.stderr


def test_validate_shipped_framework_passes() -> None:
    done = run("frameworks", "validate", SHIPPED)
    assert done.returncode == 0, done.stderr
    assert "通过" in done.stdout
    assert "柳城县应急管理局2021年度部门整体支出绩效再评价指标体系" in done.stdout


def test_validate_good_file_passes(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    done = run("frameworks", "validate", path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "通过：测试用指标体系（tiny）" in done.stdout


def test_weights_that_do_not_sum_pass_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "sum.yaml"
    path.write_text(GOOD.replace("        weight: 2\n", "        weight: 3\n"), encoding="utf-8")
    done = run("frameworks", "validate", path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "注意" in done.stdout
    assert "「预算执行」的下级指标分值4+3=7，与其分值6不一致" in done.stdout


def test_validate_missing_file(tmp_path: Path) -> None:
    done = run("frameworks", "validate", tmp_path / "none.yaml")
    assert done.returncode != 0
    assert "找不到文件" in done.stderr


def test_each_problem_is_one_unbroken_line_when_piped(tmp_path: Path) -> None:
    """Regression: rich hard-wrapped errors at 80 columns when piped, splitting 'file 第N行：…'."""
    text = BAD["unknown_kind"][0]
    path = tmp_path / "a_rather_long_directory_name_for_frameworks" / "unknown_kind.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    done = run("frameworks", "validate", path, columns=None)
    line = line_of(text, "kind: bandz")
    assert any(
        row.startswith(f"{path} 第{line}行：未知的评分规则类型「bandz」")
        and row.endswith("target_attainment")
        for row in done.stderr.splitlines()
    ), done.stderr


# --- evaluate --format json -----------------------------------------------------------------------


def _no_floats(text: str) -> Any:
    def refuse(number: str) -> None:
        raise AssertionError(f"a JSON number {number} where a decimal string is due")

    return json.loads(text, parse_float=refuse)


@pytest.fixture(scope="module")
def liucheng() -> dict[str, Any]:
    done = run("evaluate", "examples/liucheng-2021-reeval", "--format", "json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = _no_floats(done.stdout)
    return data


def test_evaluate_json_total_and_grade(liucheng: dict[str, Any]) -> None:
    assert liucheng["total"] == "85.5"
    assert Decimal(liucheng["total"]) == Decimal("85.5")
    assert liucheng["max"] == "100"
    assert liucheng["grade"] == "良"
    assert liucheng["framework"] == "liucheng-2021-reeval"
    assert liucheng["unit"] == "柳城县应急管理局"
    assert liucheng["year"] == 2021


def test_evaluate_json_indicators(liucheng: dict[str, Any]) -> None:
    indicators = liucheng["indicators"]
    assert indicators
    for item in indicators:
        assert {"code", "name", "path", "max", "score", "value", "status", "explanation"} <= set(
            item
        )
        assert isinstance(item["max"], str)
        assert isinstance(item["score"], str)
        assert Decimal(0) <= Decimal(item["score"]) <= Decimal(item["max"])
        assert isinstance(item["path"], list)
        assert item["path"][-1] == item["name"]
        assert item["status"] in {"scored", "given", "not_applicable", "missing_data"}
        assert item["value"] is None or isinstance(item["value"], str)
        assert item["explanation"]
    by_name = {i["name"]: i for i in indicators}
    staff = by_name["在职人员控制率"]
    assert (Decimal(staff["score"]), staff["value"], staff["status"]) == (
        Decimal(1),
        "111.76%",
        "scored",
    )
    assert "38/34=111.76%" in staff["explanation"]
    assert staff["path"] == ["投入", "预算配置", "在职人员控制率"]
    assert Decimal(by_name["预算调整率"]["score"]) == 0
    assert by_name["年初项目预算编制细化率"]["status"] == "given"
    assert sum(Decimal(i["max"]) for i in indicators if len(i["path"]) == 1) == Decimal(100)


def test_evaluate_json_findings(liucheng: dict[str, Any]) -> None:
    findings = liucheng["findings"]
    assert findings
    for finding in findings:
        assert set(finding) >= {"severity", "code", "message", "where"}
        assert finding["severity"] in {"error", "warning", "info"}
        assert has_chinese(finding["message"])
    rounding = [f for f in findings if f["code"] == "claim.rounding" and "99.75%" in f["message"]]
    assert rounding
    assert rounding[0]["severity"] == "warning"
    assert "99.74%" in rounding[0]["message"]


def test_evaluate_missing_case_fails_in_chinese(tmp_path: Path) -> None:
    done = run("evaluate", tmp_path / "nowhere")
    assert done.returncode != 0
    assert "找不到案例文件" in done.stderr
