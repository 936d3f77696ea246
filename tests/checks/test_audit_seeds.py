"""The arithmetic audit finds each known error in the seed reports (one test per figure)."""

from __future__ import annotations

from jixiao.checks.findings import AuditFinding
from jixiao.engine.result import Severity
from tests.checks.conftest import seed_audit


def _find(key: str, code: str, *fragments: str) -> AuditFinding:
    report = seed_audit(key)
    for finding in report.findings:
        if finding.code == code and all(f in finding.message for f in fragments):
            return finding
    listed = "\n".join(f"{f.code} {f.where} {f.message}" for f in report.findings)
    raise AssertionError(f"{key}: no {code} with {fragments}; found:\n{listed}")


def test_002_section_scores_do_not_add_up_to_the_stated_total() -> None:
    # 部门决策35 + 部门管理20 + 部门绩效44.1 = 99.1, but the report states 98.8
    finding = _find("002", "audit.narrative.total", "35", "20", "44.1", "99.1", "98.8")
    assert finding.severity is Severity.ERROR
    assert finding.where == "行257"
    assert finding.recomputed == "99.1"


def test_000_basic_work_items_add_up_to_24_not_20() -> None:
    # 基础工作 总分20分、自评得20分, but its four items score 6+6+6+6 = 24
    finding = _find("000", "audit.narrative.sum", "基础工作", "6+6+6+6=24", "20")
    assert finding.severity is Severity.ERROR
    assert finding.where == "行79"


def test_003_procurement_rate_is_inverted_and_actual_exceeds_budget() -> None:
    # 政府采购执行率 90.81% = 1791.71/1973.09 (budget/actual): inverted; actual 1973.09 > 1791.71
    inverted = _find("003", "audit.rate.inverted", "90.81%", "1791.71/1973.09", "110.12%")
    assert inverted.severity is Severity.ERROR
    assert inverted.where == "行143"
    assert "实际超过预算" in inverted.message


def test_003_rule_says_zero_when_actual_exceeds_budget_but_row_scores_1_82() -> None:
    # 评分标准：如实际采购金额大于采购预算，本项得0分 — the row gives 1.82
    finding = _find("003", "audit.rule.violated", "1973.09", "1791.71", "1.82")
    assert finding.severity is Severity.ERROR
    assert finding.where == "行342第8列"
    assert finding.recomputed == "0"


def test_004_procurement_rate_99_74_printed_99_75_is_rounding() -> None:
    # 123.85/124.17 = 99.7423% → 99.74%, printed 99.75%: last digit only → "rounding", warning
    finding = _find("004", "audit.equation.rounding", "123.85/124.17", "99.74%", "99.75%")
    assert finding.severity is Severity.WARNING
    assert finding.where == "行262"
    assert finding.recomputed == "99.74%"


def test_004_table_adjustment_rate_615_25_over_1410_56_is_not_4_36_percent() -> None:
    finding = _find("004", "audit.equation.mismatch", "615.25/1410.56", "43.62%", "4.36%")
    assert finding.severity is Severity.ERROR
    assert finding.where == "行446第10列"
    # and the text computes the same rate from 645.25 and 1,440.56
    other = _find(
        "004", "audit.consistency.equation", "预算调整率", "645.25/1,440.56", "615.25/1410.56"
    )
    assert other.where == "行446第10列"
    value = _find("004", "audit.consistency.value", "预算调整金额", "615.25", "645.25")
    assert value.severity is Severity.WARNING


def test_004_table_three_public_control_rate_6_71_over_12_16_is_not_55_13_percent() -> None:
    finding = _find("004", "audit.equation.mismatch", "6.71/12.16", "55.18%", "55.13%")
    assert finding.severity is Severity.ERROR
    assert finding.where == "行450第10列"
    # the text says 6.74 (and 55.43%)
    _find("004", "audit.consistency.equation", "三公经费控制率", "6.74/12.16", "6.71/12.16")
    _find("004", "audit.consistency.value", "实际支出", "6.71", "6.74")


def test_004_administrative_16_plus_career_28_is_not_34() -> None:
    finding = _find("004", "audit.narrative.breakdown", "16+28=44", "34")
    assert finding.severity is Severity.ERROR
    assert finding.where == "行53"


def test_seed_001_has_nothing_to_report() -> None:
    assert seed_audit("001").findings == []
