"""The audit's patterns on small made-up texts: what they catch and what they leave alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.checks.audit import audit_text
from jixiao.cli import app
from jixiao.engine.result import Severity
from tests.checks.conftest import REPO


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(f.code, str(f.severity), f.where) for f in audit_text(text).findings]


def _codes(text: str) -> set[str]:
    return {f.code for f in audit_text(text).findings}


# ---------------------------------------------------------------------------------------------
# equations


@pytest.mark.parametrize(
    "text",
    [
        "资产负债率=250/1000=25%",
        "增长率=(120-100)/100=20.00%",
        "合计=12+8.5+3=23.5",
        "人均成本 = 30000 ÷ 12 = 2500",
        "完成率＝９５／１００＝９５％",
        "偏差率 $=(95-100)/100=-5\\%\\leq 0$",
        "得分=90%×10=9分",
        "利用率=(3762.60/3762.60)×100%=100%",
        "变动率=(6.74-7.83)/7.83=-13.92%≤0",
        "结转率=0<5%",
        "比率=3/7=42.86%，介于40%-50%之间",
    ],
)
def test_correct_equations_are_silent(text: str) -> None:
    assert _found(text) == []


def test_wrong_arithmetic_is_an_error_with_the_recomputed_value() -> None:
    (finding,) = audit_text("经核对，执行率=450/500=95%，得满分。").findings
    assert (finding.code, finding.severity) == ("audit.equation.mismatch", Severity.ERROR)
    assert finding.statement == "执行率=450/500=95%"
    assert finding.recomputed == "90.00%"
    assert finding.where == "行1"


def test_last_digit_is_rounding_warning() -> None:
    (finding,) = audit_text("控制率=2/3=66.66%").findings
    assert (finding.code, finding.severity) == ("audit.equation.rounding", Severity.WARNING)
    assert finding.recomputed == "66.67%"


def test_reciprocal_is_inverted() -> None:
    (finding,) = audit_text("执行率=110/100=90.91%").findings
    assert finding.code == "audit.equation.inverted"


def test_false_comparison() -> None:
    (finding,) = audit_text("调整率=10/100=10%≤5%，得2分").findings
    assert finding.code == "audit.equation.comparison"


def test_sum_with_plus() -> None:
    assert _codes("人员合计=16+28=34人") == {"audit.equation.mismatch"}


def test_numbers_that_are_not_equations_are_ignored() -> None:
    text = "\n".join(
        [
            "联系电话：0772-7618005，网址 http://x.gov.cn/a?id=12&p=3",
            "2021.01~2021.12，评分标准：≥80%;6分;75% 80%;5分",
            "得分=政府采购执行率×2分；执行率=（实际金额/计划金额）×100%",
            "90%>固定资产利用率≥75%的，得0.7分",
        ]
    )
    assert _found(text) == []


# ---------------------------------------------------------------------------------------------
# narrative scores


def test_children_must_add_up_to_their_heading() -> None:
    text = "\n".join(
        [
            "（一）决策 总分 30 分，自评得 30 分。",
            "1. 目标 未扣分，得 10 分。",
            "2. 配置 扣 2 分，得 18 分。",
            "（二）管理 标准分70分，自评分70分。",
            "综合评分为 98 分。",
        ]
    )
    found = _found(text)
    assert ("audit.narrative.sum", "error", "行1") in found  # 10 + 18 = 28
    assert ("audit.narrative.total", "error", "行5") in found  # 30 + 70 = 100 ≠ 98


def test_consistent_narrative_is_silent() -> None:
    text = "\n".join(
        [
            "一、评分说明",
            "（一）决策（分值30分）",
            "该指标分值30分，评分28分。",
            "1、目标设定（分值10分）",
            "经检查，扣2分，该项评分8分。",
            "2、预算配置（分值20分）",
            "该项评分20分。",
            "（二）管理（分值70分）",
            "该指标分值70分，评分70分。",
            "二、结果",
            "经评价，综合评分为98分，等级为“优”。",
        ]
    )
    assert _found(text) == []


def test_deduction_that_does_not_match_is_a_warning() -> None:
    text = "1、目标设定（分值10分）\n经检查，扣2分，该项评分9分。"
    assert _found(text) == [("audit.narrative.deduction", "warning", "行1")]


def test_score_above_max() -> None:
    assert _codes("1. 目标设定。该指标基准分为5分，自评得分6分。") == {"audit.narrative.over_max"}


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("支出120.5万元，其中基本支出80万元、项目支出50.5万元。", {"audit.narrative.breakdown"}),
        ("支出130.5万元，其中基本支出80万元、项目支出50.5万元。", set()),
        ("职工84人，其中：在编60人（包括公务员52人、职员8人）；编外24人。", set()),
        ("收入100万元，其中：拨款约60万元、其他50万元。", set()),
        ("预算100万元（其中:基本60万元,其中:人员30万元,公用30万元;项目40万元）", set()),
    ],
)
def test_breakdowns(text: str, codes: set[str]) -> None:
    assert _codes(text) == codes


# ---------------------------------------------------------------------------------------------
# tables in text (tab-separated, as copied from Word or PDF)


def test_table_total_and_group() -> None:
    text = "\n".join(
        [
            "\t一级指标\t二级指标\t指标分值\t自评得分\t",
            "\t产出指标 (30分)\t数量指标\t20\t20\t",
            "\t\t质量指标\t15\t15\t",
            "\t效益指标 (70分)\t社会效益\t70\t66\t",
            "\t合计\t\t100\t100\t",
        ]
    )
    found = _found(text)
    assert ("audit.table.group_max", "error", "行2") in found  # 20 + 15 = 35 ≠ 30
    assert ("audit.table.score_total", "error", "行5第5列") in found  # 101 ≠ 100
    assert ("audit.table.max_total", "error", "行5第4列") in found  # 105 ≠ 100


def test_table_broken_across_pages_continues() -> None:
    header = "指标\t分值\t得分\t扣分说明"
    text = "\n".join(
        [
            header,
            "甲\t40\t40\t",
            "乙\t30\t28\t材料不全",
            "评分表（续）",
            header,
            "丙\t30\t30\t",
            "总分\t100\t98\t",
        ]
    )
    assert _found(text) == []
    assert _codes(text.replace("总分\t100\t98", "总分\t100\t97")) == {"audit.table.score_total"}


def test_rule_condition_in_table_row() -> None:
    text = "\n".join(
        [
            "我单位实际支出金额 120 万元，预算金额 100 万元，经费执行率 120%。",
            "指标\t分值\t评分标准\t得分",
            "经费执行率\t5\t1. 得分=执行率×5分；2. 如实际支出金额超过预算金额，本项得0分。\t5",
        ]
    )
    assert _codes(text) == {"audit.rule.violated"}
    assert _codes(text.replace("\t5\n", "\t0\n").rstrip("5") + "0") == set()


def test_rate_statement_next_to_its_figures() -> None:
    ok = "当年预算 200.00 万元，实际支出 150.00 万元，经费控制率为 75.00%。"
    inverted = "当年实际支出 200.00 万元，年初预算 150.00 万元，经费执行率 75.00%。"
    assert _found(ok) == []
    assert _codes(inverted) == {"audit.rate.inverted"}


def test_text_and_table_disagree() -> None:
    text = "\n".join(
        [
            "本年度三公经费实际支出 6.74 万元。",
            "指标\t分值\t得分\t说明",
            "三公经费控制率\t3\t3\t本年度三公经费实际支出6.71万元",
        ]
    )
    found = _found(text)
    assert found == [("audit.consistency.value", "warning", "行3第4列")]


# ---------------------------------------------------------------------------------------------
# review-targets command


def test_review_targets_command(tmp_path: Path) -> None:
    case = REPO / "examples" / "liucheng-2021-self"
    if not (case / "case.yaml").exists():
        case = REPO / "examples" / "liucheng-2021-reeval"
    runner = CliRunner()
    result = runner.invoke(app, ["review-targets", str(case), "--format", "json"])
    assert result.exit_code == 1  # there are error-severity findings
    data = json.loads(result.output)
    assert data["summary"]["error"] >= 1
    assert all({"code", "severity", "where", "message", "fix"} <= set(f) for f in data["findings"])
    result = runner.invoke(app, ["review-targets", str(case)])
    assert "建议" in result.output
    bad = tmp_path / "rules.yaml"
    bad.write_text("vage_verbs: []\n", encoding="utf-8")
    result = runner.invoke(app, ["review-targets", str(case), "--rules", str(bad)])
    assert result.exit_code == 2
    assert "未知的键" in result.output
    result = runner.invoke(app, ["review-targets", str(tmp_path)])
    assert result.exit_code == 2


def test_overlapping_categories_are_not_a_breakdown() -> None:
    assert _codes("在职人员20人，其中党员15人、女性12人。") == set()
    assert _codes("在职人员20人，其中男性10人、女性12人。") == {"audit.narrative.breakdown"}


def test_scoring_standard_quoted_in_the_narrative_is_not_a_score() -> None:
    text = "\n".join(
        [
            "（2）固定资产利用率 该指标分值1分，评分1分。",
            "1. 固定资产利用率≥90%的，得1分；",
            "2. 90%>固定资产利用率≥75%的，得0.7分；",
            "3. 固定资产利用率<60%的，得0分。",
        ]
    )
    assert _found(text) == []
