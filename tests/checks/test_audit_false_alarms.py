"""Every error-severity finding on the five seed reports, each with why it is a real error.

The test fails when an error appears that is not listed here (a false alarm until someone
checks it and adds it with its justification) or when a listed one disappears.
"""

from __future__ import annotations

import pytest

from jixiao.engine.result import Severity
from tests.checks.conftest import SEED_FILES, seed_audit

# (seed, code, where) → justification
REAL_ERRORS: dict[tuple[str, str, str], str] = {
    (
        "000",
        "audit.narrative.sum",
        "行79",
    ): "基础工作总分20分、自评得20分，下列四项各得6分，合计24分",
    (
        "002",
        "audit.narrative.total",
        "行257",
    ): "部门决策35+部门管理20+部门绩效44.1=99.1，报告称自评分98.8分",
    (
        "003",
        "audit.rate.inverted",
        "行143",
    ): "政府采购执行率90.81%是预算1791.71除以实际1973.09，应为110.12%",
    (
        "003",
        "audit.rule.violated",
        "行342第8列",
    ): "规则：实际采购金额大于预算得0分；实际1973.09>预算1791.71，表中却得1.82分",
    (
        "004",
        "audit.narrative.breakdown",
        "行53",
    ): "在编在职34人，其中行政编16人、事业编28人，16+28=44>34",
    (
        "004",
        "audit.equation.mismatch",
        "行441第9列",
    ): "评分表：预算完成率=1440.56/1410.56，实为102.13%，印为100%（正文分母为1,440.56）",
    (
        "004",
        "audit.equation.mismatch",
        "行446第10列",
    ): "评分表：预算调整率=615.25/1410.56，实为43.62%，印为4.36%（正文为645.25/1,440.56）",
    (
        "004",
        "audit.equation.mismatch",
        "行447第10列",
    ): "评分表：6月支付进度率=925.8/1410.56=65.63%≠6.6%；9月1122.2/1410.56=79.56%≠78%",
    (
        "004",
        "audit.equation.mismatch",
        "行450第10列",
    ): "评分表：控制率=6.71/12.16，实为55.18%，印为55.13%（正文为6.74/12.16=55.43%）",
    (
        "004",
        "audit.equation.mismatch",
        "行451第10列",
    ): "评分表：政府采购执行率=123.85/12.17，实为1017.67%，印为99.75%（正文预算为124.17）",
}
# the 行447第10列 entry covers two equations on the same row (6月 and 9月)
EXPECTED_COUNTS = {("004", "audit.equation.mismatch", "行447第10列"): 2}


@pytest.mark.parametrize("key", sorted(SEED_FILES))
def test_every_error_on_the_seeds_is_a_listed_real_error(key: str) -> None:
    report = seed_audit(key)
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    unlisted = [f for f in errors if (key, f.code, f.where) not in REAL_ERRORS]
    assert not unlisted, "false alarms (or unreviewed errors):\n" + "\n".join(
        f"{f.code} {f.where} {f.message}" for f in unlisted
    )
    found: dict[tuple[str, str, str], int] = {}
    for f in errors:
        found[(key, f.code, f.where)] = found.get((key, f.code, f.where), 0) + 1
    for listed in (k for k in REAL_ERRORS if k[0] == key):
        assert found.get(listed, 0) == EXPECTED_COUNTS.get(listed, 1), listed


def test_false_error_count_is_zero_and_all_listed_errors_are_found() -> None:
    total = sum(
        1 for key in SEED_FILES for f in seed_audit(key).findings if f.severity is Severity.ERROR
    )
    assert total == len(REAL_ERRORS) + sum(n - 1 for n in EXPECTED_COUNTS.values())
